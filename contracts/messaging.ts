import { z } from 'zod'
import { DayOrTimeInputSchema, IdSchema, TimestampSchema } from './common.ts'
import type { PermissionDefaults, PermissionsOf } from './permissions.ts'

/**
 * Messaging. `messaging:read` reads the conversations a member may see, `messaging:write` posts, reacts
 * and creates conversations, `messaging:manage` manages any channel (rename, archive, members) without
 * being its owner.
 */
export const messagingPermissions = {
  'messaging:read': ['owner', 'admin', 'member'],
  'messaging:write': ['owner', 'admin', 'member'],
  'messaging:manage': ['owner', 'admin'],
} as const satisfies PermissionDefaults

declare module './permissions.ts' {
  interface PermissionMap extends PermissionsOf<typeof messagingPermissions> {}
}

export const conversationKinds = ['channel_public', 'channel_private', 'direct', 'group', 'client'] as const
export type ConversationKind = (typeof conversationKinds)[number]
export const ConversationKindSchema = z.enum(conversationKinds)

export const ConversationIdSchema = z
  .string()
  .regex(/^cnv_[0-9a-f]{32}$/, 'must be an id starting with cnv_')
  .meta({ example: 'cnv_01937a5e6c1b7d2e8f90a1b2c3d4e5f6' })

export const MessageIdSchema = z
  .string()
  .regex(/^msg_[0-9a-f]{32}$/, 'must be an id starting with msg_')
  .meta({ example: 'msg_01937a5e6c1b7d2e8f90a1b2c3d4e5f6' })

const FileIdSchema = z.string().regex(/^file_[0-9a-f]{32}$/, 'must be an id starting with file_')

const NameSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(80, 'must be at most 80 characters')
  .describe('The channel’s name (80 characters at most).')
const TopicSchema = z.string().trim().max(250, 'must be at most 250 characters')

export const CreateConversationSchema = z
  .object({
    kind: z
      .enum(['channel_public', 'channel_private', 'group'])
      .describe(
        'A public channel (every member sees it), a private channel (participants only) or a group conversation. Direct messages: `POST /api/v1/conversations/direct`.',
      ),
    name: NameSchema.optional(),
    topic: TopicSchema.optional(),
    memberIds: z
      .array(IdSchema)
      .max(200, 'must list at most 200 members')
      .default([])
      .describe('Members to add besides you (user ids of this workspace).'),
  })
  .strict()
  .refine((c) => c.kind === 'group' || !!c.name, { message: 'is required for channels', path: ['name'] })

export const CreateDirectSchema = z
  .object({ userId: IdSchema.describe('The other member. The same pair always gets the same conversation.') })
  .strict()

export const CreateClientConversationSchema = z
  .object({
    clientId: z
      .string()
      .regex(/^cli_[0-9a-f]{32}$/, 'must be an id starting with cli_')
      .describe('The client. Each client has one conversation.'),
  })
  .strict()

export const UpdateConversationSchema = z
  .object({ name: NameSchema.optional(), topic: TopicSchema.nullable().optional() })
  .strict()

export const AddMembersSchema = z
  .object({
    userIds: z.array(IdSchema).min(1, 'must list a member').max(200, 'must list at most 200 members'),
  })
  .strict()

export const MuteSchema = z.object({ muted: z.boolean() }).strict()

export const ConversationSchema = z
  .object({
    id: ConversationIdSchema,
    kind: ConversationKindSchema,
    name: z.string().nullable(),
    topic: z.string().nullable(),
    clientId: z.string().nullable().describe('The client of a `client` conversation.'),
    archivedAt: TimestampSchema.nullable(),
    createdAt: TimestampSchema,
    lastMessageAt: TimestampSchema.nullable(),
    joined: z.boolean().describe('Whether you take part (a public channel can be seen without joining).'),
    role: z.enum(['owner', 'member']).nullable().describe('Your role in it, when you take part.'),
    muted: z.boolean(),
    unreadCount: z
      .number()
      .int()
      .describe('Messages from others after your read cursor (not thread replies).'),
    lastReadMessageId: z.string().nullable(),
    memberCount: z.number().int(),
    memberIds: z
      .array(IdSchema)
      .nullable()
      .describe('For direct and group conversations: every current participant (null for channels).'),
    canManage: z.boolean().describe('Whether you may rename, archive and manage its members.'),
  })
  .meta({ id: 'Conversation' })

export const ConversationPageSchema = z
  .object({
    data: z.array(ConversationSchema),
    nextCursor: z.string().nullable(),
    totalUnread: z.number().int().describe('Unread messages over every conversation you take part in.'),
  })
  .meta({ id: 'ConversationPage' })

export const ConversationListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size (1–200).'),
  cursor: z.string().max(200).optional().describe('The `nextCursor` of the previous page.'),
  archived: z
    .enum(['true', 'false', 'all'])
    .default('false')
    .describe('Archived conversations: hidden (`false`, the default), only them (`true`) or `all`.'),
  joined: z
    .enum(['true', 'false', 'all'])
    .default('all')
    .describe('`true`: only those you take part in; `false`: public channels you have not joined.'),
})

export const ParticipantSchema = z
  .object({
    id: z.string(),
    type: z.enum(['member', 'external']),
    userId: IdSchema.nullable(),
    contactId: z.string().nullable(),
    name: z.string().nullable(),
    role: z.enum(['owner', 'member']),
    joinedAt: TimestampSchema,
    lastReadMessageId: z
      .string()
      .nullable()
      .describe('Read receipt: the last message this participant read.'),
    lastReadAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'ConversationParticipant' })

export const ParticipantListSchema = z.object({ data: z.array(ParticipantSchema) })

export const AddExternalSchema = z
  .object({
    contactId: z
      .string()
      .regex(/^con_[0-9a-f]{32}$/, 'must be an id starting with con_')
      .describe('A contact of the conversation’s client.'),
  })
  .strict()

export const ExternalParticipantSchema = z
  .object({
    id: z.string().describe('The participant (cnp_…).'),
    contactId: z.string().nullable(),
    userId: IdSchema.nullable().describe('The portal user, once the contact has one.'),
    name: z.string().nullable(),
    email: z.string().nullable(),
    joinedAt: TimestampSchema,
  })
  .meta({ id: 'ExternalParticipant' })

export const ExternalParticipantListSchema = z.object({ data: z.array(ExternalParticipantSchema) })

export const PostMessageSchema = z
  .object({
    body: z
      .string()
      .max(100_000, 'must be at most 100000 characters')
      .describe(
        'Markdown. Raw HTML is shown as text; `@name` mentions a member (the name as shown, or the email’s local part; `@"Full Name"` for names with spaces), `@channel` everyone in the conversation. The workspace’s limit (`MESSAGE_MAX_LENGTH`) applies.',
      ),
    parentId: MessageIdSchema.optional().describe('Reply in the thread of this message.'),
    attachmentIds: z
      .array(FileIdSchema)
      .max(10, 'must list at most 10 files')
      .default([])
      .describe('Files you uploaded with `POST /api/v1/files` (no record): they become the message’s.'),
  })
  .strict()

export const EditMessageSchema = z.object({ body: PostMessageSchema.shape.body }).strict()

export const ReactionBodySchema = z
  .object({
    emoji: z
      .string()
      .min(1, 'is required')
      .max(64, 'must be at most 64 characters')
      .regex(/^[^\s<>"'&]+$/u, 'must be an emoji or a short name such as :thumbsup:'),
  })
  .strict()

export const AttachmentSchema = z
  .object({ id: z.string(), name: z.string(), contentType: z.string(), size: z.number().int() })
  .meta({ id: 'MessageAttachment' })

export const ReactionSchema = z
  .object({
    emoji: z.string(),
    count: z.number().int(),
    userIds: z.array(IdSchema),
    mine: z.boolean(),
  })
  .meta({ id: 'MessageReaction' })

export const MessageSchema = z
  .object({
    id: MessageIdSchema,
    conversationId: ConversationIdSchema,
    authorId: IdSchema.nullable(),
    body: z.string().describe('The markdown source (empty once deleted).'),
    html: z
      .string()
      .describe(
        'The body rendered to HTML by the server: raw HTML escaped, only http(s), mailto and relative links.',
      ),
    parentId: z.string().nullable(),
    replyCount: z.number().int(),
    lastReplyAt: TimestampSchema.nullable(),
    mentionedUserIds: z.array(IdSchema),
    channelMention: z.boolean(),
    attachments: z.array(AttachmentSchema),
    reactions: z.array(ReactionSchema),
    editedAt: TimestampSchema.nullable(),
    deletedAt: TimestampSchema.nullable(),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'Message' })

export const MessagePageSchema = z
  .object({
    data: z.array(MessageSchema).describe('Oldest first.'),
    hasBefore: z.boolean().describe('Older messages exist: ask with `before` = the first id.'),
    hasAfter: z.boolean().describe('Newer messages exist: ask with `after` = the last id.'),
  })
  .meta({ id: 'MessagePage' })

export const MessageListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).describe('Page size (1–100).'),
  before: MessageIdSchema.optional().describe('Messages before this one (scrolling up).'),
  after: MessageIdSchema.optional().describe('Messages after this one (catching up).'),
  around: MessageIdSchema.optional().describe('A page centred on this message (jump to a message).'),
})

export const MarkReadSchema = z
  .object({ messageId: MessageIdSchema.describe('The last message read; the cursor never moves back.') })
  .strict()

export const SearchQuerySchema = z.object({
  q: z.string().max(200).optional().describe('Words to find (typos tolerated).'),
  conversation: z
    .string()
    .max(2000)
    .optional()
    .describe('Only in these conversations (comma-separated ids).'),
  author: z.string().max(2000).optional().describe('Only from these members (user ids or `me`).'),
  hasAttachment: z.enum(['true', 'false']).optional(),
  from: DayOrTimeInputSchema.optional().describe('Sent on or after (a day or an instant).'),
  to: DayOrTimeInputSchema.optional().describe('Sent on or before (a day or an instant).'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
})

export const SearchHitSchema = z
  .object({
    message: MessageSchema,
    conversation: z.object({ id: z.string(), kind: ConversationKindSchema, name: z.string().nullable() }),
  })
  .meta({ id: 'MessageSearchHit' })

export const SearchPageSchema = z.object({
  data: z.array(SearchHitSchema),
  nextCursor: z.string().nullable(),
})
