import { sql } from 'drizzle-orm'
import type { Actor } from '../access/index.ts'
import type { Db, Tx } from '../db/index.ts'

/**
 * Realtime, the part every module uses (no Socket.IO here: the socket server is loaded only when the
 * HTTP server listens, see `attach.ts`).
 *
 * - `publish(tx, workspaceId, room, type, ids)` writes what changed into `realtime_events`, in the
 *   caller's transaction; after commit the dispatcher numbers it (the cursor) and emits it to the room.
 * - `defineRoomKind(kind, authorize)` declares resource rooms (`conversation:<id>`), joined by sockets
 *   and read back by the catch-up route only where `authorize` says yes.
 */

/** The channel a commit wakes the dispatchers on. */
export const NOTIFY_CHANNEL = 'atrium_realtime'

/** Who may see an event: every member of the workspace, one member, or the sockets of a resource room. */
export type Audience = 'workspace' | { user: string } | { kind: string; id: string }

/** What a socket receives and the catch-up route returns: what changed, by ids; data is refetched. */
export type RealtimeMessage = {
  cursor: number
  type: string
  room: string
  ids: Record<string, string | number | boolean | null>
  at: string
}

export type RoomContext = { db: Db; workspaceId: string; actor: Actor }

/** Says whether the actor may see the room's events; throwing counts as no. */
export type RoomAuthorizer = (ctx: RoomContext, id: string) => Promise<boolean> | boolean

/**
 * The user ids a member room's events go to, read when the event is dispatched (one query for all of
 * them). It must name the same people `authorize` admits, since the catch-up route asks `authorize`.
 */
export type RoomMembers = (db: Db, workspaceId: string, id: string) => Promise<string[]>

/** Options of a member room (`defineRoomKind(kind, authorize, { members, heardIn })`). */
export type MemberRoomOptions = {
  members?: RoomMembers
  /**
   * The resource room (`<kind>:<id>`) whose joined sockets already hear the same news through that
   * room's own events: they are skipped, so a socket gets one frame, not two, for one change.
   */
  heardIn?: (id: string) => string
}

type RoomKind = { authorize: RoomAuthorizer } & MemberRoomOptions
const roomKinds = new Map<string, RoomKind>()
const KIND = /^[a-z][a-z0-9_-]{0,39}$/
/** Resource ids in room names: prefixed ids, UUIDs. */
export const ROOM_ID = /^[A-Za-z0-9_-]{1,80}$/

/**
 * Declares a kind of resource room; modules call it once, at import. With `members`, it is a member
 * room: sockets do not join it; each of its events is stored once and emitted once to the user rooms
 * of the people `members` names at dispatch (instead of one event per person), and the catch-up route
 * shows it to those `authorize` admits when they read it.
 */
export function defineRoomKind(
  kind: string,
  authorize: RoomAuthorizer,
  options: MemberRoomOptions = {},
): void {
  if (!KIND.test(kind) || kind === 'workspace' || kind === 'user')
    throw new Error(`invalid realtime room kind: ${kind}`)
  const existing = roomKinds.get(kind)
  if (
    existing &&
    (existing.authorize !== authorize ||
      existing.members !== options.members ||
      existing.heardIn !== options.heardIn)
  )
    throw new Error(`realtime room kind ${kind} is declared twice`)
  roomKinds.set(kind, { authorize, ...options })
}

/** The room name an audience is stored under (`workspace`, `user:<id>`, `<kind>:<id>`). */
export function roomOf(audience: Audience): string {
  if (audience === 'workspace') return 'workspace'
  if ('user' in audience) return `user:${audience.user}`
  if (!roomKinds.has(audience.kind)) throw new Error(`unknown realtime room kind: ${audience.kind}`)
  if (!ROOM_ID.test(audience.id)) throw new Error(`invalid realtime room id: ${audience.id}`)
  return `${audience.kind}:${audience.id}`
}

/** Splits a resource room name; null when it names no declared kind or a malformed id. */
export function parseRoom(room: string): ({ kind: string; id: string } & RoomKind) | null {
  const colon = room.indexOf(':')
  if (colon <= 0) return null
  const kind = room.slice(0, colon)
  const id = room.slice(colon + 1)
  const def = roomKinds.get(kind)
  if (!def || !ROOM_ID.test(id) || kind === 'user') return null
  return { kind, id, ...def }
}

/** Whether the actor may see a resource room's events (an error or an unknown room is a no). */
export async function mayJoin(ctx: RoomContext, room: string): Promise<boolean> {
  const parsed = parseRoom(room)
  if (!parsed) return false
  try {
    return (await parsed.authorize(ctx, parsed.id)) === true
  } catch {
    return false
  }
}

type Ids = RealtimeMessage['ids']

/**
 * Records that something changed, in the caller's transaction (inside `withWorkspace`): the event
 * exists only if the change commits, and reaches sockets right after. `ids` names what changed; keep
 * data out of it (clients refetch through the API, one authorisation path).
 */
export async function publish(
  tx: Tx,
  workspaceId: string,
  audience: Audience,
  type: string,
  ids: Ids = {},
): Promise<void> {
  await publishMany(tx, workspaceId, [{ audience, type, ids }])
}

/**
 * Several events in one statement, in order, with the NOTIFY that wakes the dispatchers at commit (a
 * data-modifying CTE always runs to completion): one round trip.
 */
export async function publishMany(
  tx: Tx,
  workspaceId: string,
  events: { audience: Audience; type: string; ids?: Ids }[],
): Promise<void> {
  if (!events.length) return
  const rows = events.map((e) => ({ room: roomOf(e.audience), type: e.type, payload: e.ids ?? {} }))
  await tx.execute(sql`
    with written as (
      insert into realtime_events (workspace_id, room, type, payload)
      select ${workspaceId}::uuid, r.e->>'room', r.e->>'type', r.e->'payload'
        from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) with ordinality as r(e, n)
       order by r.n)
    select pg_notify(${NOTIFY_CHANNEL}, '')`)
}

/**
 * Tells the sockets of a member whose membership changed (removed, role changed) in the same
 * transaction: after commit, their sockets in this workspace are disconnected at once, on every node,
 * and reconnect (if still a member) with their new rights. Any later event is emitted after that.
 */
export async function membershipChanged(
  tx: Tx,
  workspaceId: string,
  userId: string,
  change: 'removed' | 'role_changed',
): Promise<void> {
  await publish(tx, workspaceId, { user: userId }, MEMBERSHIP_CHANGED, { userId, change })
}

export const MEMBERSHIP_CHANGED = 'membership.changed'
