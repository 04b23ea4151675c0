import type { QueryClient, QueryKey } from '@tanstack/react-query'
import { ApiError, api } from './api.ts'
import { coalescer } from './coalesce.ts'
import { createRegistry } from './registry/store.ts'

/** What the server sends: what changed, by ids (never the data: queries refetch it). */
export type RealtimeEvent = {
  cursor: number
  type: string
  room: string
  ids: Record<string, string | number | boolean | null>
  at: string
}

/**
 * A feature's reaction to realtime events: the query keys to invalidate for the event types it knows.
 * Features register at module load, like commands: `registerRealtimeHandler({ id: 'clients', order: 0,
 * types: ['client.'], invalidate: (e) => [['clients']] })`. A type ending in `.` matches a prefix.
 */
export type RealtimeHandler = {
  id: string
  order: number
  types: string[]
  invalidate: (event: RealtimeEvent) => QueryKey[]
}

export const realtimeHandlers = createRegistry<RealtimeHandler>('realtime handler')
export const registerRealtimeHandler = (h: RealtimeHandler) => realtimeHandlers.register(h)

/** Events for one query within this window refetch it once more at its end, not once each. */
const REFETCH_WINDOW_MS = 300

const matches = (types: string[], type: string) =>
  types.some((t) => (t.endsWith('.') ? type.startsWith(t) : t === type))

type EventsPage = { data: RealtimeEvent[]; cursor: number; nextCursor: string | null }
type Socket = import('socket.io-client').Socket

/** An ephemeral relay from another socket of a joined room (typing): never stored, never caught up. */
export type RealtimeSignal = { room: string; type: string; userId: string }

export type RealtimeConnection = {
  /** Joins a resource room (`conversation:<id>`) now and after every reconnect; returns leave. */
  join(room: string): () => void
  /** Sends a signal (`typing`) to the room's other sockets; dropped while disconnected. */
  signal(room: string, type: string): void
  /** Listens to the signals of the joined rooms; returns the unsubscribe function. */
  onSignal(listener: (signal: RealtimeSignal) => void): () => void
  stop(): void
}

/**
 * Connects after sign-in (Socket.IO is loaded here, out of the first-load bundle), follows the cursor
 * of the last event applied, and after a reconnect (a dropped network, a laptop waking up) reads what it
 * missed through `GET /api/v1/realtime/events?after=` before applying live events again, each once.
 */
export function startRealtime(queryClient: QueryClient): RealtimeConnection {
  current?.stop()
  let socket: Socket | null = null
  let stopped = false
  let last: number | null = null
  let catchingUp = false
  let queued: RealtimeEvent[] = []
  const rooms = new Map<string, number>()
  const signalListeners = new Set<(signal: RealtimeSignal) => void>()

  const invalidate = coalescer<QueryKey>(
    (queryKey) => void queryClient.invalidateQueries({ queryKey }),
    REFETCH_WINDOW_MS,
    (queryKey) => JSON.stringify(queryKey),
  )
  const apply = (e: RealtimeEvent) => {
    if (last !== null && e.cursor <= last) return
    last = e.cursor
    if (e.type === 'membership.changed') {
      void queryClient.invalidateQueries()
      return
    }
    for (const h of realtimeHandlers.list())
      if (matches(h.types, e.type)) for (const queryKey of h.invalidate(e)) invalidate(queryKey)
  }

  const catchUp = async () => {
    if (last === null) return
    catchingUp = true
    try {
      for (;;) {
        const page: EventsPage = await api.get<EventsPage>(`/api/v1/realtime/events?after=${last}&limit=500`)
        for (const e of page.data) apply(e)
        if (last === null || page.cursor > last) last = page.cursor
        if (!page.nextCursor) break
      }
    } catch (error) {
      // Too old to catch up (410) or unreadable: refetch everything instead.
      if (error instanceof ApiError && error.status === 410) last = null
      void queryClient.invalidateQueries()
    } finally {
      catchingUp = false
      const pending = queued
      queued = []
      for (const e of pending.sort((a, b) => a.cursor - b.cursor)) apply(e)
    }
  }

  // Socket.IO and the presence store (lib/presence.ts) load here, out of the first-load bundle.
  void import('./realtime-client.ts').then(({ connect }) => {
    if (stopped) return
    const s = connect()
    socket = s
    s.on('event', (e: RealtimeEvent) => {
      if (catchingUp) queued.push(e)
      else apply(e)
    })
    s.on('signal', (signal: RealtimeSignal) => {
      for (const listener of signalListeners) listener(signal)
    })
    s.on('connect', () => {
      for (const room of rooms.keys()) s.emit('join', room)
      void catchUp()
    })
    s.on('disconnect', (reason) => {
      // The server ends the sockets of a member whose membership changed: come back with the new rights.
      if (reason === 'io server disconnect' && !stopped) setTimeout(() => s.connect(), 1000)
    })
  })

  const connection: RealtimeConnection = {
    join(room) {
      rooms.set(room, (rooms.get(room) ?? 0) + 1)
      if (rooms.get(room) === 1) socket?.emit('join', room)
      return () => {
        const n = (rooms.get(room) ?? 1) - 1
        if (n > 0) rooms.set(room, n)
        else {
          rooms.delete(room)
          socket?.emit('leave', room)
        }
      }
    },
    signal(room, type) {
      if (socket?.connected) socket.emit('signal', { room, type })
    },
    onSignal(listener) {
      signalListeners.add(listener)
      return () => signalListeners.delete(listener)
    },
    stop() {
      stopped = true
      socket?.disconnect()
      if (current === connection) current = null
    },
  }
  current = connection
  return connection
}

let current: RealtimeConnection | null = null
/** The signed-in app's connection, for pages that join resource rooms. */
export const currentRealtime = () => current
