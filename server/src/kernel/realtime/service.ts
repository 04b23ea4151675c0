import { sql } from 'drizzle-orm'
import type { Role } from '../access/index.ts'
import { heldScope } from '../db/held.ts'
import type { Database, Db } from '../db/index.ts'
import { problems } from '../http/problem.ts'
import { readInWorkspace } from '../tenancy/index.ts'
import { mayJoin, type RealtimeMessage, type RoomContext } from './index.ts'

/** Events older than this are pruned; a cursor older than the oldest kept event must reload. */
export const RETENTION_HOURS = 7 * 24

type EventRow = {
  seq: number | string
  workspace_id?: string
  room: string
  type: string
  payload: RealtimeMessage['ids'] | string
  created_at: Date | string
}

const messageOf = (r: EventRow): RealtimeMessage => ({
  cursor: Number(r.seq),
  type: r.type,
  room: r.room,
  ids: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
  at: new Date(r.created_at).toISOString(),
})

/**
 * The events the actor may see after `after`, in cursor order: the workspace's, their own, and those
 * of resource rooms their room kind's `authorize` lets them into. `cursor` is the last one read, also
 * when it was filtered out, so a client advances past what it may not see.
 */
export async function eventsAfter(
  ctx: RoomContext,
  after: number,
  limit: number,
): Promise<{ data: RealtimeMessage[]; cursor: number; nextCursor: string | null }> {
  const marks = await ctx.db.execute(sql`select through_seq from realtime_pruned where id = 'realtime'`)
  const pruned = (marks.rows as { through_seq: number | string }[])[0]
  if (pruned && after < Number(pruned.through_seq))
    throw problems.gone(
      'Events after this cursor are no longer kept: reload the data, then follow from the cursor of the next event.',
    )
  const rows = await readInWorkspace<EventRow>(
    ctx,
    sql`select seq, room, type, payload, created_at from realtime_events
         where workspace_id = ${ctx.workspaceId}::uuid and seq > ${after}
           and (room = 'workspace' or room = ${`user:${ctx.actor.userId}`} or room not like 'user:%')
         order by seq limit ${limit + 1}`,
  )
  const more = rows.length > limit
  const page = more ? rows.slice(0, limit) : rows
  const allowed = new Map<string, Promise<boolean>>()
  const data: RealtimeMessage[] = []
  for (const r of page) {
    if (r.room !== 'workspace' && !r.room.startsWith('user:')) {
      let ok = allowed.get(r.room)
      if (!ok) {
        ok = mayJoin(ctx, r.room)
        allowed.set(r.room, ok)
      }
      if (!(await ok)) continue
    }
    data.push(messageOf(r))
  }
  const last = page.at(-1)
  const cursor = last ? Number(last.seq) : after
  return { data, cursor, nextCursor: more ? String(cursor) : null }
}

/** The member's role and the workspace's 2FA rule, or null when the user is no longer a member. */
export async function membershipOf(
  database: Database,
  userId: string,
  workspaceId: string,
): Promise<{ role: Role; allowed: boolean } | null> {
  const rows = await database.query<{ role: Role; require_two_factor: boolean; two_factor_enabled: boolean }>(
    `select m.role, w.require_two_factor, u.two_factor_enabled
       from memberships m join workspaces w on w.id = m.workspace_id join users u on u.id = m.user_id
      where m.user_id = $1 and m.workspace_id = $2`,
    [userId, workspaceId],
  )
  const r = rows[0]
  if (!r) return null
  return { role: r.role, allowed: !r.require_two_factor || r.two_factor_enabled }
}

export type DispatchedEvent = RealtimeMessage & { workspaceId: string }

/**
 * Numbers the committed events that have no cursor yet, in the order they were written, and returns
 * them in cursor order. One dispatcher at a time across every node (a transaction-scoped advisory
 * lock), so cursors follow commit order: an event that commits later always gets a higher cursor.
 */
export async function numberPending(db: Db, batch = 1000): Promise<DispatchedEvent[]> {
  // Outside any request's held transaction: the dispatcher's work is its own.
  return heldScope.exit(() =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${DISPATCH_LOCK})`)
      const result = await tx.execute(sql`
        with next as (
          select id, nextval('realtime_cursor') as seq
            from (select id from realtime_events where seq is null order by id limit ${batch}) pending
        )
        update realtime_events e set seq = next.seq from next where e.id = next.id
        returning e.seq, e.workspace_id, e.room, e.type, e.payload, e.created_at`)
      return (result.rows as EventRow[])
        .map((r) => ({ ...messageOf(r), workspaceId: r.workspace_id as string }))
        .sort((a, b) => a.cursor - b.cursor)
    }),
  )
}

/** Whether committed events wait for a cursor (the periodic sweep's cheap check). */
export async function hasPending(database: Database): Promise<boolean> {
  const rows = await heldScope.exit(() =>
    database.query<{ pending: boolean }>(
      'select exists (select 1 from realtime_events where seq is null) as pending',
    ),
  )
  return rows[0]?.pending === true
}

/** Deletes events older than the retention and remembers the highest cursor deleted. */
export async function pruneEvents(database: Database, hours = RETENTION_HOURS): Promise<number> {
  const rows = await database.query<{ through: number | string | null; deleted: number }>(
    `with bound as (
       select max(seq) as through from realtime_events
        where seq is not null and created_at < now() - make_interval(hours => $1::int)
     ), gone as (
       delete from realtime_events where seq <= (select through from bound) returning 1
     ), mark as (
       insert into realtime_pruned (id, through_seq)
       select 'realtime', through from bound where through is not null
       on conflict (id) do update set through_seq = greatest(realtime_pruned.through_seq, excluded.through_seq)
     )
     select (select through from bound) as through, (select count(*)::int from gone) as deleted`,
    [hours],
  )
  return rows[0]?.deleted ?? 0
}

const DISPATCH_LOCK = 0x61747274 // 'atrt'
