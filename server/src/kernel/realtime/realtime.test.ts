import type { AddressInfo } from 'node:net'
import { type Socket as ClientSocket, io as connectClient } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_URL, createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { buildApp, createKernel } from '../../app.ts'
import { loadConfig } from '../../config.ts'
import { withWorkspace } from '../tenancy/index.ts'
import { defineRoomKind, publish, type RealtimeMessage } from './index.ts'
import { realtimeServer } from './routes.ts'
import { issueRealtimeToken } from './token.ts'

// A room kind for these tests: `open-*` rooms admit every member, `staff-*` rooms owners and admins.
defineRoomKind(
  'testroom',
  (ctx, id) => id.startsWith('open-') || (id.startsWith('staff-') && ctx.actor.role !== 'member'),
)

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

type Conn = { socket: ClientSocket; events: RealtimeMessage[] }

async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  await realtimeServer(t.app)
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
}

const cookieOf = (u: TestUser) => [...u.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ')

function connect(
  url: string,
  opts: { user?: TestUser; token?: string; origin?: string | null } = {},
): Promise<Conn> {
  const headers: Record<string, string> = {}
  if (opts.origin !== null) headers.origin = opts.origin ?? APP_URL
  if (opts.user) headers.cookie = cookieOf(opts.user)
  const socket = connectClient(url, {
    path: '/socket.io/',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: opts.token ? { token: opts.token } : {},
    extraHeaders: headers,
  })
  const events: RealtimeMessage[] = []
  socket.on('event', (e: RealtimeMessage) => events.push(e))
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, events }))
    socket.once('connect_error', (err) => {
      socket.close()
      reject(err)
    })
  })
}

const refusal = (p: Promise<Conn>) =>
  p.then(
    (c) => {
      c.socket.close()
      return 'connected'
    },
    (err: Error) => err.message,
  )

const join = (c: Conn, room: string) =>
  c.socket.timeout(5000).emitWithAck('join', room) as Promise<{ ok: boolean; error?: string }>

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

function send(
  t: TestApp,
  workspaceId: string,
  audience: Parameters<typeof publish>[2],
  type: string,
  ids = {},
) {
  return withWorkspace({ db: t.database.db, workspaceId }, (tx) =>
    publish(tx, workspaceId, audience, type, ids),
  )
}

describe('realtime on one node', () => {
  let t: TestApp
  let url: string
  let owner: TestUser
  let member: TestUser
  let other: TestUser
  let ws: string

  beforeAll(async () => {
    t = await createTestApp()
    url = await listen(t)
    owner = await t.user()
    ws = owner.workspaceId!
    member = await joinWorkspace(t, ws, 'member')
    other = await t.user()
  })
  afterAll(async () => t?.close())

  it('authenticates with the session cookie from a trusted origin, or a token; refuses anything else', async () => {
    const c = await connect(url, { user: owner })
    expect(c.socket.connected).toBe(true)
    c.socket.close()

    expect(await refusal(connect(url))).toBe('unauthorized')
    expect(await refusal(connect(url, { user: owner, origin: 'https://evil.example' }))).toBe(
      'origin_not_allowed',
    )
    expect(await refusal(connect(url, { user: owner, origin: null }))).toBe('origin_not_allowed')
    expect(await refusal(connect(url, { token: 'rt1.e30.bad', origin: null }))).toBe('unauthorized')

    const res = await member.client.post('/api/v1/realtime/token')
    expect(res.statusCode).toBe(200)
    const { token } = res.json() as { token: string }
    const viaToken = await connect(url, { token, origin: null })
    await send(t, ws, { user: member.id }, 'test.ping', { n: 1 })
    await until(() => viaToken.events.length === 1, 'the token socket to receive')
    expect(viaToken.events[0]).toMatchObject({ type: 'test.ping', room: `user:${member.id}`, ids: { n: 1 } })
    viaToken.socket.close()

    expect((await t.client().post('/api/v1/realtime/token')).statusCode).toBe(401)
    // A token signed with another key, or altered, is refused.
    const forged = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}`
    expect(await refusal(connect(url, { token: forged, origin: null }))).toBe('unauthorized')
  })

  it('presence: online on connect, away when every socket says so, offline after the last one; other workspaces hear nothing', async () => {
    type Presence = { userId: string; state: string }
    const watch = (c: Conn) => {
      const seen: Presence[] = []
      c.socket.on('presence', (p: Presence) => seen.push(p))
      return seen
    }
    const list = async (c: Conn) =>
      ((await c.socket.timeout(5000).emitWithAck('presence:list')) as { users: Presence[] }).users
    const o = await connect(url, { user: owner })
    const fromOwner = watch(o)
    const stranger = await connect(url, { user: other })
    const fromStranger = watch(stranger)
    const m1 = await connect(url, { user: member })
    await until(() => fromOwner.some((p) => p.userId === member.id && p.state === 'online'), 'member online')
    expect((await list(o)).find((u) => u.userId === member.id)?.state).toBe('online')
    const m2 = await connect(url, { user: member })
    expect(await m1.socket.timeout(5000).emitWithAck('presence', { state: 'away' })).toEqual({ ok: true })
    // One of the member's two sockets is still online.
    expect((await list(o)).find((u) => u.userId === member.id)?.state).toBe('online')
    await m2.socket.timeout(5000).emitWithAck('presence', { state: 'away' })
    await until(() => fromOwner.some((p) => p.userId === member.id && p.state === 'away'), 'member away')
    // One message per change of the member's state: the second socket and the first "away" said nothing.
    const ofMember = () => fromOwner.filter((p) => p.userId === member.id).map((p) => p.state)
    expect(ofMember()).toEqual(['online', 'away'])
    await m1.socket.timeout(5000).emitWithAck('presence', { state: 'online' })
    await until(() => ofMember().length === 3, 'member back online')
    await m2.socket.timeout(5000).emitWithAck('presence', { state: 'online' })
    await m1.socket.timeout(5000).emitWithAck('presence', { state: 'online' })
    const m3 = await connect(url, { user: member })
    expect((await list(o)).find((u) => u.userId === member.id)?.state).toBe('online')
    m3.socket.close()
    await new Promise((r) => setTimeout(r, 300))
    expect(ofMember()).toEqual(['online', 'away', 'online'])
    expect(await m2.socket.timeout(5000).emitWithAck('presence', { state: 'asleep' })).toEqual({
      ok: false,
      error: 'invalid_presence',
    })
    m1.socket.close()
    m2.socket.close()
    await until(
      () => fromOwner.some((p) => p.userId === member.id && p.state === 'offline'),
      'member offline',
    )
    expect((await list(o)).some((u) => u.userId === member.id)).toBe(false)
    expect(fromStranger.some((p) => p.userId === member.id)).toBe(false)
    expect((await list(stranger)).map((u) => u.userId)).toEqual([other.id])
    o.socket.close()
    stranger.socket.close()
  })

  it('checks permissions on join, and another workspace receives nothing', async () => {
    const m = await connect(url, { user: member })
    const o = await connect(url, { user: owner })
    const stranger = await connect(url, { user: other })
    expect(await join(m, 'testroom:open-1')).toEqual({ ok: true })
    expect(await join(m, 'testroom:staff-1')).toEqual({ ok: false, error: 'forbidden' })
    expect(await join(o, 'testroom:staff-1')).toEqual({ ok: true })
    expect(await join(o, 'testroom:open-1')).toEqual({ ok: true })
    expect(await join(m, 'nosuchkind:x')).toEqual({ ok: false, error: 'forbidden' })
    expect(await join(m, 'testroom:../../x')).toEqual({ ok: false, error: 'forbidden' })
    // The stranger joins "the same" room name, but rooms are scoped by workspace.
    expect(await join(stranger, 'testroom:open-1')).toEqual({ ok: true })

    await send(t, ws, { kind: 'testroom', id: 'staff-1' }, 'test.staff')
    await send(t, ws, { kind: 'testroom', id: 'open-1' }, 'test.open')
    await send(t, ws, 'workspace', 'test.all')
    await send(t, ws, { user: owner.id }, 'test.owner-only')
    await until(() => o.events.length === 4, 'the owner to receive 4 events')
    await until(() => m.events.length === 2, 'the member to receive 2 events')
    await pause(300)
    expect(o.events.map((e) => e.type)).toEqual(['test.staff', 'test.open', 'test.all', 'test.owner-only'])
    expect(m.events.map((e) => e.type)).toEqual(['test.open', 'test.all'])
    expect(stranger.events).toEqual([])
    const cursors = o.events.map((e) => e.cursor)
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b))

    // Catch-up through the API applies the same rules.
    const after = String(cursors[0]! - 1)
    const mine = (await member.client.get(`/api/v1/realtime/events?after=${after}`)).json() as {
      data: RealtimeMessage[]
    }
    expect(mine.data.map((e) => e.type)).toEqual(['test.open', 'test.all'])
    const theirs = (await other.client.get(`/api/v1/realtime/events?after=${after}`)).json() as {
      data: unknown[]
    }
    expect(theirs.data).toEqual([])
    expect((await member.client.get('/api/v1/realtime/events?after=-1')).statusCode).toBe(400)
    for (const c of [m, o, stranger]) c.socket.close()
  })

  it('a removed member stops receiving at once; a role change makes sockets reconnect with the new rights', async () => {
    const admin = await joinWorkspace(t, ws, 'admin')
    const leaving = await joinWorkspace(t, ws, 'member')
    const a = await connect(url, { user: admin })
    const l = await connect(url, { user: leaving })
    expect(await join(a, 'testroom:staff-2')).toEqual({ ok: true })
    let leftDisconnected = false
    l.socket.on('disconnect', () => {
      leftDisconnected = true
    })
    const list = (await owner.client.get('/api/v1/members?limit=50')).json() as {
      data: { id: string; userId: string }[]
    }
    const memberId = (u: TestUser) => list.data.find((x) => x.userId === u.id)!.id

    expect((await owner.client.del(`/api/v1/members/${memberId(leaving)}`)).statusCode).toBeLessThan(300)
    await send(t, ws, 'workspace', 'test.after-removal')
    await until(() => a.events.some((e) => e.type === 'test.after-removal'), 'the admin to receive')
    expect(leftDisconnected).toBe(true)
    expect(l.events.map((e) => e.type)).toEqual(['membership.changed'])
    expect(await refusal(connect(url, { user: leaving }))).not.toBe('connected')

    // Demoted to member: the socket is disconnected and a new one cannot join the staff room.
    expect(
      (await owner.client.patch(`/api/v1/members/${memberId(admin)}`, { role: 'member' })).statusCode,
    ).toBeLessThan(300)
    await until(() => a.socket.disconnected, 'the demoted socket to be disconnected')
    const again = await connect(url, { user: admin })
    expect(await join(again, 'testroom:staff-2')).toEqual({ ok: false, error: 'forbidden' })
    again.socket.close()
  })

  it('a signed-out session ends its sockets at the next session check', async () => {
    const u = await joinWorkspace(t, ws, 'member')
    const c = await connect(url, { user: u })
    const viaToken = await connect(url, {
      token: ((await u.client.post('/api/v1/realtime/token')).json() as { token: string }).token,
      origin: null,
    })
    const server = (await realtimeServer(t.app))!
    expect(await server.checkSessions()).toBe(0)
    expect((await u.client.post('/api/auth/sign-out')).statusCode).toBe(200)
    expect(await server.checkSessions()).toBe(1)
    await until(() => c.socket.disconnected, 'the signed-out socket to be disconnected')
    expect(viaToken.socket.connected).toBe(true)
    viaToken.socket.close()
  })

  it('catch-up: 50 messages and 5 edits sent while disconnected arrive exactly once, in order', async () => {
    const c = await connect(url, { user: member })
    expect(await join(c, 'testroom:open-chat')).toEqual({ ok: true })
    await send(t, ws, { kind: 'testroom', id: 'open-chat' }, 'message.created', { messageId: 'm0' })
    await until(() => c.events.length === 1, 'the first message')
    const last = c.events[0]!.cursor
    c.socket.close()

    for (let i = 1; i <= 50; i++)
      await send(t, ws, { kind: 'testroom', id: 'open-chat' }, 'message.created', { messageId: `m${i}` })
    for (let i = 1; i <= 5; i++)
      await send(t, ws, { kind: 'testroom', id: 'open-chat' }, 'message.updated', { messageId: `m${i * 10}` })

    const back = await connect(url, { user: member })
    expect(await join(back, 'testroom:open-chat')).toEqual({ ok: true })
    await send(t, ws, { kind: 'testroom', id: 'open-chat' }, 'message.created', { messageId: 'm51' })
    await until(
      () => back.events.some((e) => e.ids.messageId === 'm51'),
      'the live message after reconnecting',
    )

    // Read pages of 20 from the last cursor seen, then merge with what arrived live, by cursor.
    const seen = new Map<number, RealtimeMessage>()
    let after = String(last)
    for (;;) {
      const res = await member.client.get(`/api/v1/realtime/events?after=${after}&limit=20`)
      expect(res.statusCode).toBe(200)
      const page = res.json() as { data: RealtimeMessage[]; nextCursor: string | null; cursor: number }
      for (const e of page.data) seen.set(e.cursor, e)
      if (!page.nextCursor) break
      after = page.nextCursor
    }
    for (const e of back.events) seen.set(e.cursor, e)
    const got = [...seen.values()]
      .filter((e) => e.room === 'testroom:open-chat')
      .sort((a, b) => a.cursor - b.cursor)
      .map((e) => `${e.type}:${e.ids.messageId}`)
    const expected = [
      ...Array.from({ length: 50 }, (_, i) => `message.created:m${i + 1}`),
      ...Array.from({ length: 5 }, (_, i) => `message.updated:m${(i + 1) * 10}`),
      'message.created:m51',
    ]
    expect(got).toEqual(expected)
    back.socket.close()
  })

  it('throttles a flooding socket and limits message size', async () => {
    const c = await connect(url, { user: owner })
    expect(await join(c, 'testroom:open-typing')).toEqual({ ok: true })
    const answers = await Promise.all(
      Array.from({ length: 60 }, () =>
        c.socket.timeout(5000).emitWithAck('signal', { room: 'testroom:open-typing', type: 'typing' }),
      ),
    )
    const limited = answers.filter((a: { error?: string }) => a.error === 'rate_limited').length
    expect(limited).toBeGreaterThan(30)
    // A message over the size limit closes the connection instead of being buffered.
    c.socket.emit('signal', { room: 'testroom:open-typing', type: 'x'.repeat(64 * 1024) })
    await until(() => c.socket.disconnected, 'the oversized message to close the socket')
  })
})

describe('realtime across two nodes through Redis', () => {
  let t: TestApp
  let second: Awaited<ReturnType<typeof buildApp>> | null = null
  let secondKernel: Awaited<ReturnType<typeof createKernel>> | null = null

  beforeAll(async () => {
    t = await createTestApp({ REDIS_URL })
  })
  afterAll(async () => {
    await second?.close()
    await secondKernel?.redis?.quit()
    await t?.close()
  })

  it('an event committed through one node reaches sockets on both, once', async () => {
    const url1 = await listen(t)
    secondKernel = await createKernel(
      loadConfig({
        NODE_ENV: 'test',
        APP_URL,
        DATA_DIR: t.kernel.config.dataDir,
        LOG_LEVEL: 'silent',
        ATRIUM_SEED: 'false',
        SECRET_KEY: t.kernel.config.secretKey,
        REDIS_URL,
      }),
      {
        database: t.database,
        log: t.kernel.log,
      },
    )
    second = await buildApp(secondKernel)
    await second.listen({ port: 0, host: '127.0.0.1' })
    await realtimeServer(second)
    const url2 = `http://127.0.0.1:${(second.server.address() as AddressInfo).port}`

    const owner = await t.user()
    const ws = owner.workspaceId!
    const member = await joinWorkspace(t, ws, 'member')
    const one = await connect(url1, { user: owner })
    const two = await connect(url2, { user: member })
    expect(await join(two, 'testroom:open-x')).toEqual({ ok: true })
    await send(t, ws, 'workspace', 'test.everyone')
    await send(t, ws, { kind: 'testroom', id: 'open-x' }, 'test.room')
    await until(() => one.events.length === 1 && two.events.length === 2, 'both nodes to deliver')
    await pause(300)
    expect(one.events.map((e) => e.type)).toEqual(['test.everyone'])
    expect(two.events.map((e) => e.type)).toEqual(['test.everyone', 'test.room'])

    // Removing the member on node 1 disconnects their socket on node 2.
    const list = (await owner.client.get('/api/v1/members?limit=50')).json() as {
      data: { id: string; userId: string }[]
    }
    const id = list.data.find((x) => x.userId === member.id)!.id
    expect((await owner.client.del(`/api/v1/members/${id}`)).statusCode).toBeLessThan(300)
    await until(() => two.socket.disconnected, 'the removed member to be disconnected on the other node')
    one.socket.close()
  })
})

describe('realtime under bad clients', () => {
  let t: TestApp
  let url: string
  let owner: TestUser
  let member: TestUser
  let ws: string

  beforeAll(async () => {
    t = await createTestApp({ REALTIME_CONNECTS_PER_MINUTE: '6' })
    url = await listen(t)
    owner = await t.user()
    ws = owner.workspaceId!
    member = await joinWorkspace(t, ws, 'member')
  })
  afterAll(async () => t?.close())

  it('a typing flood gets rate_limited answers, then the socket is cut; others lose nothing', async () => {
    const other = await connect(url, { user: owner })
    expect(await join(other, 'testroom:open-flood')).toEqual({ ok: true })
    const signals: unknown[] = []
    other.socket.on('signal', (s) => signals.push(s))
    const flooder = await connect(url, {
      token: issueRealtimeToken(t.kernel.config.secretKey, member.id, ws).token,
    })
    expect(await join(flooder, 'testroom:open-flood')).toEqual({ ok: true })
    for (let i = 0; i < 200 && flooder.socket.connected; i++)
      flooder.socket.emit('signal', { room: 'testroom:open-flood', type: 'typing' })
    await until(() => flooder.socket.disconnected, 'the flooding socket to be cut')
    // The burst went through (at most 20 typing signals relayed), and the room still works.
    expect(signals.length).toBeLessThanOrEqual(21)
    await send(t, ws, { kind: 'testroom', id: 'open-flood' }, 'message.created', { messageId: 'm1' })
    await until(() => other.events.some((e) => e.ids.messageId === 'm1'), 'the other socket to receive')
    other.socket.close()
  })
  it('a reconnect storm is refused with rate_limited and a retry time; open sockets keep receiving', async () => {
    const kept = await connect(url, { user: member })
    const answers: string[] = []
    let retryAfter: unknown
    for (let i = 0; i < 8; i++) {
      const socket = connectClient(url, {
        path: '/socket.io/',
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { origin: APP_URL, cookie: cookieOf(member) },
      })
      answers.push(
        await new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('connected'))
          socket.once('connect_error', (err) => {
            retryAfter ??= (err as Error & { data?: { retryAfter?: number } }).data?.retryAfter
            resolve(err.message)
          })
        }),
      )
      socket.close()
    }
    // The limit (6 a minute, per address and per user) counts this file's earlier sockets too: the
    // storm gets what is left, then refusals.
    expect(answers.at(-1)).toBe('rate_limited')
    expect(answers.filter((a) => a === 'rate_limited').length).toBeGreaterThanOrEqual(3)
    expect(retryAfter).toBeGreaterThan(0)
    await send(t, ws, 'workspace', 'after.storm')
    await until(() => kept.events.some((e) => e.type === 'after.storm'), 'the kept socket to receive')
    kept.socket.close()
  })
})
