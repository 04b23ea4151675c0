import type { Logger } from 'pino'
import type { Server } from 'socket.io'
import { heldScope } from '../db/held.ts'
import type { Db } from '../db/index.ts'
import { listen } from '../db/listen.ts'
import type { Kernel } from '../kernel.ts'
import { MEMBERSHIP_CHANGED, NOTIFY_CHANNEL, parseRoom, type RoomMembers } from './index.ts'
import { rooms } from './rooms.ts'
import { type DispatchedEvent, hasPending, numberPending } from './service.ts'

const BATCH = 1000
/** A safety net for a lost notification (a LISTEN connection that dropped): look every few seconds. */
const SWEEP_MS = 5000

/**
 * Emits committed events: woken by the NOTIFY that `publish` sends (delivered at commit), it numbers
 * the pending events (the cursor) and emits each, in cursor order, to its room on every node (through
 * the adapter). A membership change disconnects that member's sockets in the workspace before any
 * later event is emitted.
 */
export async function startDispatcher(io: Server, kernel: Kernel, log: Logger) {
  const { database } = kernel
  let running: Promise<void> | null = null
  let again = false
  let stopped = false

  const run = async () => {
    do {
      again = false
      const events = await numberPending(database.db, BATCH)
      const members = await memberRooms(database.db, events, log)
      for (const e of events) {
        const { workspaceId, ...message } = e
        const audience = members.get(`${workspaceId} ${e.room}`)
        if (audience) {
          // One emit to every member's user room: encoded once (and one Redis message), each socket once.
          const { to, except } = audience
          if (to.length) (except ? io.to(to).except(except) : io.to(to)).emit('event', message)
          continue
        }
        const room = rooms.ofEvent(workspaceId, e.room)
        io.to(room).emit('event', message)
        if (e.type === MEMBERSHIP_CHANGED) io.in(room).disconnectSockets(true)
      }
      if (events.length === BATCH) again = true
    } while (again && !stopped)
  }
  const kick = () => {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = run()
      .catch((err) => log.warn({ err }, 'realtime: dispatch failed; retried on the next event or sweep'))
      .finally(() => {
        running = null
        if (again) kick()
      })
  }

  // Events may have committed while it was not listening: it looks each time the LISTEN is in place.
  const unlisten = await listen(database, NOTIFY_CHANNEL, { onNotify: kick, onListening: kick }, log)
  const sweep = setInterval(() => {
    if (running || stopped) return
    hasPending(database)
      .then((pending) => pending && kick())
      .catch(() => {})
  }, SWEEP_MS)
  sweep.unref()
  kick()

  return {
    kick,
    async stop() {
      stopped = true
      clearInterval(sweep)
      await unlisten().catch(() => {})
      await running
    },
  }
}

/**
 * The Socket.IO user rooms of the member rooms among these events (`defineRoomKind(..., { members })`),
 * by `<workspace> <room>`: one query per distinct room, read now, so whoever left before the dispatch
 * is not told; sockets in the kind's `heardIn` room are skipped. A room whose query fails is told to
 * no one live (logged); its event stays readable through the catch-up route. (`parseRoom` answers
 * null for `workspace` and `user:` rooms.)
 */
type MemberRoom = NonNullable<ReturnType<typeof parseRoom>> & { members: RoomMembers }

async function memberRooms(db: Db, events: DispatchedEvent[], log: Logger) {
  const wanted = new Map<string, { workspaceId: string; room: MemberRoom }>()
  for (const e of events) {
    const key = `${e.workspaceId} ${e.room}`
    const room = wanted.has(key) ? null : parseRoom(e.room)
    if (room?.members)
      wanted.set(key, { workspaceId: e.workspaceId, room: { ...room, members: room.members } })
  }
  const out = new Map<string, { to: string[]; except?: string }>()
  await Promise.all(
    [...wanted].map(async ([key, { workspaceId, room }]) => {
      try {
        const userIds = await heldScope.exit(() => room.members(db, workspaceId, room.id))
        const to = userIds.map((u) => rooms.user(workspaceId, u))
        const heard = room.heardIn?.(room.id)
        out.set(key, heard ? { to, except: rooms.resource(workspaceId, heard) } : { to })
      } catch (err) {
        log.warn({ err, room: key }, 'realtime: could not read a member room; its event is left to catch-up')
        out.set(key, { to: [] })
      }
    }),
  )
  return out
}
