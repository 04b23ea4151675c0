import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { IdSchema, problemResponses } from '../../../../contracts/common.ts'
import {
  AddExternalSchema,
  AddMembersSchema,
  ConversationIdSchema,
  ConversationListQuerySchema,
  ConversationPageSchema,
  ConversationSchema,
  CreateClientConversationSchema,
  CreateConversationSchema,
  CreateDirectSchema,
  EditMessageSchema,
  ExternalParticipantListSchema,
  ExternalParticipantSchema,
  MarkReadSchema,
  MessageIdSchema,
  MessageListQuerySchema,
  MessagePageSchema,
  MessageSchema,
  MuteSchema,
  ParticipantListSchema,
  PostMessageSchema,
  ReactionBodySchema,
  SearchPageSchema,
  SearchQuerySchema,
  UpdateConversationSchema,
} from '../../../../contracts/messaging.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { storageOf } from '../../kernel/storage/index.ts'
import type { MessagingDeps } from './conversations.service.ts'
import * as conv from './conversations.service.ts'
import * as msg from './messages.service.ts'
import { searchMessages } from './search.service.ts'

const errors = problemResponses(400, 401, 403, 404, 409)
const params = z.object({ id: ConversationIdSchema })
const messageParams = z.object({ id: ConversationIdSchema, messageId: MessageIdSchema })
const done = { 204: z.null().describe('Done') }

/** The deps of the messaging services, from the kernel: events, file storage, configured limits. */
export function messagingDeps(
  kernel: Pick<Kernel, 'events' | 'config' | 'rateLimiter' | 'database' | 'log'>,
): MessagingDeps {
  return {
    events: kernel.events,
    storage: storageOf(kernel),
    limits: kernel.config.messaging,
    limiter: kernel.rateLimiter('messages', kernel.config.messaging.perMinute, 60),
  }
}

export function registerMessagingRoutes(root: FastifyInstance, kernel: Kernel) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const deps = messagingDeps(kernel)
  const tags = ['Messaging']
  const ctx = (req: Parameters<typeof workspaceContext>[0]) => workspaceContext(req, db)

  app.get(
    '/api/v1/conversations',
    {
      config: { permission: 'messaging:read' },
      schema: {
        tags,
        summary: 'Conversations you may see, most recently active first, with unread counts',
        querystring: ConversationListQuerySchema,
        response: { 200: ConversationPageSchema, ...errors },
      },
    },
    async (req) => conv.listConversations(ctx(req), req.query),
  )

  app.post(
    '/api/v1/conversations',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'Create a channel (public or private) or a group conversation',
        body: CreateConversationSchema,
        response: { 201: ConversationSchema, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await conv.createConversation(deps, ctx(req), req.body)),
  )

  app.post(
    '/api/v1/conversations/direct',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'Open the direct conversation with a member (the same one every time)',
        description: '201 when it is created, 200 when it already existed.',
        body: CreateDirectSchema,
        response: { 200: ConversationSchema, 201: ConversationSchema, ...errors },
      },
    },
    async (req, reply) => {
      const r = await conv.openDirect(deps, ctx(req), req.body.userId)
      return reply.status(r.created ? 201 : 200).send(r.conversation)
    },
  )

  app.post(
    '/api/v1/conversations/client',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'Open the conversation of a client (one per client)',
        description:
          '201 when it is created (you become its owner), 200 when it exists and you take part; 403 when it exists and you do not (a participant adds you).',
        body: CreateClientConversationSchema,
        response: { 200: ConversationSchema, 201: ConversationSchema, ...errors },
      },
    },
    async (req, reply) => {
      const r = await conv.openClientConversation(deps, ctx(req), req.body.clientId)
      return reply.status(r.created ? 201 : 200).send(r.conversation)
    },
  )

  app.get(
    '/api/v1/conversations/messages/search',
    {
      config: { permission: 'messaging:read' },
      schema: {
        tags,
        summary: 'Search the messages of every conversation you can read',
        description:
          'Typo-tolerant words in `q`; filters `conversation` (ids), `author` (user ids or `me`), `hasAttachment`, `from` and `to` (a day or an instant). Newest first: with `q`, the newest messages holding every word (a cursor continues below the last one).',
        querystring: SearchQuerySchema,
        response: { 200: SearchPageSchema, ...errors },
      },
    },
    async (req) => searchMessages(ctx(req), req.query),
  )

  app.get(
    '/api/v1/conversations/:id',
    {
      config: { permission: 'messaging:read' },
      schema: { tags, summary: 'A conversation', params, response: { 200: ConversationSchema, ...errors } },
    },
    async (req) => conv.getConversation(ctx(req), req.params.id),
  )

  app.patch(
    '/api/v1/conversations/:id',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'Rename a conversation or set its topic',
        params,
        body: UpdateConversationSchema,
        response: { 200: ConversationSchema, ...errors },
      },
    },
    async (req) => conv.updateConversation(ctx(req), req.params.id, req.body),
  )

  for (const [path, archived, summary] of [
    ['archive', true, 'Archive a conversation (read-only until unarchived)'],
    ['unarchive', false, 'Unarchive a conversation'],
  ] as const)
    app.post(
      `/api/v1/conversations/:id/${path}`,
      {
        config: { permission: 'messaging:write' },
        schema: { tags, summary, params, response: { 200: ConversationSchema, ...errors } },
      },
      async (req) => conv.setArchived(ctx(req), req.params.id, archived),
    )

  app.get(
    '/api/v1/conversations/:id/members',
    {
      config: { permission: 'messaging:read' },
      schema: {
        tags,
        summary: 'Participants, with their read receipts',
        params,
        response: { 200: ParticipantListSchema, ...errors },
      },
    },
    async (req) => conv.listParticipants(ctx(req), req.params.id),
  )

  app.post(
    '/api/v1/conversations/:id/members',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'Add members',
        params,
        body: AddMembersSchema,
        response: { 200: ConversationSchema, ...errors },
      },
    },
    async (req) => conv.addMembers(deps, ctx(req), req.params.id, req.body.userIds),
  )

  app.delete(
    '/api/v1/conversations/:id/members/:userId',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'Remove a member (they lose access at once)',
        params: z.object({ id: ConversationIdSchema, userId: IdSchema }),
        response: { ...done, ...errors },
      },
    },
    async (req, reply) => {
      await conv.removeMember(deps, ctx(req), req.params.id, req.params.userId)
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/v1/conversations/:id/external-participants',
    {
      config: { permission: 'messaging:read' },
      schema: {
        tags,
        summary: 'External participants of a client’s conversation (the client’s contacts added to it)',
        description:
          'Owners, admins and members who see the client. 409 for a conversation that is not a client’s.',
        params,
        response: { 200: ExternalParticipantListSchema, ...errors },
      },
    },
    async (req) => conv.listExternals(ctx(req), req.params.id),
  )

  app.post(
    '/api/v1/conversations/:id/external-participants',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'Add a contact of the client as an external participant of its conversation',
        description:
          'Owners, admins and members who see the client; the contact must be the conversation’s client’s (400 on `contactId`). 201 when added, 200 when already there. Audited.',
        params,
        body: AddExternalSchema,
        response: { 200: ExternalParticipantSchema, 201: ExternalParticipantSchema, ...errors },
      },
    },
    async (req, reply) => {
      const r = await conv.addExternal(ctx(req), req.params.id, req.body.contactId)
      return reply.status(r.added ? 201 : 200).send(r.participant)
    },
  )

  app.delete(
    '/api/v1/conversations/:id/external-participants/:participantId',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'Remove an external participant',
        params: z.object({
          id: ConversationIdSchema,
          participantId: z.string().regex(/^cnp_[0-9a-f]{32}$/, 'must be an id starting with cnp_'),
        }),
        response: { ...done, ...errors },
      },
    },
    async (req, reply) => {
      await conv.removeExternal(ctx(req), req.params.id, req.params.participantId)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/api/v1/conversations/:id/join',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'Join a public channel',
        params,
        response: { 200: ConversationSchema, ...errors },
      },
    },
    async (req) => conv.join(deps, ctx(req), req.params.id),
  )

  app.post(
    '/api/v1/conversations/:id/leave',
    {
      config: { permission: 'messaging:write' },
      schema: { tags, summary: 'Leave a conversation', params, response: { ...done, ...errors } },
    },
    async (req, reply) => {
      const c = ctx(req)
      await conv.removeMember(deps, c, req.params.id, c.actor.userId)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/api/v1/conversations/:id/mute',
    {
      config: { permission: 'messaging:read' },
      schema: {
        tags,
        summary: 'Mute or unmute a conversation for yourself (muted ones leave the unread total)',
        params,
        body: MuteSchema,
        response: { 200: ConversationSchema, ...errors },
      },
    },
    async (req) => conv.setMuted(ctx(req), req.params.id, req.body.muted),
  )

  app.post(
    '/api/v1/conversations/:id/read',
    {
      config: { permission: 'messaging:read' },
      schema: {
        tags,
        summary: 'Mark the conversation read up to a message (a read receipt)',
        params,
        body: MarkReadSchema,
        response: {
          200: z.object({ lastReadMessageId: z.string().nullable(), unreadCount: z.number().int() }),
          ...errors,
        },
      },
    },
    async (req) => msg.markRead(ctx(req), req.params.id, req.body.messageId),
  )

  app.get(
    '/api/v1/conversations/:id/messages',
    {
      config: { permission: 'messaging:read' },
      schema: {
        tags,
        summary: 'Messages, oldest first: the newest page, or before / after / around a message',
        params,
        querystring: MessageListQuerySchema,
        response: { 200: MessagePageSchema, ...errors },
      },
    },
    async (req) => msg.listMessages(ctx(req), req.params.id, req.query),
  )

  app.post(
    '/api/v1/conversations/:id/messages',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'Post a message (or a reply in a thread with parentId)',
        description:
          '400 naming `body` over the length limit; 429 past the per-member rate limit (`MESSAGES_PER_MINUTE`).',
        params,
        body: PostMessageSchema,
        response: { 201: MessageSchema, ...errors, ...problemResponses(429) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await msg.postMessage(deps, ctx(req), req.params.id, req.body)),
  )

  app.get(
    '/api/v1/conversations/:id/messages/:messageId',
    {
      config: { permission: 'messaging:read' },
      schema: {
        tags,
        summary: 'A message',
        params: messageParams,
        response: { 200: MessageSchema, ...errors },
      },
    },
    async (req) => msg.getMessage(ctx(req), req.params.id, req.params.messageId),
  )

  app.patch(
    '/api/v1/conversations/:id/messages/:messageId',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'Edit your message (marks it edited)',
        params: messageParams,
        body: EditMessageSchema,
        response: { 200: MessageSchema, ...errors },
      },
    },
    async (req) => msg.editMessage(deps, ctx(req), req.params.id, req.params.messageId, req.body.body),
  )

  app.delete(
    '/api/v1/conversations/:id/messages/:messageId',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'Delete a message (its author, or an admin): the body and attachments go, its place stays',
        params: messageParams,
        response: { ...done, ...errors },
      },
    },
    async (req, reply) => {
      await msg.deleteMessage(deps, ctx(req), req.params.id, req.params.messageId)
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/v1/conversations/:id/messages/:messageId/replies',
    {
      config: { permission: 'messaging:read' },
      schema: {
        tags,
        summary: 'A thread’s replies, oldest first',
        params: messageParams,
        querystring: z.object({
          after: MessageIdSchema.optional().describe('Replies after this one.'),
          limit: z.coerce.number().int().min(1).max(100).default(50),
        }),
        response: { 200: MessagePageSchema, ...errors },
      },
    },
    async (req) => msg.listReplies(ctx(req), req.params.id, req.params.messageId, req.query),
  )

  app.post(
    '/api/v1/conversations/:id/messages/:messageId/reactions',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'React with an emoji (once per emoji and person)',
        params: messageParams,
        body: ReactionBodySchema,
        response: { 200: MessageSchema, ...errors },
      },
    },
    async (req) => msg.react(ctx(req), req.params.id, req.params.messageId, req.body.emoji, true),
  )

  app.delete(
    '/api/v1/conversations/:id/messages/:messageId/reactions/:emoji',
    {
      config: { permission: 'messaging:write' },
      schema: {
        tags,
        summary: 'Take your reaction back',
        params: messageParams.extend({ emoji: ReactionBodySchema.shape.emoji }),
        response: { 200: MessageSchema, ...errors },
      },
    },
    async (req) => msg.react(ctx(req), req.params.id, req.params.messageId, req.params.emoji, false),
  )
}
