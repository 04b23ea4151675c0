import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { Server, type Socket } from 'socket.io'
import type { Role } from '../access/index.ts'
import { sessionFromCookie } from '../auth/session.ts'
import type { Kernel } from '../kernel.ts'
import { startDispatcher } from './dispatcher.ts'
import { mayJoin, parseRoom, type RoomContext } from './index.ts'
import { rooms } from './rooms.ts'
import { membershipOf } from './service.ts'
import { verifyRealtimeToken } from './token.ts'

/** Limits of one socket and of connections; `attachRealtime`'s callers may tighten or loosen them. */
export type RealtimeLimits = {
  /** Largest message a client may send (bytes). */
  maxMessageBytes: number
  /** Messages a socket may send: a burst, then so many per second. */
  burst: number
  perSecond: number
  /** Refused messages in a row after which the socket is disconnected. */
  maxRefused: number
  /** Messages waiting for a socket that does not read, after which it is cut (it catches up later). */
  maxQueued: number
  /** Resource rooms one socket may join. */
  maxRooms: number
  /** New connections per minute, per address and per user (reconnect storms). */
  connectsPerMinute: number
}

export const defaultLimits: RealtimeLimits = {
  maxMessageBytes: 16 * 1024,
  burst: 20,
  perSecond: 10,
  maxRefused: 100,
  maxQueued: 1000,
  maxRooms: 200,
  connectsPerMinute: 120,
}

export type SocketData = {
  userId: string
  workspaceId: string
  role: Role
  via: 'cookie' | 'token'
  /** The session a cookie socket was opened with: it ends when the session does. */
  sessionId?: string
  /** What the client says of its user: `away` when its tab is hidden or idle (`presence` message). */
  presence?: 'online' | 'away'
}

export type PresenceState = 'online' | 'away' | 'offline'

export type RealtimeServer = {
  io: Server
  /** Sockets connected to this node. */
  count(): number
  /** Disconnects this node's cookie sockets whose session ended (signed out, revoked, expired). */
  checkSessions(): Promise<number>
  close(): Promise<void>
}

const refuse = (message: string, status: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { data: { status, ...extra } })

/**
 * Attaches Socket.IO to the app's HTTP server at `/socket.io/`, with the Redis adapter when REDIS_URL
 * is set, and starts the dispatcher that emits committed events.
 */
export async function attachRealtime(
  app: FastifyInstance,
  kernel: Kernel,
  overrides: Partial<RealtimeLimits> = {},
): Promise<RealtimeServer> {
  const limits = {
    ...defaultLimits,
    connectsPerMinute: kernel.config.realtimeConnectsPerMinute,
    ...overrides,
  }
  const { config, database, log: parentLog } = kernel
  const log = parentLog.child({ component: 'realtime' })
  const io = new Server(app.server, {
    path: '/socket.io/',
    serveClient: false,
    maxHttpBufferSize: limits.maxMessageBytes,
    perMessageDeflate: false,
    httpCompression: false,
    connectTimeout: 10_000,
    pingInterval: 25_000,
    pingTimeout: 20_000,
    cleanupEmptyChildNamespaces: true,
  })
  const closers: (() => Promise<unknown>)[] = []
  if (config.redisUrl) {
    const [{ Redis }, { createAdapter }] = await Promise.all([
      import('ioredis'),
      import('@socket.io/redis-adapter'),
    ])
    const pub = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 })
    const sub = pub.duplicate()
    for (const c of [pub, sub]) c.on('error', (err) => log.warn({ err: err.message }, 'realtime redis error'))
    // The adapter publishes without awaiting: a broadcast made while the node closes (a leaving socket's
    // presence) would otherwise end as an unhandled rejection once the connection is closed.
    const publish = pub.publish.bind(pub)
    pub.publish = ((...args: Parameters<typeof publish>) => {
      const sent = publish(...args)
      sent.catch((err: Error) => log.warn({ err: err.message }, 'realtime redis publish failed'))
      return sent
    }) as typeof pub.publish
    io.adapter(createAdapter(pub, sub, { key: 'atrium:realtime', requestsTimeout: 3000 }))
    closers.push(async () => Promise.allSettled([pub.quit(), sub.quit()]))
  }

  const ipLimiter = kernel.rateLimiter('rt-connect-ip', limits.connectsPerMinute, 60)
  const userLimiter = kernel.rateLimiter('rt-connect-user', limits.connectsPerMinute, 60)
  const trusted = new Set(config.trustedOrigins)

  io.use(async (socket, next) => {
    try {
      const h = socket.handshake
      const forwarded = config.trustProxy
        ? String(h.headers['x-forwarded-for'] ?? '')
            .split(',')[0]
            ?.trim()
        : ''
      const ip = forwarded || h.address
      const ipWait = await ipLimiter.hit(ip)
      if (ipWait > 0) return next(refuse('rate_limited', 429, { retryAfter: ipWait }))
      const token = (h.auth as { token?: unknown } | undefined)?.token
      let data: SocketData
      if (token !== undefined) {
        const claims = verifyRealtimeToken(config.secretKey, token)
        if (!claims) return next(refuse('unauthorized', 401))
        const member = await membershipOf(database, claims.userId, claims.workspaceId)
        if (!member) return next(refuse('unauthorized', 401))
        if (!member.allowed) return next(refuse('two_factor_required', 403))
        data = { userId: claims.userId, workspaceId: claims.workspaceId, role: member.role, via: 'token' }
      } else {
        // The cookie is sent by browsers to any page's sockets: only the app's own origins may use it.
        const origin = h.headers.origin
        if (!origin || !trusted.has(origin)) return next(refuse('origin_not_allowed', 403))
        const auth = await sessionFromCookie(database, config.secretKey, h.headers.cookie)
        if (!auth) return next(refuse('unauthorized', 401))
        const ws = auth.workspace
        if (!ws) return next(refuse('no_workspace', 403))
        if (ws.requireTwoFactor && !auth.user.twoFactorEnabled)
          return next(refuse('two_factor_required', 403))
        data = {
          userId: auth.user.id,
          workspaceId: ws.id,
          role: ws.role,
          via: 'cookie',
          sessionId: auth.sessionId,
        }
      }
      const userWait = await userLimiter.hit(data.userId)
      if (userWait > 0) return next(refuse('rate_limited', 429, { retryAfter: userWait }))
      socket.data = data
      next()
    } catch (err) {
      log.warn({ err }, 'realtime: handshake failed')
      next(refuse('unavailable', 503))
    }
  })

  io.on('connection', (socket: Socket) => {
    onConnection(socket, kernel, limits)
    onPresence(io, socket, log)
  })

  const checkSessions = async () => {
    const bySession = new Map<string, Socket[]>()
    for (const socket of io.of('/').sockets.values()) {
      const id = (socket.data as SocketData).sessionId
      if (id) bySession.set(id, [...(bySession.get(id) ?? []), socket])
    }
    if (!bySession.size) return 0
    const live = await database.query<{ id: string }>(
      'select id from sessions where id = any($1::uuid[]) and expires_at > now()',
      [[...bySession.keys()]],
    )
    for (const r of live) bySession.delete(r.id)
    let ended = 0
    for (const sockets of bySession.values())
      for (const socket of sockets) {
        socket.disconnect(true)
        ended++
      }
    return ended
  }
  const sessionSweep = setInterval(() => {
    checkSessions().catch((err) => log.warn({ err }, 'realtime: session check failed'))
  }, SESSION_CHECK_MS)
  sessionSweep.unref()

  const dispatcher = await startDispatcher(io, kernel, log)
  log.info({ adapter: config.redisUrl ? 'redis' : 'memory' }, 'realtime attached at /socket.io/')
  return {
    io,
    count: () => io.of('/').sockets.size,
    checkSessions,
    async close() {
      clearInterval(sessionSweep)
      await dispatcher.stop()
      io.local.disconnectSockets(true)
      io.engine.close()
      for (const c of closers) await c()
    },
  }
}

type Ack = (answer: { ok: boolean; error?: string }) => void
const ackOf = (args: unknown[]): Ack | null => {
  const last = args.at(-1)
  return typeof last === 'function' ? (last as Ack) : null
}
/** How often each node checks that its cookie sockets' sessions still exist (one query). */
const SESSION_CHECK_MS = 60_000
/** How long a full queue may wait for a socket to read before it is cut. */
const STALL_MS = 10_000
const SIGNAL_TYPE = /^[a-z][a-z0-9_.-]{0,39}$/

function onConnection(socket: Socket, kernel: Kernel, limits: RealtimeLimits): void {
  const data = socket.data as SocketData
  const ws = data.workspaceId
  socket.join([rooms.workspace(ws), rooms.user(ws, data.userId)])
  const ctx: RoomContext = {
    db: kernel.database.db,
    workspaceId: ws,
    actor: { userId: data.userId, role: data.role },
  }

  // A socket that does not read its messages: once `maxQueued` messages have waited for it longer than
  // a burst takes to leave (or ten times as many at once), cut it instead of queueing without end. It
  // catches up through the API when it comes back.
  const conn = socket.conn as unknown as {
    writeBuffer: unknown[]
    transport: { socket?: { terminate?: () => void } }
    close(discard?: boolean): void
    on(e: 'packetCreate' | 'drain', f: () => void): void
  }
  let stalledSince = 0
  let stallTimer: NodeJS.Timeout | null = null
  const cut = () => {
    const ws = conn.transport.socket
    if (typeof ws?.terminate === 'function') ws.terminate()
    else conn.close(true)
  }
  conn.on('drain', () => {
    stalledSince = 0
    if (stallTimer) clearTimeout(stallTimer)
    stallTimer = null
  })
  conn.on('packetCreate', () => {
    const queued = conn.writeBuffer.length
    if (queued < limits.maxQueued) return
    const now = performance.now()
    if (!stalledSince) {
      stalledSince = now
      // Checked again when the time is up, even if nothing more is sent to it by then.
      stallTimer = setTimeout(() => {
        stallTimer = null
        if (stalledSince && conn.writeBuffer.length >= limits.maxQueued) cut()
      }, STALL_MS)
      stallTimer.unref()
    }
    if (queued < limits.maxQueued * 10 && now - stalledSince < STALL_MS) return
    cut()
  })
  socket.on('disconnect', () => {
    if (stallTimer) clearTimeout(stallTimer)
  })

  // Messages from the client: a token bucket per socket; a socket that keeps flooding is disconnected.
  let tokens = limits.burst
  let refilled = performance.now()
  let refusedInARow = 0
  socket.use((packet, next) => {
    const now = performance.now()
    tokens = Math.min(limits.burst, tokens + ((now - refilled) / 1000) * limits.perSecond)
    refilled = now
    if (tokens >= 1) {
      tokens -= 1
      refusedInARow = 0
      return next()
    }
    ackOf(packet)?.({ ok: false, error: 'rate_limited' })
    if (++refusedInARow >= limits.maxRefused) socket.disconnect(true)
  })

  socket.on('join', async (...args: unknown[]) => {
    const ack = ackOf(args)
    const room = args[0]
    if (typeof room !== 'string' || room.length > 128) return ack?.({ ok: false, error: 'invalid_room' })
    const name = rooms.resource(ws, room)
    if (socket.rooms.has(name)) return ack?.({ ok: true })
    if (socket.rooms.size - 2 >= limits.maxRooms) return ack?.({ ok: false, error: 'too_many_rooms' })
    // A member room's events reach its members' own rooms: it is not joined.
    if (parseRoom(room)?.members) return ack?.({ ok: false, error: 'invalid_room' })
    if (!(await mayJoin(ctx, room))) return ack?.({ ok: false, error: 'forbidden' })
    if (socket.disconnected) return
    socket.join(name)
    ack?.({ ok: true })
  })

  socket.on('leave', (...args: unknown[]) => {
    const ack = ackOf(args)
    const room = args[0]
    if (typeof room !== 'string' || room.length > 128) return ack?.({ ok: false, error: 'invalid_room' })
    socket.leave(rooms.resource(ws, room))
    ack?.({ ok: true })
  })

  // Ephemeral signals (typing) to the other sockets of a room this socket joined; never stored.
  socket.on('signal', (...args: unknown[]) => {
    const ack = ackOf(args)
    const msg = args[0] as { room?: unknown; type?: unknown } | null
    const room = typeof msg?.room === 'string' ? msg.room : null
    const type = typeof msg?.type === 'string' ? msg.type : null
    if (!room || !type || !SIGNAL_TYPE.test(type)) return ack?.({ ok: false, error: 'invalid_signal' })
    const name = rooms.resource(ws, room)
    if (!socket.rooms.has(name)) return ack?.({ ok: false, error: 'not_joined' })
    socket.to(name).emit('signal', { room, type, userId: data.userId })
    ack?.({ ok: true })
  })
}

/**
 * Presence, from the sockets themselves (on every node, through the adapter): a user is `online`
 * while one of their sockets in the workspace says so, `away` while all say `away`, `offline` without
 * any. Each change goes to the workspace room as a `presence` message `{ userId, state }`; a socket asks
 * for everyone's with `presence:list` (ack: `{ ok, users: [{ userId, state }] }`) and sets its own with
 * `presence` `{ state: 'online' | 'away' }`. Nothing is stored.
 */
function onPresence(io: Server, socket: Socket, log: Logger): void {
  const data = socket.data as SocketData
  data.presence ??= 'online'
  const ws = rooms.workspace(data.workspaceId)
  const userRoom = rooms.user(data.workspaceId, data.userId)
  const summary = (states: (PresenceState | undefined)[]): PresenceState =>
    !states.length ? 'offline' : states.some((x) => x !== 'away') ? 'online' : 'away'
  const stateOf = async (): Promise<PresenceState> =>
    summary((await io.in(userRoom).fetchSockets()).map((x) => (x.data as SocketData).presence))
  /**
   * Tells the workspace when this socket changes its user's state: a new socket counts only the
   * user's sockets that opened before it (so of two opening at once, the first one tells), a change
   * counts the user's other sockets. A user's second tab, or a reconnect storm, says nothing to anyone
   * while the user stays online: one message to the workspace per change, not per socket.
   */
  const announce = async (previous: PresenceState | 'new') => {
    const mine = socket.handshake.issued
    const others = (await io.in(userRoom).fetchSockets()).filter((x) => x.id !== socket.id)
    const earlier =
      previous === 'new'
        ? others.filter((x) => x.handshake.issued < mine || (x.handshake.issued === mine && x.id < socket.id))
        : others
    const states = earlier.map((x) => (x.data as SocketData).presence)
    const before = summary(previous === 'new' ? states : [...states, previous])
    const after = summary(socket.connected ? [...states, data.presence] : states)
    if (before !== after) io.to(ws).emit('presence', { userId: data.userId, state: after })
  }
  const safely = (p: Promise<unknown>) => p.catch((err) => log.warn({ err }, 'realtime: presence failed'))
  safely(announce('new'))
  socket.on('presence', (...args: unknown[]) => {
    const ack = ackOf(args)
    const state = (args[0] as { state?: unknown } | null)?.state
    if (state !== 'online' && state !== 'away') return ack?.({ ok: false, error: 'invalid_presence' })
    const previous = data.presence ?? 'online'
    data.presence = state
    safely(announce(previous).then(() => ack?.({ ok: true })))
  })
  socket.on('presence:list', (...args: unknown[]) => {
    const ack = ackOf(args) as ((a: unknown) => void) | null
    safely(
      io
        .in(ws)
        .fetchSockets()
        .then((sockets) => {
          const users = new Map<string, PresenceState>()
          for (const x of sockets) {
            const d = x.data as SocketData
            if (d.presence !== 'away' || !users.has(d.userId))
              users.set(d.userId, d.presence === 'away' ? 'away' : 'online')
          }
          ack?.({ ok: true, users: [...users].map(([userId, state]) => ({ userId, state })) })
        }),
    )
  })
  socket.on('disconnect', () => {
    safely(
      stateOf().then((state) => {
        if (state !== 'online') io.to(ws).emit('presence', { userId: data.userId, state })
      }),
    )
  })
}
