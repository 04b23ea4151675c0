import type { AddressInfo } from 'node:net'
import { type Socket as ClientSocket, io as connectClient } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_URL, createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import type { RealtimeMessage } from '../../kernel/realtime/index.ts'
import { realtimeServer } from '../../kernel/realtime/routes.ts'

type Conn = {
  socket: ClientSocket
  events: RealtimeMessage[]
  signals: { room: string; type: string; userId: string }[]
}

const cookieOf = (u: TestUser) => [...u.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ')

function connect(url: string, user: TestUser): Promise<Conn> {
  const socket = connectClient(url, {
    path: '/socket.io/',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { origin: APP_URL, cookie: cookieOf(user) },
  })
  const events: RealtimeMessage[] = []
  const signals: Conn['signals'] = []
  socket.on('event', (e: RealtimeMessage) => events.push(e))
  socket.on('signal', (s: Conn['signals'][number]) => signals.push(s))
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, events, signals }))
    socket.once('connect_error', (err) => {
      socket.close()
      reject(err)
    })
  })
}

const join = (c: Conn, room: string) =>
  c.socket.timeout(5000).emitWithAck('join', room) as Promise<{ ok: boolean; error?: string }>

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('messaging over realtime (socket.io-client)', () => {
  let t: TestApp
  let url: string
  let alice: TestUser
  let bob: TestUser
  let carol: TestUser

  beforeAll(async () => {
    t = await createTestApp({ MESSAGES_PER_MINUTE: '1000' })
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    await realtimeServer(t.app)
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
    alice = await t.user({ name: 'Alice' })
    const ws = alice.workspaceId as string
    bob = await joinWorkspace(t, ws, 'member', 'Bob')
    carol = await joinWorkspace(t, ws, 'member', 'Carol')
  })
  afterAll(async () => t?.close())

  const channel = async (kind: string, memberIds: string[]) =>
    (
      await alice.client.post('/api/v1/conversations', { kind, name: `room-${Math.random()}`, memberIds })
    ).json().id as string
  const post = async (u: TestUser, id: string, body: string) => {
    const res = await u.client.post(`/api/v1/conversations/${id}/messages`, { body })
    expect(res.statusCode, res.body).toBe(201)
    return res.json().id as string
  }

  it('admits to a conversation room only those who may read it; relays typing without storing it', async () => {
    const id = await channel('channel_private', [bob.id])
    const b = await connect(url, bob)
    const c = await connect(url, carol)
    const a = await connect(url, alice)
    expect(await join(b, `conversation:${id}`)).toEqual({ ok: true })
    expect(await join(a, `conversation:${id}`)).toEqual({ ok: true })
    expect(await join(c, `conversation:${id}`)).toEqual({ ok: false, error: 'forbidden' })

    const ack = await a.socket
      .timeout(5000)
      .emitWithAck('signal', { room: `conversation:${id}`, type: 'typing' })
    expect(ack).toEqual({ ok: true })
    await until(() => b.signals.length === 1, 'the typing signal')
    expect(b.signals[0]).toEqual({ room: `conversation:${id}`, type: 'typing', userId: alice.id })

    const m = await post(alice, id, 'hello room')
    await until(() => b.events.some((e) => e.type === 'message.created'), 'message.created')
    expect(b.events.find((e) => e.type === 'message.created')?.ids).toEqual({
      conversationId: id,
      messageId: m,
    })
    await bob.client.post(`/api/v1/conversations/${id}/messages/${m}/reactions`, { emoji: '🎉' })
    await bob.client.post(`/api/v1/conversations/${id}/read`, { messageId: m })
    await until(() => a.events.some((e) => e.type === 'conversation.read'), 'the read receipt')
    expect(a.events.map((e) => e.type)).toEqual(expect.arrayContaining(['message.created', 'reaction.added']))
    expect(c.events.some((e) => e.room === `conversation:${id}`)).toBe(false)
    const stored = await t.database.query<{ n: number }>(
      `select count(*)::int as n from realtime_events where type = 'typing'`,
    )
    expect(Number(stored[0]?.n)).toBe(0)
    for (const x of [a, b, c]) x.socket.close()
  })

  it("a private conversation's activity reaches each participant's own sockets once, no one else's, and not a removed member", async () => {
    const id = await channel('channel_private', [bob.id])
    const a = await connect(url, alice)
    const b = await connect(url, bob)
    const b2 = await connect(url, bob)
    const c = await connect(url, carol)
    // The member room is not joined: its events come to each participant's own room.
    expect(await join(b, `conversation-members:${id}`)).toEqual({ ok: false, error: 'invalid_room' })
    expect(await join(c, `conversation-members:${id}`)).toEqual({ ok: false, error: 'invalid_room' })
    // Bob's second socket shows the conversation: its `message.created` stands for the activity.
    expect(await join(b2, `conversation:${id}`)).toEqual({ ok: true })
    const m = await post(alice, id, 'activity for the sidebar')
    const activity = (x: Conn) => x.events.filter((e) => e.type === 'conversation.activity')
    // What each socket heard of this message (the channel's creation may still be on its way to them).
    const about = (x: Conn) => x.events.filter((e) => e.ids.messageId === m)
    await until(
      () => activity(b).length === 1 && activity(a).length === 1 && about(b2).length === 1,
      'activity',
    ).catch((err: Error) => {
      const seen = (x: Conn) => x.events.map((e) => `${e.type}@${e.room}`).join(', ')
      throw new Error(`${err.message}; alice: [${seen(a)}], bob: [${seen(b)}], bob 2: [${seen(b2)}]`)
    })
    expect(about(b2).map((e) => e.type)).toEqual(['message.created'])
    expect(activity(b)[0]).toMatchObject({
      room: `conversation-members:${id}`,
      ids: { conversationId: id, messageId: m },
    })
    // One stored event for the conversation, whatever its number of participants.
    const stored = await t.database.query<{ n: number }>(
      `select count(*)::int as n from realtime_events where type = 'conversation.activity' and payload->>'messageId' = $1`,
      [m],
    )
    expect(Number(stored[0]?.n)).toBe(1)

    // Bob leaves the participants: the next message's activity no longer reaches him, live or on catch-up.
    expect((await alice.client.del(`/api/v1/conversations/${id}/members/${bob.id}`)).statusCode).toBe(204)
    const m2 = await post(alice, id, 'after bob left')
    await until(() => activity(a).some((e) => e.ids.messageId === m2), 'activity after the removal')
    await new Promise((r) => setTimeout(r, 300))
    expect(activity(b).some((e) => e.ids.messageId === m2)).toBe(false)
    expect(activity(c)).toEqual([])
    const caught = async (u: TestUser) =>
      ((await u.client.get('/api/v1/realtime/events?after=0&limit=500')).json().data as RealtimeMessage[])
        .filter((e) => e.room === `conversation-members:${id}`)
        .map((e) => e.ids.messageId)
    expect(await caught(alice)).toEqual([m, m2])
    expect(await caught(carol)).toEqual([])
    expect(await caught(bob)).toEqual([])
    for (const x of [a, b, b2, c]) x.socket.close()
  })

  it('a removed member is disconnected from the room at once and cannot rejoin', async () => {
    const id = await channel('channel_private', [bob.id])
    const b = await connect(url, bob)
    expect(await join(b, `conversation:${id}`)).toEqual({ ok: true })
    const closed = new Promise<void>((r) => b.socket.once('disconnect', () => r()))
    expect((await alice.client.del(`/api/v1/conversations/${id}/members/${bob.id}`)).statusCode).toBe(204)
    await closed
    await post(alice, id, 'after the removal')
    const again = await connect(url, bob)
    expect(await join(again, `conversation:${id}`)).toEqual({ ok: false, error: 'forbidden' })
    // The catch-up route applies the same rule.
    const missed = await bob.client.get('/api/v1/realtime/events?after=0&limit=200')
    expect(
      (missed.json().data as RealtimeMessage[]).filter(
        (e) => e.room === `conversation:${id}` && e.type === 'message.created',
      ),
    ).toEqual([])
    again.socket.close()
  })

  it('catch-up: 50 messages and 5 edits sent while disconnected arrive exactly once, in order', async () => {
    const id = await channel('channel_public', [bob.id])
    const room = `conversation:${id}`
    const c = await connect(url, bob)
    expect(await join(c, room)).toEqual({ ok: true })
    await post(alice, id, 'm0')
    await until(() => c.events.some((e) => e.type === 'message.created'), 'the first message')
    const last = Math.max(...c.events.map((e) => e.cursor))
    c.socket.close()

    const ids: string[] = []
    for (let i = 1; i <= 50; i++) ids.push(await post(alice, id, `m${i}`))
    for (let i = 1; i <= 5; i++) {
      const res = await alice.client.patch(`/api/v1/conversations/${id}/messages/${ids[i * 10 - 1]}`, {
        body: `m${i * 10} edited`,
      })
      expect(res.statusCode).toBe(200)
    }

    const back = await connect(url, bob)
    expect(await join(back, room)).toEqual({ ok: true })
    const live = await post(alice, id, 'm51')
    await until(() => back.events.some((e) => e.ids.messageId === live), 'the live message')

    const seen = new Map<number, RealtimeMessage>()
    let after = String(last)
    for (;;) {
      const res = await bob.client.get(`/api/v1/realtime/events?after=${after}&limit=20`)
      expect(res.statusCode).toBe(200)
      const page = res.json() as { data: RealtimeMessage[]; nextCursor: string | null }
      for (const e of page.data) seen.set(e.cursor, e)
      if (!page.nextCursor) break
      after = page.nextCursor
    }
    for (const e of back.events) seen.set(e.cursor, e)
    const got = [...seen.values()]
      .filter((e) => e.room === room)
      .sort((a, b) => a.cursor - b.cursor)
      .map((e) => `${e.type}:${e.ids.messageId}`)
    expect(got).toEqual([
      ...ids.map((m) => `message.created:${m}`),
      ...[10, 20, 30, 40, 50].map((n) => `message.updated:${ids[n - 1]}`),
      `message.created:${live}`,
    ])
    // The API's history agrees with what was announced.
    const page = (await bob.client.get(`/api/v1/conversations/${id}/messages?limit=100`)).json()
    expect(page.data).toHaveLength(52)
    expect(page.data[10].body).toBe('m10 edited')
    back.socket.close()
  })
})
