import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type {
  ConversationKind,
  MessageListQuerySchema,
  MessageSchema,
  PostMessageSchema,
} from '../../../../contracts/messaging.ts'
import { type Actor, assertCan, can } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { type Audience, publish, publishMany } from '../../kernel/realtime/index.ts'
import { searchIndex } from '../../kernel/search/index.ts'
import { attachUploads, files } from '../../kernel/storage/index.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import {
  type Conversation,
  loadConversation,
  MEMBER_ROOM,
  type Participant,
  participantUserIds,
  readersAmong,
} from './access.ts'
import type { MessagingDeps } from './conversations.service.ts'
import { type MemberName, parseMentions, renderMarkdown } from './markdown.ts'
import { conversationParticipants, conversations, messageReactions, messages } from './schema.ts'
import { messageRecords } from './search.ts'

export type Message = typeof messages.$inferSelect
type MessageOut = z.output<typeof MessageSchema>
const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows
const iso = (d: Date | null) => (d ? d.toISOString() : null)

/**
 * Messages as the API answers them, with their attachments (read only for messages that have any) and
 * reactions (`fresh`: a message just written has none, so they are not read).
 */
export async function serializeMessages(
  tx: Tx,
  actor: Actor,
  list: Message[],
  opts: { fresh?: boolean } = {},
): Promise<MessageOut[]> {
  if (!list.length) return []
  const ids = list.map((m) => m.id)
  const withFiles = list.filter((m) => m.hasAttachments).map((m) => m.id)
  const attached = !withFiles.length
    ? []
    : await tx
        .select({
          id: files.id,
          name: files.name,
          contentType: files.contentType,
          size: files.size,
          recordId: files.recordId,
          ownerId: files.ownerId,
        })
        .from(files)
        .where(and(eq(files.recordType, 'message'), inArray(files.recordId, withFiles)))
        .orderBy(asc(files.createdAt), asc(files.id))
  const reactions = opts.fresh
    ? []
    : await tx
        .select()
        .from(messageReactions)
        .where(inArray(messageReactions.messageId, ids))
        .orderBy(asc(messageReactions.createdAt))
  return list.map((m) => {
    const byEmoji = new Map<string, string[]>()
    for (const r of reactions)
      if (r.messageId === m.id) byEmoji.set(r.emoji, [...(byEmoji.get(r.emoji) ?? []), r.userId])
    return {
      id: m.id,
      conversationId: m.conversationId,
      authorId: m.authorId,
      body: m.body,
      html: renderMarkdown(m.body),
      parentId: m.parentId,
      replyCount: m.replyCount,
      lastReplyAt: iso(m.lastReplyAt),
      mentionedUserIds: m.mentionedUserIds,
      channelMention: m.channelMention,
      attachments: attached
        // Only what its author attached (a file sent to the message through /api/v1/files is not shown).
        .filter((f) => f.recordId === m.id && f.ownerId === m.authorId)
        .map((f) => ({ id: f.id, name: f.name, contentType: f.contentType, size: f.size })),
      reactions: [...byEmoji].map(([emoji, userIds]) => ({
        emoji,
        count: userIds.length,
        userIds,
        mine: userIds.includes(actor.userId),
      })),
      editedAt: iso(m.editedAt),
      deletedAt: iso(m.deletedAt),
      createdAt: m.createdAt.toISOString(),
    }
  })
}

async function workspaceMembers(tx: Tx): Promise<MemberName[]> {
  return rowsOf<MemberName>(
    await tx.execute(
      sql`select u.id::text as id, u.name, u.email from memberships m join users u on u.id = m.user_id`,
    ),
  )
}

/** Mentions of a body, kept to the people who can read the conversation (never the author). */
async function mentionsOf(tx: Tx, c: Conversation, body: string, authorId: string) {
  if (!body.includes('@')) return { userIds: [] as string[], channel: false }
  const parsed = parseMentions(body, await workspaceMembers(tx))
  const readers = await readersAmong(
    tx,
    c,
    parsed.userIds.filter((u) => u !== authorId),
  )
  return { userIds: readers, channel: parsed.channel }
}

function checkLength(deps: MessagingDeps, body: string, attachments: number) {
  if (body.length > deps.limits.maxLength)
    throw problems.validation([
      { field: 'body', message: `must be at most ${deps.limits.maxLength} characters` },
    ])
  if (!body.trim() && attachments === 0)
    throw problems.validation([{ field: 'body', message: 'is required (or attach a file)' }])
}

async function loadMessage(
  tx: Tx,
  conversationId: string,
  messageId: string,
  lock = false,
): Promise<Message> {
  const q = tx
    .select()
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.conversationId, conversationId)))
  const [m] = lock ? await q.for('update') : await q
  if (!m) throw problems.notFound('Message')
  return m
}

function assertWritable(c: Conversation, p: Participant | null) {
  if (c.archivedAt) throw problems.conflict('This conversation is archived.')
  if (!p) throw problems.forbidden('Join this channel to post in it.')
}

/** Everyone whose conversation list should show activity: a room for the conversation, then people. */
/**
 * Who hears that a conversation moved (the sidebar's `conversation.activity`): the workspace for a
 * public channel, else its member room — one event, sent at dispatch to the participants of that moment.
 */
function activityAudience(c: Conversation): Audience {
  return c.kind === 'channel_public' ? 'workspace' : { kind: MEMBER_ROOM, id: c.id }
}

export async function postMessage(
  deps: MessagingDeps,
  ctx: ServiceContext,
  conversationId: string,
  input: z.output<typeof PostMessageSchema>,
) {
  assertCan(ctx.actor, 'messaging:write')
  checkLength(deps, input.body, input.attachmentIds.length)
  if (deps.limiter) {
    const wait = await deps.limiter.hit(`${ctx.workspaceId}:${ctx.actor.userId}`)
    if (wait > 0) throw problems.tooManyRequests(wait)
  }
  return withWorkspace(ctx, async (tx) => {
    const { conversation: c, participant: p } = await loadConversation(tx, ctx.actor, conversationId, {
      lock: true,
    })
    assertWritable(c, p)
    let parent: Message | null = null
    if (input.parentId) {
      parent = await loadMessage(tx, conversationId, input.parentId, true)
      if (parent.parentId)
        throw problems.validation([{ field: 'parentId', message: 'must be a thread’s first message' }])
    }
    const id = newId('msg')
    const attached = await attachUploads(tx, {
      ids: input.attachmentIds,
      ownerId: ctx.actor.userId,
      recordType: 'message',
      recordId: id,
      field: 'attachmentIds',
    })
    const mentions = await mentionsOf(tx, c, input.body, ctx.actor.userId)
    const seq = c.lastSeq + 1
    const now = new Date()
    await tx
      .update(conversations)
      .set({ lastSeq: seq, lastMessageAt: now, updatedAt: now })
      .where(eq(conversations.id, c.id))
    const [row] = await tx
      .insert(messages)
      .values({
        id,
        workspaceId: ctx.workspaceId,
        conversationId,
        seq,
        authorId: ctx.actor.userId,
        body: input.body,
        parentId: parent?.id ?? null,
        mentionedUserIds: mentions.userIds,
        channelMention: mentions.channel,
        hasAttachments: attached.length > 0,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
    const m = row as Message
    if (parent)
      await tx
        .update(messages)
        .set({ replyCount: sql`${messages.replyCount} + 1`, lastReplyAt: now })
        .where(eq(messages.id, parent.id))
    // The author has read up to their own message.
    if (p && !parent)
      await tx
        .update(conversationParticipants)
        .set({ lastReadSeq: seq, lastReadMessageId: m.id, lastReadAt: now })
        .where(eq(conversationParticipants.id, p.id))
    await searchIndex.update(tx, messageRecords, [m.id], { created: [m.id] })
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'message.posted',
      targetType: 'message',
      targetId: m.id,
      targetLabel: conversationId,
      after: { body: m.body, parentId: m.parentId, attachments: attached.map((f) => f.id) },
    })
    const ids = { conversationId, messageId: m.id, ...(parent ? { parentId: parent.id } : {}) }
    await publishMany(tx, ctx.workspaceId, [
      { audience: { kind: 'conversation', id: conversationId }, type: 'message.created', ids },
      { audience: activityAudience(c), type: 'conversation.activity', ids },
    ])
    const everyone = c.kind === 'direct' || c.kind === 'group' || mentions.channel
    await deps.events.emit(tx, 'message.created', ctx.workspaceId, {
      conversationId,
      messageId: m.id,
      authorId: ctx.actor.userId,
      conversationKind: c.kind as ConversationKind,
      parentId: parent?.id ?? null,
      mentionedUserIds: mentions.userIds,
      channelMention: mentions.channel,
      participantUserIds: everyone ? await participantUserIds(tx, c.id) : [],
      mutedUserIds:
        everyone || mentions.userIds.length
          ? (
              await tx
                .select({ userId: conversationParticipants.userId })
                .from(conversationParticipants)
                .where(
                  and(
                    eq(conversationParticipants.conversationId, c.id),
                    eq(conversationParticipants.muted, true),
                    isNull(conversationParticipants.leftAt),
                  ),
                )
            )
              .map((r) => r.userId)
              .filter((u): u is string => u !== null)
          : [],
    })
    const [out] = await serializeMessages(tx, ctx.actor, [m], { fresh: true })
    return out as MessageOut
  })
}

export async function editMessage(
  deps: MessagingDeps,
  ctx: ServiceContext,
  conversationId: string,
  messageId: string,
  body: string,
) {
  assertCan(ctx.actor, 'messaging:write')
  if (body.length > deps.limits.maxLength)
    throw problems.validation([
      { field: 'body', message: `must be at most ${deps.limits.maxLength} characters` },
    ])
  return withWorkspace(ctx, async (tx) => {
    const { conversation: c } = await loadConversation(tx, ctx.actor, conversationId)
    const before = await loadMessage(tx, conversationId, messageId, true)
    if (before.deletedAt) throw problems.notFound('Message')
    if (before.authorId !== ctx.actor.userId) throw problems.forbidden('Only its author can edit a message.')
    if (c.archivedAt) throw problems.conflict('This conversation is archived.')
    if (!body.trim() && !before.hasAttachments)
      throw problems.validation([{ field: 'body', message: 'is required (or delete the message)' }])
    const mentions = await mentionsOf(tx, c, body, ctx.actor.userId)
    const now = new Date()
    const [row] = await tx
      .update(messages)
      .set({
        body,
        mentionedUserIds: mentions.userIds,
        channelMention: mentions.channel,
        editedAt: now,
        updatedAt: now,
      })
      .where(eq(messages.id, messageId))
      .returning()
    const m = row as Message
    await searchIndex.update(tx, messageRecords, [m.id])
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'message.edited',
      targetType: 'message',
      targetId: m.id,
      targetLabel: conversationId,
      before: { body: before.body },
      after: { body: m.body },
    })
    await publish(tx, ctx.workspaceId, { kind: 'conversation', id: conversationId }, 'message.updated', {
      conversationId,
      messageId,
    })
    await deps.events.emit(tx, 'message.updated', ctx.workspaceId, {
      conversationId,
      messageId,
      authorId: m.authorId,
    })
    const [out] = await serializeMessages(tx, ctx.actor, [m])
    return out as MessageOut
  })
}

/**
 * Deletes a message: its body, mentions and attachments go, its place stays ("message deleted") so
 * threads keep their shape. Its author, or `messaging:manage` (moderation).
 */
export async function deleteMessage(
  deps: MessagingDeps,
  ctx: ServiceContext,
  conversationId: string,
  messageId: string,
) {
  assertCan(ctx.actor, 'messaging:write')
  const removed = await withWorkspace(ctx, async (tx) => {
    await loadConversation(tx, ctx.actor, conversationId)
    const before = await loadMessage(tx, conversationId, messageId, true)
    if (before.deletedAt) return []
    if (before.authorId !== ctx.actor.userId && !can(ctx.actor, 'messaging:manage'))
      throw problems.forbidden('Only its author or an admin can delete a message.')
    const now = new Date()
    await tx
      .update(messages)
      .set({
        body: '',
        mentionedUserIds: [],
        channelMention: false,
        hasAttachments: false,
        deletedAt: now,
        updatedAt: now,
      })
      .where(eq(messages.id, messageId))
    await tx.delete(messageReactions).where(eq(messageReactions.messageId, messageId))
    const gone = await tx
      .select()
      .from(files)
      .where(and(eq(files.recordType, 'message'), eq(files.recordId, messageId)))
    for (const f of gone) await deps.storage?.deleteRow(tx, f)
    await searchIndex.update(tx, messageRecords, [messageId])
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'message.deleted',
      targetType: 'message',
      targetId: messageId,
      targetLabel: conversationId,
      before: { authorId: before.authorId, body: before.body, attachments: gone.map((f) => f.name) },
    })
    await publish(tx, ctx.workspaceId, { kind: 'conversation', id: conversationId }, 'message.deleted', {
      conversationId,
      messageId,
    })
    await deps.events.emit(tx, 'message.deleted', ctx.workspaceId, {
      conversationId,
      messageId,
      authorId: before.authorId,
    })
    return gone
  })
  for (const f of removed) await deps.storage?.removeBytes(f)
}

/** One message (a thread's first message, a search hit). */
export async function getMessage(ctx: ServiceContext, conversationId: string, messageId: string) {
  assertCan(ctx.actor, 'messaging:read')
  return withWorkspace(ctx, async (tx) => {
    await loadConversation(tx, ctx.actor, conversationId)
    const m = await loadMessage(tx, conversationId, messageId)
    const [out] = await serializeMessages(tx, ctx.actor, [m])
    return out as MessageOut
  })
}

/**
 * A page of a conversation's messages (threads' replies excluded), oldest first: the newest, those
 * `before` a message (scrolling up), `after` one (catching up), or `around` one (jumping to it; a
 * reply centres on its thread's first message).
 */
export async function listMessages(
  ctx: ServiceContext,
  conversationId: string,
  q: z.output<typeof MessageListQuerySchema>,
) {
  assertCan(ctx.actor, 'messaging:read')
  const anchors = [q.before, q.after, q.around].filter(Boolean)
  if (anchors.length > 1)
    throw problems.validation([{ field: 'before', message: 'use one of before, after and around' }])
  return withWorkspace(ctx, async (tx) => {
    await loadConversation(tx, ctx.actor, conversationId)
    const top = and(eq(messages.conversationId, conversationId), isNull(messages.parentId))
    const seqOf = async (id: string, field: string): Promise<number> => {
      const [m] = await tx
        .select({ seq: messages.seq, parentId: messages.parentId })
        .from(messages)
        .where(and(eq(messages.id, id), eq(messages.conversationId, conversationId)))
      if (!m) throw problems.validation([{ field, message: 'is not a message of this conversation' }])
      if (m.parentId) return seqOf(m.parentId, field)
      return m.seq
    }
    const older = (seq: number, n: number, inclusive = false) =>
      tx
        .select()
        .from(messages)
        .where(and(top, inclusive ? lte(messages.seq, seq) : lt(messages.seq, seq)))
        .orderBy(desc(messages.seq))
        .limit(n)
    const newer = (seq: number, n: number) =>
      tx
        .select()
        .from(messages)
        .where(and(top, gt(messages.seq, seq)))
        .orderBy(asc(messages.seq))
        .limit(n)
    let before: Message[] = []
    let after: Message[] = []
    let hasBefore = false
    let hasAfter = false
    if (q.after) {
      after = await newer(await seqOf(q.after, 'after'), q.limit + 1)
      hasAfter = after.length > q.limit
      after = after.slice(0, q.limit)
      hasBefore = true
    } else if (q.around) {
      const seq = await seqOf(q.around, 'around')
      const half = Math.floor(q.limit / 2)
      before = await older(seq, q.limit - half + 1, true)
      hasBefore = before.length > q.limit - half
      before = before.slice(0, q.limit - half)
      after = await newer(seq, half + 1)
      hasAfter = after.length > half
      after = after.slice(0, half)
    } else {
      const seq = q.before ? await seqOf(q.before, 'before') : Number.MAX_SAFE_INTEGER
      before = await older(seq, q.limit + 1)
      hasBefore = before.length > q.limit
      before = before.slice(0, q.limit)
      hasAfter = !!q.before
    }
    const list = [...before.reverse(), ...after]
    return { data: await serializeMessages(tx, ctx.actor, list), hasBefore, hasAfter }
  })
}

/** A thread's replies, oldest first, after one of them when paging. */
export async function listReplies(
  ctx: ServiceContext,
  conversationId: string,
  messageId: string,
  q: { after?: string; limit: number },
) {
  assertCan(ctx.actor, 'messaging:read')
  return withWorkspace(ctx, async (tx) => {
    await loadConversation(tx, ctx.actor, conversationId)
    await loadMessage(tx, conversationId, messageId)
    let from = 0
    if (q.after) {
      const [a] = await tx
        .select({ seq: messages.seq })
        .from(messages)
        .where(and(eq(messages.id, q.after), eq(messages.parentId, messageId)))
      if (!a) throw problems.validation([{ field: 'after', message: 'is not a reply of this thread' }])
      from = a.seq
    }
    const rows = await tx
      .select()
      .from(messages)
      .where(and(eq(messages.parentId, messageId), gt(messages.seq, from)))
      .orderBy(asc(messages.seq))
      .limit(q.limit + 1)
    const more = rows.length > q.limit
    const data = rows.slice(0, q.limit)
    return {
      data: await serializeMessages(tx, ctx.actor, data),
      hasBefore: from > 0,
      hasAfter: more,
    }
  })
}

export async function react(
  ctx: ServiceContext,
  conversationId: string,
  messageId: string,
  emoji: string,
  on: boolean,
) {
  assertCan(ctx.actor, 'messaging:write')
  return withWorkspace(ctx, async (tx) => {
    const { conversation: c } = await loadConversation(tx, ctx.actor, conversationId)
    if (c.archivedAt) throw problems.conflict('This conversation is archived.')
    const m = await loadMessage(tx, conversationId, messageId)
    if (m.deletedAt) throw problems.notFound('Message')
    const key = and(
      eq(messageReactions.messageId, messageId),
      eq(messageReactions.userId, ctx.actor.userId),
      eq(messageReactions.emoji, emoji),
    )
    const changed = on
      ? await tx
          .insert(messageReactions)
          .values({ workspaceId: ctx.workspaceId, messageId, userId: ctx.actor.userId, emoji })
          .onConflictDoNothing()
          .returning()
      : await tx.delete(messageReactions).where(key).returning()
    if (changed.length)
      await publish(
        tx,
        ctx.workspaceId,
        { kind: 'conversation', id: conversationId },
        on ? 'reaction.added' : 'reaction.removed',
        { conversationId, messageId, userId: ctx.actor.userId, emoji },
      )
    const [out] = await serializeMessages(tx, ctx.actor, [m])
    return out as MessageOut
  })
}

/**
 * Moves the actor's read cursor forward to this message (never back); the others see the receipt
 * through the conversation's room.
 */
export async function markRead(ctx: ServiceContext, conversationId: string, messageId: string) {
  assertCan(ctx.actor, 'messaging:read')
  return withWorkspace(ctx, async (tx) => {
    const { participant: p } = await loadConversation(tx, ctx.actor, conversationId)
    if (!p) throw problems.conflict('Join the conversation to keep a read position.')
    const find = async (id: string) =>
      (
        await tx
          .select({ id: messages.id, seq: messages.seq, parentId: messages.parentId })
          .from(messages)
          .where(and(eq(messages.id, id), eq(messages.conversationId, conversationId)))
      )[0]
    let m = await find(messageId)
    if (!m)
      throw problems.validation([{ field: 'messageId', message: 'is not a message of this conversation' }])
    // The cursor is over the conversation's own messages: a reply reads up to its thread's first message.
    if (m.parentId) m = (await find(m.parentId)) ?? m
    messageId = m.id
    if (m.seq > p.lastReadSeq) {
      await tx
        .update(conversationParticipants)
        .set({ lastReadSeq: m.seq, lastReadMessageId: messageId, lastReadAt: new Date() })
        .where(eq(conversationParticipants.id, p.id))
      await publishMany(tx, ctx.workspaceId, [
        {
          audience: { kind: 'conversation', id: conversationId },
          type: 'conversation.read',
          ids: { conversationId, messageId, userId: ctx.actor.userId },
        },
        {
          audience: { user: ctx.actor.userId },
          type: 'conversation.read',
          ids: { conversationId, messageId },
        },
      ])
    }
    const [u] = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(*)::int as n from messages m
        where m.conversation_id = ${conversationId} and m.seq > ${Math.max(m.seq, p.lastReadSeq)}
          and m.parent_id is null and m.deleted_at is null
          and (m.author_id is null or m.author_id <> ${ctx.actor.userId}::uuid)`),
    )
    return {
      lastReadMessageId: m.seq > p.lastReadSeq ? messageId : p.lastReadMessageId,
      unreadCount: Number(u?.n ?? 0),
    }
  })
}

/**
 * After its author attached a file to a message, or removed one, through `/api/v1/files` (in that
 * transaction): the message's attachment flag, its search entry and the conversation's sockets follow.
 * A message left with neither text nor files is refused (delete the message instead).
 */
export async function messageFilesChanged(tx: Tx, workspaceId: string, messageId: string): Promise<void> {
  const [m] = await tx.select().from(messages).where(eq(messages.id, messageId)).for('update')
  if (!m) return
  const [has] = await tx
    .select({ id: files.id })
    .from(files)
    .where(
      and(
        eq(files.recordType, 'message'),
        eq(files.recordId, messageId),
        m.authorId ? eq(files.ownerId, m.authorId) : sql`false`,
      ),
    )
    .limit(1)
  if (!has && !m.body.trim())
    throw problems.conflict('A message needs text or a file: delete the message instead.')
  await tx
    .update(messages)
    .set({ hasAttachments: !!has, updatedAt: new Date() })
    .where(eq(messages.id, messageId))
  await searchIndex.update(tx, messageRecords, [messageId])
  await publish(tx, workspaceId, { kind: 'conversation', id: m.conversationId }, 'message.updated', {
    conversationId: m.conversationId,
    messageId,
  })
}
