import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type {
  ConversationKind,
  ConversationListQuerySchema,
  ConversationSchema,
  CreateConversationSchema,
  UpdateConversationSchema,
} from '../../../../contracts/messaging.ts'
import { type Actor, assertCan, can } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import type { RateLimiter } from '../../kernel/auth/rate-limit.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { EventSink } from '../../kernel/events/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { decodeCursor, encodeCursor } from '../../kernel/http/pagination.ts'
import { problems } from '../../kernel/http/problem.ts'
import { membershipChanged, publishMany } from '../../kernel/realtime/index.ts'
import type { Storage } from '../../kernel/storage/index.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { contactsOfClient, getVisibleClient } from '../clients/index.ts'
import {
  type Conversation,
  loadConversation,
  mayManage,
  mayRead,
  type Participant,
  participantUserIds,
  participationOf,
} from './access.ts'
import { conversationParticipants, conversations } from './schema.ts'

/** What messaging's services need besides the request: events, files, limits. */
export type MessagingDeps = {
  events: EventSink
  storage: Storage | null
  limits: { maxLength: number; perMinute: number }
  limiter: RateLimiter | null
}

type ConversationOut = z.output<typeof ConversationSchema>
const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())
const GROUPS = new Set<ConversationKind>(['direct', 'group'])

type ListRow = {
  id: string
  kind: ConversationKind
  name: string | null
  topic: string | null
  client_id: string | null
  archived_at: string | Date | null
  created_at: string | Date
  last_message_at: string | Date | null
  activity: string | Date
  role: 'owner' | 'member' | null
  muted: boolean | null
  last_read_message_id: string | null
  unread: number
  member_count: number
  member_ids: string[] | null
}

/** Conversations with the actor's view of them, in one statement (unread counts by the seq index). */
function viewQuery(actor: Actor, where: ReturnType<typeof sql>, tail = sql``) {
  const me = sql`${actor.userId}::uuid`
  return sql`select c.id, c.kind, c.name, c.topic, c.client_id, c.archived_at, c.created_at, c.last_message_at,
      coalesce(c.last_message_at, c.created_at) as activity,
      p.role, p.muted, p.last_read_message_id,
      case when p.id is null then 0 else (select count(*) from messages m
        where m.conversation_id = c.id and m.seq > p.last_read_seq and m.parent_id is null
          and m.deleted_at is null and (m.author_id is null or m.author_id <> ${me})) end::int as unread,
      (select count(*) from conversation_participants q where q.conversation_id = c.id and q.left_at is null and q.type = 'member')::int as member_count,
      case when c.kind in ('direct', 'group') then (select array_agg(q.user_id::text order by q.joined_at)
        from conversation_participants q where q.conversation_id = c.id and q.left_at is null and q.type = 'member') end as member_ids
    from conversations c
    left join conversation_participants p on p.conversation_id = c.id and p.user_id = ${me} and p.left_at is null
      and p.type = 'member'
    where ${where} ${tail}`
}

function toOut(actor: Actor, r: ListRow): ConversationOut {
  const joined = r.role !== null
  const c = { kind: r.kind } as Conversation
  const p = joined ? ({ role: r.role } as Participant) : null
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    topic: r.topic,
    clientId: r.client_id,
    archivedAt: iso(r.archived_at),
    createdAt: iso(r.created_at) as string,
    lastMessageAt: iso(r.last_message_at),
    joined,
    role: r.role,
    muted: r.muted ?? false,
    unreadCount: Number(r.unread),
    lastReadMessageId: r.last_read_message_id,
    memberCount: Number(r.member_count),
    memberIds: GROUPS.has(r.kind) ? (r.member_ids ?? []) : null,
    canManage: mayManage(actor, c, p),
  }
}

/** What the actor sees of one conversation, inside the caller's transaction. */
export async function conversationView(tx: Tx, actor: Actor, id: string): Promise<ConversationOut> {
  const [row] = rowsOf<ListRow>(await tx.execute(viewQuery(actor, sql`c.id = ${id}`)))
  if (!row) throw problems.notFound('Conversation')
  return toOut(actor, row)
}

/**
 * The conversations the actor may see, most recently active first: public channels, those they take
 * part in, and for `messaging:manage` every private channel. With the total of unread messages over
 * the conversations they take part in (muted ones left out).
 */
export async function listConversations(
  ctx: ServiceContext,
  q: z.output<typeof ConversationListQuerySchema>,
) {
  assertCan(ctx.actor, 'messaging:read')
  const cursor = decodeCursor(q.cursor)
  return withWorkspace(ctx, async (tx) => {
    const seeAllChannels = can(ctx.actor, 'messaging:manage')
    const conds = [
      seeAllChannels
        ? sql`(c.kind in ('channel_public', 'channel_private') or p.id is not null)`
        : sql`(c.kind = 'channel_public' or p.id is not null)`,
    ]
    if (q.archived === 'false') conds.push(sql`c.archived_at is null`)
    if (q.archived === 'true') conds.push(sql`c.archived_at is not null`)
    if (q.joined === 'true') conds.push(sql`p.id is not null`)
    if (q.joined === 'false') conds.push(sql`p.id is null`)
    if (cursor)
      conds.push(
        sql`(coalesce(c.last_message_at, c.created_at), c.id) < (${cursor.t}::timestamptz, ${cursor.id})`,
      )
    const rows = rowsOf<ListRow>(
      await tx.execute(
        viewQuery(
          ctx.actor,
          sql.join(conds, sql` and `),
          sql`order by coalesce(c.last_message_at, c.created_at) desc, c.id desc limit ${q.limit + 1}`,
        ),
      ),
    )
    const more = rows.length > q.limit
    const data = rows.slice(0, q.limit)
    const last = data[data.length - 1]
    const [total] = rowsOf<{ n: number }>(
      await tx.execute(sql`select coalesce(sum((select count(*) from messages m
          where m.conversation_id = p.conversation_id and m.seq > p.last_read_seq and m.parent_id is null
            and m.deleted_at is null and (m.author_id is null or m.author_id <> ${ctx.actor.userId}::uuid))), 0)::int as n
        from conversation_participants p join conversations c on c.id = p.conversation_id
        where p.user_id = ${ctx.actor.userId}::uuid and p.left_at is null and p.type = 'member' and not p.muted and c.archived_at is null`),
    )
    return {
      data: data.map((r) => toOut(ctx.actor, r)),
      nextCursor: more && last ? encodeCursor(new Date(last.activity), last.id) : null,
      totalUnread: Number(total?.n ?? 0),
    }
  })
}

export async function getConversation(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'messaging:read')
  return withWorkspace(ctx, async (tx) => {
    await loadConversation(tx, ctx.actor, id, { need: 'see' })
    return conversationView(tx, ctx.actor, id)
  })
}

/** User ids that are members of this workspace (others are a 400 naming `field`). */
async function assertMembers(tx: Tx, userIds: readonly string[], field: string): Promise<void> {
  const ids = [...new Set(userIds)]
  if (!ids.length) return
  const r = rowsOf<{ id: string }>(
    await tx.execute(
      sql`select user_id::text as id from memberships where user_id in (${sql.join(
        ids.map((i) => sql`${i}::uuid`),
        sql`, `,
      )})`,
    ),
  )
  const found = new Set(r.map((x) => x.id))
  if (ids.some((i) => !found.has(i)))
    throw problems.validation([{ field, message: 'must be members of this workspace' }])
}

async function addParticipants(
  tx: Tx,
  ctx: ServiceContext,
  c: Conversation,
  userIds: readonly string[],
  role: (userId: string) => 'owner' | 'member',
): Promise<string[]> {
  const ids = [...new Set(userIds)]
  if (!ids.length) return []
  const existing = await tx
    .select()
    .from(conversationParticipants)
    .where(
      and(eq(conversationParticipants.conversationId, c.id), inArray(conversationParticipants.userId, ids)),
    )
  const byUser = new Map(existing.map((p) => [p.userId, p]))
  const added: string[] = []
  for (const userId of ids) {
    const p = byUser.get(userId)
    if (p && p.leftAt === null) continue
    if (p)
      await tx
        .update(conversationParticipants)
        .set({ leftAt: null, joinedAt: new Date(), lastReadSeq: c.lastSeq, role: role(userId) })
        .where(eq(conversationParticipants.id, p.id))
    else
      await tx.insert(conversationParticipants).values({
        id: newId('cnp'),
        workspaceId: ctx.workspaceId,
        conversationId: c.id,
        type: 'member',
        userId,
        role: role(userId),
        lastReadSeq: c.lastSeq,
      })
    added.push(userId)
  }
  return added
}

const label = (c: Pick<Conversation, 'name' | 'kind' | 'id'>) => c.name ?? `${c.kind} ${c.id}`

async function announce(
  tx: Tx,
  ctx: ServiceContext,
  c: Conversation,
  type: string,
  ids: Record<string, string>,
  users: readonly string[] = [],
) {
  await publishMany(tx, ctx.workspaceId, [
    { audience: { kind: 'conversation', id: c.id }, type, ids: { conversationId: c.id, ...ids } },
    ...(c.kind === 'channel_public'
      ? [{ audience: 'workspace' as const, type, ids: { conversationId: c.id, ...ids } }]
      : users.map((u) => ({ audience: { user: u }, type, ids: { conversationId: c.id, ...ids } }))),
  ])
}

export async function createConversation(
  deps: MessagingDeps,
  ctx: ServiceContext,
  input: z.output<typeof CreateConversationSchema>,
) {
  assertCan(ctx.actor, 'messaging:write')
  return withWorkspace(ctx, async (tx) => {
    await assertMembers(tx, input.memberIds, 'memberIds')
    const [row] = await tx
      .insert(conversations)
      .values({
        id: newId('cnv'),
        workspaceId: ctx.workspaceId,
        kind: input.kind,
        name: input.name ?? null,
        topic: input.topic || null,
        createdBy: ctx.actor.userId,
      })
      .returning()
    const c = row as Conversation
    const members = [ctx.actor.userId, ...input.memberIds]
    await addParticipants(tx, ctx, c, members, (u) => (u === ctx.actor.userId ? 'owner' : 'member'))
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'conversation.created',
      targetType: 'conversation',
      targetId: c.id,
      targetLabel: label(c),
      after: { kind: c.kind, name: c.name, topic: c.topic, memberIds: [...new Set(members)] },
    })
    await announce(tx, ctx, c, 'conversation.created', {}, [...new Set(members)])
    await deps.events.emit(tx, 'conversation.created', ctx.workspaceId, {
      conversationId: c.id,
      conversationKind: c.kind as ConversationKind,
      createdBy: ctx.actor.userId,
    })
    return conversationView(tx, ctx.actor, c.id)
  })
}

/**
 * The direct conversation between the actor and another member: the same pair always gets the same
 * conversation (`direct_key` is unique per workspace), created on the first call.
 */
export async function openDirect(
  deps: MessagingDeps,
  ctx: ServiceContext,
  userId: string,
): Promise<{ created: boolean; conversation: ConversationOut }> {
  assertCan(ctx.actor, 'messaging:write')
  if (userId === ctx.actor.userId)
    throw problems.validation([{ field: 'userId', message: 'must be another member' }])
  return withWorkspace(ctx, async (tx) => {
    await assertMembers(tx, [userId], 'userId')
    const key = [ctx.actor.userId, userId].sort().join(':')
    const inserted = await tx
      .insert(conversations)
      .values({
        id: newId('cnv'),
        workspaceId: ctx.workspaceId,
        kind: 'direct',
        directKey: key,
        createdBy: ctx.actor.userId,
      })
      .onConflictDoNothing()
      .returning()
    const created = inserted[0]
    const [c] = created
      ? [created]
      : await tx
          .select()
          .from(conversations)
          .where(and(eq(conversations.directKey, key), eq(conversations.kind, 'direct')))
    if (!c) throw problems.conflict('The conversation is being created; try again.')
    if (created) {
      await addParticipants(tx, ctx, c, [ctx.actor.userId, userId], () => 'member')
      await record(tx, ctx.workspaceId, ctx.meta, {
        action: 'conversation.created',
        targetType: 'conversation',
        targetId: c.id,
        targetLabel: label(c),
        after: { kind: 'direct', memberIds: [ctx.actor.userId, userId] },
      })
      await announce(tx, ctx, c, 'conversation.created', {}, [ctx.actor.userId, userId])
      await deps.events.emit(tx, 'conversation.created', ctx.workspaceId, {
        conversationId: c.id,
        conversationKind: 'direct',
        createdBy: ctx.actor.userId,
      })
    }
    return { created: !!created, conversation: await conversationView(tx, ctx.actor, c.id) }
  })
}

/**
 * The conversation of a client the actor may see: one per client (unique per workspace), created on
 * the first call with the actor as its owner. Its participants are the team members added to it, and
 * later the client's portal users as `external` participants.
 */
export async function openClientConversation(
  deps: MessagingDeps,
  ctx: ServiceContext,
  clientId: string,
): Promise<{ created: boolean; conversation: ConversationOut }> {
  assertCan(ctx.actor, 'messaging:write')
  assertCan(ctx.actor, 'clients:read')
  return withWorkspace(ctx, async (tx) => {
    const client = await getVisibleClient(tx, ctx, clientId)
    const inserted = await tx
      .insert(conversations)
      .values({
        id: newId('cnv'),
        workspaceId: ctx.workspaceId,
        kind: 'client',
        name: client.name,
        clientId,
        createdBy: ctx.actor.userId,
      })
      .onConflictDoNothing()
      .returning()
    const created = inserted[0]
    const [c] = created
      ? [created]
      : await tx.select().from(conversations).where(eq(conversations.clientId, clientId))
    if (!c) throw problems.conflict('The conversation is being created; try again.')
    if (created) {
      await addParticipants(tx, ctx, c, [ctx.actor.userId], () => 'owner')
      await record(tx, ctx.workspaceId, ctx.meta, {
        action: 'conversation.created',
        targetType: 'conversation',
        targetId: c.id,
        targetLabel: label(c),
        after: { kind: 'client', clientId, memberIds: [ctx.actor.userId] },
      })
      await announce(tx, ctx, c, 'conversation.created', {}, [ctx.actor.userId])
      await deps.events.emit(tx, 'conversation.created', ctx.workspaceId, {
        conversationId: c.id,
        conversationKind: 'client',
        createdBy: ctx.actor.userId,
      })
    }
    // Someone who may see the client but does not take part yet gets it only through its members.
    const view = await loadConversation(tx, ctx.actor, c.id, { need: 'see' }).catch(() => null)
    if (!view) throw problems.forbidden('Ask a participant of this client’s conversation to add you.')
    return { created: !!created, conversation: await conversationView(tx, ctx.actor, c.id) }
  })
}

async function loadManaged(tx: Tx, ctx: ServiceContext, id: string) {
  const loaded = await loadConversation(tx, ctx.actor, id, { lock: true, need: 'see' })
  if (!mayManage(ctx.actor, loaded.conversation, loaded.participant))
    throw problems.forbidden('Only the channel’s owners and workspace admins can manage it.')
  return loaded
}

export async function updateConversation(
  ctx: ServiceContext,
  id: string,
  input: z.output<typeof UpdateConversationSchema>,
) {
  assertCan(ctx.actor, 'messaging:write')
  return withWorkspace(ctx, async (tx) => {
    const { conversation: before } = await loadManaged(tx, ctx, id)
    const set: Partial<Conversation> = { updatedAt: new Date() }
    if (input.name !== undefined) set.name = input.name
    if (input.topic !== undefined) set.topic = input.topic || null
    const [after] = await tx.update(conversations).set(set).where(eq(conversations.id, id)).returning()
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'conversation.updated',
      targetType: 'conversation',
      targetId: id,
      targetLabel: label(after as Conversation),
      before: { name: before.name, topic: before.topic },
      after: { name: after?.name ?? null, topic: after?.topic ?? null },
    })
    await announce(tx, ctx, before, 'conversation.updated', {}, await participantUserIds(tx, id))
    return conversationView(tx, ctx.actor, id)
  })
}

export async function setArchived(ctx: ServiceContext, id: string, archived: boolean) {
  assertCan(ctx.actor, 'messaging:write')
  return withWorkspace(ctx, async (tx) => {
    const { conversation: c } = await loadManaged(tx, ctx, id)
    if (!!c.archivedAt !== archived) {
      await tx
        .update(conversations)
        .set({ archivedAt: archived ? new Date() : null, updatedAt: new Date() })
        .where(eq(conversations.id, id))
      await record(tx, ctx.workspaceId, ctx.meta, {
        action: archived ? 'conversation.archived' : 'conversation.unarchived',
        targetType: 'conversation',
        targetId: id,
        targetLabel: label(c),
      })
      await announce(tx, ctx, c, 'conversation.updated', {}, await participantUserIds(tx, id))
    }
    return conversationView(tx, ctx.actor, id)
  })
}

export async function listParticipants(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'messaging:read')
  return withWorkspace(ctx, async (tx) => {
    await loadConversation(tx, ctx.actor, id, { need: 'see' })
    const rows = rowsOf<{
      id: string
      type: 'member' | 'external'
      user_id: string | null
      contact_id: string | null
      name: string | null
      role: 'owner' | 'member'
      joined_at: string | Date
      last_read_message_id: string | null
      last_read_at: string | Date | null
    }>(
      await tx.execute(sql`select p.id, p.type, p.user_id::text as user_id, p.contact_id, u.name, p.role,
          p.joined_at, p.last_read_message_id, p.last_read_at
        from conversation_participants p left join users u on u.id = p.user_id
        where p.conversation_id = ${id} and p.left_at is null
        order by p.joined_at, p.id`),
    )
    return {
      data: rows.map((r) => ({
        id: r.id,
        type: r.type,
        userId: r.user_id,
        contactId: r.contact_id,
        name: r.name,
        role: r.role,
        joinedAt: iso(r.joined_at) as string,
        lastReadMessageId: r.last_read_message_id,
        lastReadAt: iso(r.last_read_at),
      })),
    }
  })
}

export async function addMembers(deps: MessagingDeps, ctx: ServiceContext, id: string, userIds: string[]) {
  assertCan(ctx.actor, 'messaging:write')
  return withWorkspace(ctx, async (tx) => {
    const { conversation: c } = await loadManaged(tx, ctx, id)
    await assertMembers(tx, userIds, 'userIds')
    const added = await addParticipants(tx, ctx, c, userIds, () => 'member')
    for (const userId of added) {
      await record(tx, ctx.workspaceId, ctx.meta, {
        action: 'conversation.member_added',
        targetType: 'conversation',
        targetId: id,
        targetLabel: label(c),
        after: { userId },
      })
      await announce(tx, ctx, c, 'conversation.member_added', { userId }, [userId])
    }
    await deps.events.emitMany(
      tx,
      'conversation.member_added',
      ctx.workspaceId,
      added.map((userId) => ({
        conversationId: id,
        conversationKind: c.kind as ConversationKind,
        userId,
        addedBy: ctx.actor.userId,
      })),
    )
    return conversationView(tx, ctx.actor, id)
  })
}

/** Joins a public channel. */
export async function join(deps: MessagingDeps, ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'messaging:write')
  return withWorkspace(ctx, async (tx) => {
    const { conversation: c, participant } = await loadConversation(tx, ctx.actor, id, { lock: true })
    if (c.kind !== 'channel_public') throw problems.forbidden('Only public channels can be joined.')
    if (!participant) {
      await addParticipants(tx, ctx, c, [ctx.actor.userId], () => 'member')
      await record(tx, ctx.workspaceId, ctx.meta, {
        action: 'conversation.joined',
        targetType: 'conversation',
        targetId: id,
        targetLabel: label(c),
      })
      await announce(tx, ctx, c, 'conversation.member_added', { userId: ctx.actor.userId })
      await deps.events.emit(tx, 'conversation.member_added', ctx.workspaceId, {
        conversationId: id,
        conversationKind: 'channel_public',
        userId: ctx.actor.userId,
        addedBy: ctx.actor.userId,
      })
    }
    return conversationView(tx, ctx.actor, id)
  })
}

/**
 * Removes a member (or the actor leaving): from then on they no longer read a non-public conversation,
 * and their sockets are reconnected so they leave its room at once.
 */
export async function removeMember(deps: MessagingDeps, ctx: ServiceContext, id: string, userId: string) {
  assertCan(ctx.actor, 'messaging:write')
  const leaving = userId === ctx.actor.userId
  await withWorkspace(ctx, async (tx) => {
    const loaded = leaving
      ? await loadConversation(tx, ctx.actor, id, { lock: true })
      : await loadManaged(tx, ctx, id)
    const c = loaded.conversation
    if (c.kind === 'direct') throw problems.conflict('A direct conversation keeps its two members.')
    const p = leaving ? loaded.participant : await participationOf(tx, id, userId)
    if (!p) throw problems.notFound('Member')
    await tx
      .update(conversationParticipants)
      .set({ leftAt: new Date() })
      .where(eq(conversationParticipants.id, p.id))
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: leaving ? 'conversation.left' : 'conversation.member_removed',
      targetType: 'conversation',
      targetId: id,
      targetLabel: label(c),
      before: { userId },
    })
    await announce(tx, ctx, c, 'conversation.member_removed', { userId }, [userId])
    if (c.kind !== 'channel_public') await membershipChanged(tx, ctx.workspaceId, userId, 'role_changed')
    await deps.events.emit(tx, 'conversation.member_removed', ctx.workspaceId, {
      conversationId: id,
      conversationKind: c.kind as ConversationKind,
      userId,
      removedBy: ctx.actor.userId,
      left: leaving,
    })
  })
}

export async function setMuted(ctx: ServiceContext, id: string, muted: boolean) {
  assertCan(ctx.actor, 'messaging:read')
  return withWorkspace(ctx, async (tx) => {
    const { participant } = await loadConversation(tx, ctx.actor, id)
    if (!participant) throw problems.conflict('Join the conversation first.')
    await tx
      .update(conversationParticipants)
      .set({ muted })
      .where(eq(conversationParticipants.id, participant.id))
    return conversationView(tx, ctx.actor, id)
  })
}

/** Whether the actor may read the conversation's messages (its realtime room, its files). */
export async function canReadConversation(tx: Tx, actor: Actor, id: string): Promise<boolean> {
  const [c] = await tx.select().from(conversations).where(eq(conversations.id, id))
  if (!c) return false
  return mayRead(actor, c, await participationOf(tx, id, actor.userId))
}

/**
 * A client's conversation, for managing its external participants: owners and admins, and members
 * who see the client (clients they are assigned). 404 for anyone else, the same as for a conversation
 * that does not exist; 409 for a conversation that is not a client's (team channels never have
 * external participants).
 */
async function loadForExternals(tx: Tx, ctx: ServiceContext, id: string, lock = false) {
  const q = tx.select().from(conversations).where(eq(conversations.id, id))
  const [c] = lock ? await q.for('update') : await q
  if (!c) throw problems.notFound('Conversation')
  if (c.kind !== 'client' || !c.clientId) {
    await loadConversation(tx, ctx.actor, id, { need: 'see' })
    throw problems.conflict('Only a client’s conversation has external participants.')
  }
  const sees =
    can(ctx.actor, 'clients:read') &&
    (await getVisibleClient(tx, ctx, c.clientId).then(
      () => true,
      () => false,
    ))
  if (!sees) throw problems.notFound('Conversation')
  return c as Conversation & { clientId: string }
}

type ExternalRow = {
  id: string
  contact_id: string | null
  user_id: string | null
  joined_at: string | Date
}

async function externalsOf(tx: Tx, c: Conversation & { clientId: string }) {
  const rows = rowsOf<ExternalRow>(
    await tx.execute(sql`select p.id, p.contact_id, p.user_id::text as user_id, p.joined_at
      from conversation_participants p
      where p.conversation_id = ${c.id} and p.type = 'external' and p.left_at is null
      order by p.joined_at, p.id`),
  )
  const contactIds = rows.map((r) => r.contact_id).filter((x): x is string => x !== null)
  const contacts = new Map((await contactsOfClient(tx, c.clientId, contactIds)).map((k) => [k.id, k]))
  return rows.map((r) => {
    const k = r.contact_id ? contacts.get(r.contact_id) : undefined
    return {
      id: r.id,
      contactId: r.contact_id,
      userId: r.user_id,
      name: k?.name ?? null,
      email: k?.email ?? null,
      joinedAt: iso(r.joined_at) as string,
    }
  })
}

/** The external participants of a client's conversation (the client's contacts added to it). */
export async function listExternals(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'messaging:read')
  return withWorkspace(ctx, async (tx) => ({
    data: await externalsOf(tx, await loadForExternals(tx, ctx, id)),
  }))
}

/**
 * Adds a contact of the conversation's client as an external participant (again after removal:
 * the same row comes back). Audited. Team members see it in the members list; the contact reads the
 * conversation once the client portal gives them a way in — and only this conversation.
 */
export async function addExternal(ctx: ServiceContext, id: string, contactId: string) {
  assertCan(ctx.actor, 'messaging:write')
  return withWorkspace(ctx, async (tx) => {
    const c = await loadForExternals(tx, ctx, id, true)
    if (c.archivedAt) throw problems.conflict('This conversation is archived.')
    const [contact] = await contactsOfClient(tx, c.clientId, [contactId])
    if (!contact)
      throw problems.validation([
        { field: 'contactId', message: 'must be a contact of this conversation’s client' },
      ])
    const [existing] = await tx
      .select()
      .from(conversationParticipants)
      .where(
        and(
          eq(conversationParticipants.conversationId, id),
          eq(conversationParticipants.contactId, contactId),
        ),
      )
    let participantId = existing?.id
    let added = false
    if (!existing) {
      participantId = newId('cnp')
      await tx.insert(conversationParticipants).values({
        id: participantId,
        workspaceId: ctx.workspaceId,
        conversationId: id,
        type: 'external',
        contactId,
        role: 'member',
      })
      added = true
    } else if (existing.leftAt) {
      await tx
        .update(conversationParticipants)
        .set({ leftAt: null, joinedAt: new Date() })
        .where(eq(conversationParticipants.id, existing.id))
      added = true
    }
    if (added) {
      await record(tx, ctx.workspaceId, ctx.meta, {
        action: 'conversation.external_added',
        targetType: 'conversation',
        targetId: id,
        targetLabel: label(c),
        after: { participantId, contactId, name: contact.name, email: contact.email },
      })
      await announce(tx, ctx, c, 'conversation.updated', {}, await participantUserIds(tx, id))
    }
    const out = (await externalsOf(tx, c)).find((p) => p.id === participantId)
    return { added, participant: out! }
  })
}

/** Removes an external participant (the row stays, with `left_at`). Audited. */
export async function removeExternal(ctx: ServiceContext, id: string, participantId: string) {
  assertCan(ctx.actor, 'messaging:write')
  await withWorkspace(ctx, async (tx) => {
    const c = await loadForExternals(tx, ctx, id, true)
    const [p] = await tx
      .select()
      .from(conversationParticipants)
      .where(
        and(
          eq(conversationParticipants.id, participantId),
          eq(conversationParticipants.conversationId, id),
          eq(conversationParticipants.type, 'external'),
          isNull(conversationParticipants.leftAt),
        ),
      )
    if (!p) throw problems.notFound('External participant')
    await tx
      .update(conversationParticipants)
      .set({ leftAt: new Date() })
      .where(eq(conversationParticipants.id, p.id))
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'conversation.external_removed',
      targetType: 'conversation',
      targetId: id,
      targetLabel: label(c),
      before: { participantId: p.id, contactId: p.contactId, userId: p.userId },
    })
    await announce(tx, ctx, c, 'conversation.updated', {}, await participantUserIds(tx, id))
  })
}
