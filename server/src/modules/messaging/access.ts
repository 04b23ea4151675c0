import { and, eq, isNull, type SQL, sql } from 'drizzle-orm'
import { type Actor, can, type Role } from '../../kernel/access/index.ts'
import type { Db, Tx } from '../../kernel/db/index.ts'
import { problems } from '../../kernel/http/problem.ts'
import { readInWorkspace } from '../../kernel/tenancy/index.ts'
import { conversationParticipants, conversations } from './schema.ts'

export type Conversation = typeof conversations.$inferSelect
export type Participant = typeof conversationParticipants.$inferSelect

const CHANNELS = new Set(['channel_public', 'channel_private'])

/**
 * The actor's current participation (not left) as a team member, or null. External participants
 * (a client's contacts, later portal users) never count here: team routes and rooms are not theirs.
 */
export async function participationOf(tx: Tx, conversationId: string, userId: string) {
  const [p] = await tx
    .select()
    .from(conversationParticipants)
    .where(
      and(
        eq(conversationParticipants.conversationId, conversationId),
        eq(conversationParticipants.userId, userId),
        eq(conversationParticipants.type, 'member'),
        isNull(conversationParticipants.leftAt),
      ),
    )
  return p ?? null
}

/** Reads messages: public channels for every member; everything else for its current participants. */
export function mayRead(actor: Actor, c: Conversation, p: Participant | null): boolean {
  if (!can(actor, 'messaging:read')) return false
  return c.kind === 'channel_public' || p !== null
}

/**
 * Sees the conversation's name, topic and members: readers, and `messaging:manage` for every channel
 * (an admin can manage a private channel without reading it). Direct and group conversations stay
 * between their participants.
 */
export function maySee(actor: Actor, c: Conversation, p: Participant | null): boolean {
  return mayRead(actor, c, p) || (CHANNELS.has(c.kind) && can(actor, 'messaging:manage'))
}

/**
 * Renames, archives and manages members: for channels and client conversations, their owners
 * (creators) and `messaging:manage`; for groups, any participant; direct messages no one.
 */
export function mayManage(actor: Actor, c: Conversation, p: Participant | null): boolean {
  if (!can(actor, 'messaging:write')) return false
  if (c.kind === 'direct') return false
  if (c.kind === 'group') return p !== null
  if (can(actor, 'messaging:manage')) return true
  return p?.role === 'owner'
}

/** The conversation and the actor's participation; 404 when it does not exist or they may not see it. */
export async function loadConversation(
  tx: Tx,
  actor: Actor,
  id: string,
  opts: { lock?: boolean; need?: 'see' | 'read' } = {},
): Promise<{ conversation: Conversation; participant: Participant | null }> {
  // The conversation and the actor's participation in one statement (the lock takes the conversation).
  const q = tx
    .select({ c: conversations, p: conversationParticipants })
    .from(conversations)
    .leftJoin(
      conversationParticipants,
      and(
        eq(conversationParticipants.conversationId, conversations.id),
        eq(conversationParticipants.userId, actor.userId),
        eq(conversationParticipants.type, 'member'),
        isNull(conversationParticipants.leftAt),
      ),
    )
    .where(eq(conversations.id, id))
    .limit(1)
  const [row] = opts.lock ? await q.for('update', { of: conversations }) : await q
  if (!row) throw problems.notFound('Conversation')
  const { c, p } = row
  const ok = opts.need === 'see' ? maySee(actor, c, p) : mayRead(actor, c, p)
  if (!ok) throw problems.notFound('Conversation')
  return { conversation: c, participant: p }
}

/**
 * A condition on a conversation id column: the conversations whose messages the actor may read.
 * Equality semi-joins, so row-level security leaves their indexes usable.
 */
export function readableConversations(actor: Actor, column: SQL): SQL {
  if (!can(actor, 'messaging:read')) return sql`false`
  return sql`(${column} in (select p.conversation_id from conversation_participants p
      where p.user_id = ${actor.userId}::uuid and p.left_at is null and p.type = 'member')
    or ${column} in (select c.id from conversations c where c.kind = 'channel_public'))`
}

/** Which of these user ids may read the conversation (mentions name only people who can see them). */
export async function readersAmong(tx: Tx, c: Conversation, userIds: readonly string[]): Promise<string[]> {
  if (!userIds.length) return []
  const list = sql.join(
    userIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )
  const r =
    c.kind === 'channel_public'
      ? await tx.execute(sql`select m.user_id::text as id from memberships m where m.user_id in (${list})`)
      : await tx.execute(sql`select p.user_id::text as id from conversation_participants p
          where p.conversation_id = ${c.id} and p.left_at is null and p.type = 'member' and p.user_id in (${list})`)
  return (r as unknown as { rows: { id: string }[] }).rows.map((x) => x.id)
}

/** The member room of a conversation's participants (`conversation.activity` of one that is not public). */
export const MEMBER_ROOM = 'conversation-members'

/**
 * Who reads a conversation that is not public, as its member room's audience at dispatch: current
 * member participants whose role may read messages (the rule of `mayRead`), in one query.
 */
export async function conversationReaders(db: Db, workspaceId: string, id: string): Promise<string[]> {
  const rows = await readInWorkspace<{ user_id: string; role: Role }>(
    { db, workspaceId },
    sql`select p.user_id::text as user_id, m.role from conversation_participants p
          join memberships m on m.workspace_id = p.workspace_id and m.user_id = p.user_id
         where p.conversation_id = ${id} and p.type = 'member' and p.left_at is null`,
  )
  return rows.filter((r) => can({ userId: r.user_id, role: r.role }, 'messaging:read')).map((r) => r.user_id)
}

/** User ids of the current member participants (team members; external participants are not). */
export async function participantUserIds(tx: Tx, conversationId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: conversationParticipants.userId })
    .from(conversationParticipants)
    .where(
      and(
        eq(conversationParticipants.conversationId, conversationId),
        eq(conversationParticipants.type, 'member'),
        isNull(conversationParticipants.leftAt),
      ),
    )
  return rows.map((r) => r.userId).filter((u): u is string => u !== null)
}

/**
 * Which of these messages the actor may change (edit, attach files to through `/api/v1/files`): their
 * own, not deleted, in a conversation they still take part in that is not archived — the rule of
 * `editMessage`, for many ids at once.
 */
export async function writableMessages(tx: Tx, actor: Actor, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length || !can(actor, 'messaging:write') || !can(actor, 'messaging:read')) return new Set()
  const r = await tx.execute(sql`select m.id from messages m
    join conversations c on c.id = m.conversation_id
    where m.id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )}) and m.deleted_at is null and m.author_id = ${actor.userId}::uuid and c.archived_at is null
      and exists (select 1 from conversation_participants p where p.conversation_id = m.conversation_id
        and p.user_id = ${actor.userId}::uuid and p.left_at is null and p.type = 'member')`)
  return new Set((r as unknown as { rows: { id: string }[] }).rows.map((x) => x.id))
}
