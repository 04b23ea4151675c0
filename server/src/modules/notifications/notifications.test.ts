import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { and, eq, sql } from 'drizzle-orm'
import { io as connectClient } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_URL, createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { mailMessages } from '../../kernel/mail/schema.ts'
import type { RealtimeMessage } from '../../kernel/realtime/index.ts'
import { realtimeServer } from '../../kernel/realtime/routes.ts'
import { realtimeEvents } from '../../kernel/realtime/schema.ts'
import { memberships, withWorkspace } from '../../kernel/tenancy/index.ts'
import { runDigest } from './delivery.ts'
import { notify, notifyContextOf, registerNotificationType } from './index.ts'
import { buildPushRequest } from './push.ts'
import { notificationType } from './registry.ts'
import { notifications } from './schema.ts'

declare module './index.ts' {
  interface NotificationTypes {
    'test.ping': { n: number }
    'test.chat': { n: number }
    'test.bad_link': { to: string }
  }
}

registerNotificationType({
  type: 'test.ping',
  module: 'test',
  label: 'A test ping',
  render: (p) => ({ title: `Ping ${p.n}`, summary: `Summary ${p.n}` }),
  link: (p) => `/pings/${p.n}`,
  defaults: { in_app: true, email: true, push: false },
})
registerNotificationType({
  type: 'test.chat',
  module: 'test',
  label: 'A test chat',
  render: (p) => ({ title: `Chat ${p.n}`, summary: '' }),
  link: () => null,
  defaults: { in_app: true, email: true, push: false },
  emailWhenOffline: true,
})

registerNotificationType({
  type: 'test.bad_link',
  module: 'test',
  label: 'A link that leaves the app',
  render: () => ({ title: 'Bad link', summary: '' }),
  link: (p) => p.to,
  defaults: { in_app: true, email: false, push: false },
})

let t: TestApp
let owner: TestUser
let member: TestUser
let outsider: TestUser
let ws: string
let seq = 0

const ping = (
  to: string[],
  opts: { key?: string; actor?: string; type?: 'test.ping' | 'test.chat' } = {},
) => {
  const n = ++seq
  return notify(
    notifyContextOf(t.kernel, { workspaceId: ws }, opts.actor ?? owner.id),
    to,
    opts.type ?? 'test.ping',
    { n },
    {
      key: opts.key ?? `k${n}`,
    },
  )
}

const rowsFor = (userId: string) =>
  withWorkspace({ db: t.database.db, workspaceId: ws }, (tx) =>
    tx.select().from(notifications).where(eq(notifications.recipientId, userId)),
  )

async function until<T>(fn: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn()
    if (v) return v
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const mailsTo = async (to: string) => t.database.db.select().from(mailMessages).where(eq(mailMessages.to, to))

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Notify Co', name: 'Olive Owner' })
  member = await t.user({ workspace: false, name: 'Mia Member' })
  outsider = await t.user({ workspace: 'Elsewhere', name: 'Out Sider' })
  ws = owner.workspaceId as string
  await t.database.db.insert(memberships).values({ workspaceId: ws, userId: member.id, role: 'member' })
  await member.client.put('/api/v1/me/active-workspace', { workspaceId: ws })
})
afterAll(() => t?.close())

describe('notify', () => {
  it('stores one row per member recipient, never for the actor or a non-member, and is idempotent by key', async () => {
    const ids = await ping([member.id, owner.id, outsider.id], { key: 'same' })
    expect(ids).toHaveLength(1)
    expect(await ping([member.id], { key: 'same' })).toEqual([])
    const rows = await rowsFor(member.id)
    expect(rows.map((r) => r.dedupeKey)).toEqual(['same'])
    expect(await rowsFor(owner.id)).toEqual([])
    expect(await rowsFor(outsider.id)).toEqual([])
    // The badge moves: a realtime event to the member's room in the same transaction.
    const events = await withWorkspace({ db: t.database.db, workspaceId: ws }, (tx) =>
      tx.select().from(realtimeEvents).where(eq(realtimeEvents.type, 'notification.created')),
    )
    expect(events.map((e) => [e.room, e.payload])).toContainEqual([
      `user:${member.id}`,
      { notificationId: ids[0] },
    ])
  })

  it('writes amounts with their currency’s own digits (JPY 0, BHD 3)', () => {
    const paid = (total: number, currency: string) =>
      notificationType('invoice.paid')!.render({
        documentId: 'inv_1',
        clientId: 'cli_1',
        number: 'INV-1',
        total,
        balance: 0,
        currency,
      }).summary
    expect(paid(1250, 'JPY')).toBe('¥1,250 received.')
    expect(paid(1250, 'BHD')).toMatch(/^BHD\s1\.250 received\.$/)
    expect(paid(1250, 'EUR')).toBe('€12.50 received.')
  })

  it('keeps only links inside the app', async () => {
    const ctx = notifyContextOf(t.kernel, { workspaceId: ws }, owner.id)
    for (const [i, to] of [
      'javascript:alert(1)',
      '//evil.example/x',
      'https://evil.example',
      '/\\evil',
    ].entries())
      await notify(ctx, [member.id], 'test.bad_link', { to }, { key: `bad${i}` })
    await notify(ctx, [member.id], 'test.bad_link', { to: '/clients/x' }, { key: 'good' })
    const rows = (await rowsFor(member.id)).filter((r) => r.type === 'test.bad_link')
    expect(rows.map((r) => [r.dedupeKey, r.link]).sort()).toEqual([
      ['bad0', null],
      ['bad1', null],
      ['bad2', null],
      ['bad3', null],
      ['good', '/clients/x'],
    ])
  })

  it('refuses an unregistered type and needs the event’s workspace', async () => {
    await expect(
      notify(
        notifyContextOf(t.kernel, { workspaceId: ws }),
        [member.id],
        'nope' as 'test.ping',
        { n: 1 },
        { key: 'x' },
      ),
    ).rejects.toThrow(/not registered/)
    expect(() => notifyContextOf(t.kernel, { workspaceId: null })).toThrow()
  })
})

describe('routes', () => {
  it('lists newest first with a cursor, filters unread, counts, marks one and all read', async () => {
    const fresh = await t.user({ workspace: false, name: 'Fay Fresh' })
    await t.database.db.insert(memberships).values({ workspaceId: ws, userId: fresh.id, role: 'member' })
    await fresh.client.put('/api/v1/me/active-workspace', { workspaceId: ws })
    for (let i = 0; i < 5; i++) await ping([fresh.id])
    const first = await fresh.client.get('/api/v1/notifications?limit=3')
    expect(first.statusCode, first.body).toBe(200)
    const p1 = first.json()
    expect(p1.data).toHaveLength(3)
    expect(p1.data[0].title).toBe(`Ping ${seq}`)
    expect(p1.data[0].link).toBe(`/pings/${seq}`)
    expect(p1.data[0].readAt).toBeNull()
    const p2 = (await fresh.client.get(`/api/v1/notifications?limit=3&cursor=${p1.nextCursor}`)).json()
    expect(p2.data).toHaveLength(2)
    expect(p2.nextCursor).toBeNull()
    expect(new Set([...p1.data, ...p2.data].map((n: { id: string }) => n.id)).size).toBe(5)
    expect((await fresh.client.get('/api/v1/notifications/unread-count')).json()).toEqual({ unread: 5 })

    const one = await fresh.client.post(`/api/v1/notifications/${p1.data[0].id}/read`)
    expect(one.statusCode, one.body).toBe(200)
    expect(one.json().readAt).toEqual(expect.any(String))
    expect((await fresh.client.post(`/api/v1/notifications/${p1.data[0].id}/read`)).json().readAt).toBe(
      one.json().readAt,
    )
    expect((await fresh.client.get('/api/v1/notifications/unread-count')).json()).toEqual({ unread: 4 })
    const unread = (await fresh.client.get('/api/v1/notifications?unread=true')).json()
    expect(unread.data.map((n: { id: string }) => n.id)).not.toContain(p1.data[0].id)
    expect(unread.data).toHaveLength(4)

    const all = await fresh.client.post('/api/v1/notifications/read-all')
    expect(all.json()).toEqual({ marked: 4 })
    expect((await fresh.client.get('/api/v1/notifications/unread-count')).json()).toEqual({ unread: 0 })
    const reads = await withWorkspace({ db: t.database.db, workspaceId: ws }, (tx) =>
      tx
        .select()
        .from(realtimeEvents)
        .where(
          and(eq(realtimeEvents.type, 'notification.read'), eq(realtimeEvents.room, `user:${fresh.id}`)),
        ),
    )
    expect(reads).toHaveLength(2)
  })

  it('another member’s or another workspace’s notification is 404, and lists show only your own', async () => {
    const [id] = await ping([member.id])
    expect((await owner.client.post(`/api/v1/notifications/${id}/read`)).statusCode).toBe(404)
    expect((await outsider.client.post(`/api/v1/notifications/${id}/read`)).statusCode).toBe(404)
    expect(
      (await owner.client.get('/api/v1/notifications')).json().data.map((n: { id: string }) => n.id),
    ).not.toContain(id)
    expect((await outsider.client.get('/api/v1/notifications')).json().data).toEqual([])
    expect((await outsider.client.post('/api/v1/notifications/read-all')).json()).toEqual({ marked: 0 })
    const [row] = (await rowsFor(member.id)).filter((r) => r.id === id)
    expect(row?.readAt).toBeNull()
    expect((await member.client.post(`/api/v1/notifications/ntf_${'0'.repeat(32)}/read`)).statusCode).toBe(
      404,
    )
    expect((await member.client.post('/api/v1/notifications/nope/read')).statusCode).toBe(400)
  })

  it('needs a session', async () => {
    for (const url of [
      '/api/v1/notifications',
      '/api/v1/notifications/unread-count',
      '/api/v1/notifications/preferences',
    ])
      expect((await t.client().get(url)).statusCode).toBe(401)
    expect((await t.client().post('/api/v1/notifications/read-all')).statusCode).toBe(401)
  })
})

describe('preferences', () => {
  it('answers every type with defaults, and saves per type × channel and the digest', async () => {
    const u = await t.user({ workspace: false })
    await t.database.db.insert(memberships).values({ workspaceId: ws, userId: u.id, role: 'member' })
    await u.client.put('/api/v1/me/active-workspace', { workspaceId: ws })
    const res = await u.client.get('/api/v1/notifications/preferences')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.digest).toBe('immediately')
    expect(body.updatedAt).toBeNull()
    const types = body.types.map((x: { type: string }) => x.type)
    for (const ty of [
      'mention',
      'direct_message',
      'invoice.paid',
      'invoice.viewed',
      'invoice.overdue',
      'client.assigned',
      'test.ping',
    ])
      expect(types).toContain(ty)
    const mention = body.types.find((x: { type: string }) => x.type === 'mention')
    expect(mention).toMatchObject({ emailWhenOffline: true, channels: mention.defaults })

    const saved = await u.client.put('/api/v1/notifications/preferences', {
      digest: 'daily',
      channels: { 'test.ping': { email: false }, mention: { push: false } },
    })
    expect(saved.statusCode, saved.body).toBe(200)
    const again = (await u.client.get('/api/v1/notifications/preferences')).json()
    expect(again.digest).toBe('daily')
    expect(again.types.find((x: { type: string }) => x.type === 'test.ping').channels).toEqual({
      in_app: true,
      email: false,
      push: false,
    })
    expect(again.types.find((x: { type: string }) => x.type === 'mention').channels.push).toBe(false)
    // Another member keeps the defaults.
    const other = (await member.client.get('/api/v1/notifications/preferences')).json()
    expect(other.types.find((x: { type: string }) => x.type === 'mention').channels.push).toBe(true)

    const bad = await u.client.put('/api/v1/notifications/preferences', {
      channels: { 'no.such': { email: true } },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toMatch(/channels.no.such/)
    expect((await u.client.put('/api/v1/notifications/preferences', { digest: 'weekly' })).statusCode).toBe(
      400,
    )
  })

  it('in-app off stores nothing; email off sends no mail', async () => {
    const u = await t.user({ workspace: false })
    await t.database.db.insert(memberships).values({ workspaceId: ws, userId: u.id, role: 'member' })
    await u.client.put('/api/v1/me/active-workspace', { workspaceId: ws })
    await u.client.put('/api/v1/notifications/preferences', { channels: { 'test.ping': { in_app: false } } })
    expect(await ping([u.id])).toEqual([])
    expect(await rowsFor(u.id)).toEqual([])

    await u.client.put('/api/v1/notifications/preferences', {
      channels: { 'test.ping': { in_app: true, email: false } },
    })
    const [id] = await ping([u.id])
    const [row] = await rowsFor(u.id)
    expect(row?.id).toBe(id)
    expect(row?.emailStatus).toBeNull()
    await runDigest({ db: t.database.db, jobs: t.kernel.jobs, appUrl: 'http://x' }, ['immediately'])
    await new Promise((r) => setTimeout(r, 200))
    expect(await mailsTo(u.email)).toEqual([])
  })
})

describe('email', () => {
  it('sends at once by default, branded with the workspace name, linking to the source', async () => {
    const u = await t.user({ workspace: false, name: 'Ed Email' })
    await t.database.db.insert(memberships).values({ workspaceId: ws, userId: u.id, role: 'member' })
    await ping([u.id])
    const mail = await t.mail(u.email, /Ping/)
    expect(mail.subject).toBe(`Ping ${seq} – Notify Co`)
    expect(mail.text).toContain(`/pings/${seq}`)
    expect(mail.text).toContain('Hello Ed Email')
    const [row] = await rowsFor(u.id)
    expect(row?.emailStatus).toBe('sent')
  })

  it('hourly digest: several notifications in one email, and a second run sends nothing', async () => {
    const u = await t.user({ workspace: false, name: 'Dee Digest' })
    await t.database.db.insert(memberships).values({ workspaceId: ws, userId: u.id, role: 'member' })
    await u.client.put('/api/v1/me/active-workspace', { workspaceId: ws })
    await u.client.put('/api/v1/notifications/preferences', { digest: 'hourly' })
    await ping([u.id])
    await ping([u.id])
    await ping([u.id])
    expect((await rowsFor(u.id)).map((r) => r.emailStatus)).toEqual(['pending', 'pending', 'pending'])
    const deps = { db: t.database.db, jobs: t.kernel.jobs, appUrl: 'http://localhost:3000' }
    expect(await runDigest(deps, ['daily'])).toBe(0)
    const [first, second] = await Promise.all([runDigest(deps, ['hourly']), runDigest(deps, ['hourly'])])
    expect((first ?? 0) + (second ?? 0)).toBe(3)
    expect(await runDigest(deps, ['hourly'])).toBe(0)
    const mail = await t.mail(u.email, /3 new notifications/)
    expect(mail.text).toContain(`Ping ${seq - 2}`)
    expect(mail.text).toContain(`Ping ${seq}`)
    await new Promise((r) => setTimeout(r, 300))
    expect(await mailsTo(u.email)).toHaveLength(1)
    expect((await rowsFor(u.id)).map((r) => r.emailStatus)).toEqual(['sent', 'sent', 'sent'])
  })

  it('emailWhenOffline: a member active in the last minutes gets no email; one away for a while does', async () => {
    const u = await t.user({ workspace: false })
    await t.database.db.insert(memberships).values({ workspaceId: ws, userId: u.id, role: 'member' })
    await t.database.db.execute(sql`update sessions set last_seen_at = now() where user_id = ${u.id}`)
    await ping([u.id], { type: 'test.chat' })
    await t.database.db.execute(
      sql`update sessions set last_seen_at = now() - interval '1 hour' where user_id = ${u.id}`,
    )
    await ping([u.id], { type: 'test.chat' })
    const rows = (await rowsFor(u.id)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    expect(rows.map((r) => r.emailStatus)[0]).toBe('skipped')
    await t.mail(u.email, /Chat/)
    expect(await mailsTo(u.email)).toHaveLength(1)
  })
})

describe('web push', () => {
  const browser = createECDH('prime256v1')
  browser.generateKeys()
  const authSecret = randomBytes(16)
  const endpoint = 'https://push.example.net/send/abc123'
  const sub = {
    endpoint,
    keys: { p256dh: browser.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') },
  }

  it('subscribes and unsubscribes a device; the public key is served', async () => {
    const key = await member.client.get('/api/v1/notifications/push/key')
    expect(key.statusCode).toBe(200)
    expect(key.json().publicKey).toBe(t.kernel.config.push.publicKey)
    const created = await member.client.post('/api/v1/notifications/push/subscriptions', sub)
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json().endpoint).toBe(endpoint)
    expect(
      (
        await member.client.post('/api/v1/notifications/push/subscriptions', {
          ...sub,
          endpoint: 'http://plain.example',
        })
      ).statusCode,
    ).toBe(400)
    expect((await owner.client.post('/api/v1/notifications/push/unsubscribe', { endpoint })).statusCode).toBe(
      404,
    )
    expect(
      (await member.client.post('/api/v1/notifications/push/unsubscribe', { endpoint })).statusCode,
    ).toBe(204)
    expect(
      (await member.client.post('/api/v1/notifications/push/unsubscribe', { endpoint })).statusCode,
    ).toBe(404)
  })

  it('builds a VAPID-signed, aes128gcm-encrypted request the browser can decrypt', async () => {
    const push = t.kernel.config.push
    const payload = { id: 'ntf_1', title: 'Hello', body: 'World', url: null, tag: 'ntf_1' }
    const req = await buildPushRequest(push, sub, payload)
    expect(req.method).toBe('POST')
    expect(req.endpoint).toBe(endpoint)
    const h = req.headers as Record<string, string>
    expect(h['Content-Encoding']).toBe('aes128gcm')
    expect(String(h.TTL)).toBe(String(24 * 60 * 60))
    // Authorization: vapid t=<JWT signed ES256 by the server key>, k=<server public key>
    const m = /^vapid t=([^,]+), k=(.+)$/.exec(h.Authorization ?? '')
    expect(m?.[2]).toBe(push.publicKey)
    const [hd, claims, sig] = m![1]!.split('.')
    const jwt = JSON.parse(Buffer.from(claims!, 'base64url').toString())
    expect(jwt.aud).toBe('https://push.example.net')
    expect(jwt.sub).toBe(push.subject)
    expect(jwt.exp * 1000).toBeGreaterThan(Date.now())
    const pub = Buffer.from(push.publicKey, 'base64url')
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: pub.subarray(1, 33).toString('base64url'),
      y: pub.subarray(33).toString('base64url'),
    }
    const ok = verify(
      'sha256',
      Buffer.from(`${hd}.${claims}`),
      { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
      Buffer.from(sig!, 'base64url'),
    )
    expect(ok).toBe(true)

    // RFC 8291 decryption with the browser's private key and auth secret.
    const body = req.body as Buffer
    const salt = body.subarray(0, 16)
    const idlen = body[20]!
    const serverKey = body.subarray(21, 21 + idlen)
    const cipher = body.subarray(21 + idlen)
    const shared = browser.computeSecret(serverKey)
    const info = Buffer.concat([Buffer.from('WebPush: info\0'), browser.getPublicKey(), serverKey])
    const ikm = Buffer.from(hkdfSync('sha256', shared, authSecret, info, 32))
    const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16))
    const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12))
    const d = createDecipheriv('aes-128-gcm', cek, nonce)
    d.setAuthTag(cipher.subarray(cipher.length - 16))
    const plain = Buffer.concat([d.update(cipher.subarray(0, cipher.length - 16)), d.final()])
    const end = plain.lastIndexOf(2)
    expect(JSON.parse(plain.subarray(0, end).toString())).toEqual(payload)
  })
})

describe('first types, from domain events', () => {
  it('a direct message notifies the other participant; a mention in a channel notifies the member named', async () => {
    const list = async () =>
      (await member.client.get('/api/v1/notifications')).json().data as {
        type: string
        link: string
        title: string
        payload: { messageId: string }
      }[]
    const direct = await owner.client.post('/api/v1/conversations/direct', { userId: member.id })
    expect([200, 201], direct.body).toContain(direct.statusCode)
    const dm = await owner.client.post(`/api/v1/conversations/${direct.json().id}/messages`, {
      body: 'hello there',
    })
    expect(dm.statusCode, dm.body).toBe(201)
    const dmId = dm.json().id as string
    const got = await until(
      async () => (await list()).find((n) => n.type === 'direct_message' && n.payload.messageId === dmId),
      'the direct_message notification',
    )
    expect(got.title).toBe('New message from Olive Owner')
    expect(got.link).toBe(`/messages?c=${direct.json().id}&m=${dmId}`)

    const channel = await owner.client.post('/api/v1/conversations', {
      kind: 'channel_public',
      name: `general-${seq}`,
      memberIds: [member.id],
    })
    expect(channel.statusCode, channel.body).toBe(201)
    const said = await owner.client.post(`/api/v1/conversations/${channel.json().id}/messages`, {
      body: 'see this @"Mia Member"',
    })
    expect(said.statusCode, said.body).toBe(201)
    const mention = await until(
      async () => (await list()).find((n) => n.type === 'mention' && n.payload.messageId === said.json().id),
      'the mention notification',
    )
    expect(mention.title).toBe('Olive Owner mentioned you')
    // A channel message that names no one queues no notification job at all; the mention did.
    const plain = await owner.client.post(`/api/v1/conversations/${channel.json().id}/messages`, {
      body: 'nothing for anyone',
    })
    expect(plain.statusCode, plain.body).toBe(201)
    const { rows: queued } = await t.database.db.execute<{ id: string }>(
      `select data->'payload'->>'messageId' as id from pgboss.job_common
        where name = 'event.notifications.message-created' and data->'payload'->>'conversationId' = '${channel.json().id}'`,
    )
    expect(queued.map((r) => r.id)).toEqual([said.json().id])
    // The author is never notified of their own message.
    const mine = (await owner.client.get('/api/v1/notifications')).json().data as { type: string }[]
    expect(mine.filter((n) => n.type === 'mention' || n.type === 'direct_message')).toEqual([])
  })

  it('@channel notifies every participant of a channel except those who muted it; the author never', async () => {
    const third = await t.user({ workspace: false, name: 'Theo Third' })
    await t.database.db.insert(memberships).values({ workspaceId: ws, userId: third.id, role: 'member' })
    await third.client.put('/api/v1/me/active-workspace', { workspaceId: ws })
    const channel = await owner.client.post('/api/v1/conversations', {
      kind: 'channel_private',
      name: `all-hands-${seq}`,
      memberIds: [member.id, third.id],
    })
    expect(channel.statusCode, channel.body).toBe(201)
    const id = channel.json().id as string
    expect((await third.client.post(`/api/v1/conversations/${id}/mute`, { muted: true })).statusCode).toBe(
      200,
    )
    const said = await owner.client.post(`/api/v1/conversations/${id}/messages`, {
      body: 'standup now @channel',
    })
    expect(said.statusCode, said.body).toBe(201)
    const messageId = said.json().id as string
    type N = { type: string; title: string; payload: { messageId: string } }
    const mine = async (u: TestUser) =>
      ((await u.client.get('/api/v1/notifications')).json().data as N[]).filter(
        (n) => n.payload?.messageId === messageId,
      )
    const got = await until(async () => (await mine(member))[0], 'the @channel mention')
    expect(got).toMatchObject({ type: 'mention', title: 'Olive Owner mentioned everyone' })
    // The handler ran for the member: the muted participant and the author got nothing from it.
    expect(await mine(third)).toEqual([])
    expect(await mine(owner)).toEqual([])
  })

  it('a client assigned to a member notifies that member (client.created → client.assigned)', async () => {
    const res = await owner.client.post('/api/v1/clients', { name: 'Assigned Ltd', assigneeIds: [member.id] })
    expect(res.statusCode, res.body).toBe(201)
    const clientId = res.json().id
    const found = await until(async () => {
      const list = (await member.client.get('/api/v1/notifications')).json().data as {
        type: string
        link: string
        title: string
      }[]
      return list.find((n) => n.type === 'client.assigned' && n.link === `/clients/${clientId}`)
    }, 'the client.assigned notification')
    expect(found.title).toBe('Assigned Ltd is assigned to you')
  })

  it('a bulk assignment notifies the member once per client it gave them, from one grouped event job', async () => {
    const ids: string[] = []
    for (const name of ['Bulk One', 'Bulk Two', 'Bulk Three']) {
      const res = await owner.client.post('/api/v1/clients', { name })
      expect(res.statusCode, res.body).toBe(201)
      ids.push(res.json().id)
    }
    const bulk = await owner.client.post('/api/v1/clients/bulk', {
      action: 'assign',
      userId: member.id,
      ids: ids.slice(0, 2),
    })
    expect(bulk.statusCode, bulk.body).toBe(200)
    const { rows } = await t.database.db.execute<{ n: number; events: number }>(
      sql`select count(*)::int as n, max(jsonb_array_length(data->'payloads'))::int as events
          from pgboss.job_common where name = 'event.notifications.client-updated'
            and data->'payloads'->0->>'clientId' = ${ids[0]}`,
    )
    expect(rows[0]).toEqual({ n: 1, events: 2 })
    const got = await until(async () => {
      const list = (await member.client.get('/api/v1/notifications')).json().data as { link: string }[]
      const links = list.map((n) => n.link).filter((l) => ids.some((id) => l === `/clients/${id}`))
      return links.length === 2 ? links : undefined
    }, 'two client.assigned notifications')
    expect(got.sort()).toEqual(
      ids
        .slice(0, 2)
        .map((id) => `/clients/${id}`)
        .sort(),
    )
    // An update that gives the client to no one (a new name) queues nothing for this subscriber.
    const renamed = await owner.client.patch(`/api/v1/clients/${ids[2]}`, { name: 'Bulk Three Renamed' })
    expect(renamed.statusCode, renamed.body).toBe(200)
    const { rows: queued } = await t.database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from pgboss.job_common where name = 'event.notifications.client-updated'
            and (data->'payload'->>'clientId' = ${ids[2]} or data->'payloads' @> ${JSON.stringify([{ clientId: ids[2] }])}::jsonb)`,
    )
    expect(queued[0]!.n).toBe(0)
  })

  it('an accepted invitation notifies its inviter; a role change notifies the member, not the one who changed it', async () => {
    const email = `joiner-${Date.now()}@example.com`
    const sent = await owner.client.post('/api/v1/invitations', { email, role: 'member' })
    expect(sent.statusCode, sent.body).toBe(201)
    const link = (await t.mail(email, /invited you/)).link!
    const token = link.slice(link.lastIndexOf('/') + 1)
    const joiner = await t.user({ email, workspace: false, name: 'Jo Joiner' })
    const accepted = await joiner.client.post(`/api/v1/invitation-tokens/${token}/accept`)
    expect(accepted.statusCode, accepted.body).toBe(200)
    const joined = await until(async () => {
      const list = (await owner.client.get('/api/v1/notifications')).json().data as {
        type: string
        title: string
      }[]
      return list.find(
        (n) => n.type === 'invitation.accepted' && n.title === 'Jo Joiner joined the workspace',
      )
    }, 'the invitation.accepted notification')
    expect(joined).toMatchObject({ link: '/settings/members' })

    const members = (await owner.client.get('/api/v1/members?limit=200')).json().data as {
      id: string
      userId: string
    }[]
    const m = members.find((x) => x.userId === joiner.id)!
    const changed = await owner.client.patch(`/api/v1/members/${m.id}`, { role: 'admin' })
    expect(changed.statusCode, changed.body).toBe(200)
    await joiner.client.put('/api/v1/me/active-workspace', { workspaceId: ws })
    const role = await until(async () => {
      const list = (await joiner.client.get('/api/v1/notifications')).json().data as {
        type: string
        title: string
      }[]
      return list.find((n) => n.type === 'member.role_changed')
    }, 'the member.role_changed notification')
    expect(role.title).toBe('You are now an admin of the workspace')
    const ownerList = (await owner.client.get('/api/v1/notifications')).json().data as { type: string }[]
    expect(ownerList.filter((n) => n.type === 'member.role_changed')).toEqual([])
  })
})

describe('realtime badge', () => {
  it('a new notification and its reading reach the recipient’s sockets, and nobody else’s', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    await realtimeServer(t.app)
    const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
    const open = async (u: TestUser) => {
      const socket = connectClient(url, {
        path: '/socket.io/',
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: {
          origin: APP_URL,
          cookie: [...u.client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      })
      const events: RealtimeMessage[] = []
      socket.on('event', (e: RealtimeMessage) => events.push(e))
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve())
        socket.once('connect_error', reject)
      })
      return { socket, events }
    }
    const mine = await open(member)
    const theirs = await open(owner)
    try {
      const [id] = await ping([member.id])
      // Earlier tests' notifications may still be dispatched to these users: look for this one's events.
      const about = (events: RealtimeMessage[], type: string) =>
        events.find((e) => e.type === type && e.ids.notificationId === id)
      await until(async () => about(mine.events, 'notification.created'), 'the created event')
      expect(about(mine.events, 'notification.created')?.room).toBe(`user:${member.id}`)
      expect((await member.client.post(`/api/v1/notifications/${id}/read`)).statusCode).toBe(200)
      await until(async () => about(mine.events, 'notification.read'), 'the read event')
      expect(theirs.events.filter((e) => e.ids.notificationId === id)).toEqual([])
    } finally {
      mine.socket.close()
      theirs.socket.close()
    }
  })
})
