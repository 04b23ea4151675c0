import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/harness.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t?.close())

const invite = (c: ReturnType<TestApp['client']>, key: string, email: string) =>
  c.request({
    method: 'POST',
    url: '/api/v1/invitations',
    payload: { email, role: 'member' },
    headers: { 'idempotency-key': key },
  })

describe('Idempotency-Key on POST', () => {
  it('replays the first result for a retry and does the work once', async () => {
    const owner = await t.user()
    const first = await invite(owner.client, 'retry-1', 'once@example.com')
    expect(first.statusCode).toBe(201)
    const retry = await invite(owner.client, 'retry-1', 'once@example.com')
    expect(retry.statusCode).toBe(201)
    expect(retry.headers['idempotent-replayed']).toBe('true')
    expect(retry.json()).toEqual(first.json())
    const list = (await owner.client.get('/api/v1/invitations')).json().data
    expect(list.filter((i: { email: string }) => i.email === 'once@example.com')).toHaveLength(1)
  })

  it('replays business errors, lets a request that failed validation be fixed, and refuses a reused key', async () => {
    const owner = await t.user()
    expect(
      (await owner.client.post('/api/v1/invitations', { email: 'taken@example.com', role: 'member' }))
        .statusCode,
    ).toBe(201)
    const conflict = await invite(owner.client, 'k-2', 'taken@example.com')
    expect(conflict.statusCode).toBe(409)
    const replay = await invite(owner.client, 'k-2', 'taken@example.com')
    expect(replay.statusCode).toBe(409)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    const other = await invite(owner.client, 'k-2', 'someone@example.com')
    expect(other.statusCode).toBe(422)
    expect(other.json().errors[0].field).toBe('Idempotency-Key')

    expect((await invite(owner.client, 'k-3', 'not-an-email')).statusCode).toBe(400)
    expect((await invite(owner.client, 'k-3', 'fixed@example.com')).statusCode).toBe(201)
  })

  it('keeps keys per user and validates their form', async () => {
    const a = await t.user()
    const b = await t.user()
    expect((await invite(a.client, 'same-key', 'x1@example.com')).statusCode).toBe(201)
    const res = await invite(b.client, 'same-key', 'x1@example.com')
    expect(res.statusCode).toBe(201)
    expect(res.headers['idempotent-replayed']).toBeUndefined()
    expect((await invite(a.client, 'bad key with spaces', 'x2@example.com')).statusCode).toBe(400)
  })

  it('keeps keys per workspace: the same key after switching workspace creates in the new one', async () => {
    const u = await t.user()
    const create = (key: string, name: string) =>
      u.client.request({
        method: 'POST',
        url: '/api/v1/clients',
        payload: { name },
        headers: { 'idempotency-key': key },
      })
    const first = await create('ws-key', 'Scoped Client')
    expect(first.statusCode, first.body).toBe(201)
    const ws2 = await u.client.post('/api/v1/workspaces', {
      name: 'Second',
      slug: `second-${u.id.slice(0, 8)}`,
    })
    expect(ws2.statusCode, ws2.body).toBe(201)
    const second = await create('ws-key', 'Scoped Client')
    expect(second.statusCode).toBe(201)
    expect(second.headers['idempotent-replayed']).toBeUndefined()
    expect(second.json().id).not.toBe(first.json().id)
    const inSecond = (await u.client.get('/api/v1/clients')).json().data
    expect(inSecond.map((c: { id: string }) => c.id)).toEqual([second.json().id])
    // Back in the first workspace the key still replays the first answer.
    await u.client.put('/api/v1/me/active-workspace', { workspaceId: u.workspaceId })
    const again = await create('ws-key', 'Scoped Client')
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.json().id).toBe(first.json().id)
  })

  it('keeps keys per route, and refuses the same key with another body on the same route (422)', async () => {
    const owner = await t.user()
    expect((await invite(owner.client, 'route-key', 'route@example.com')).statusCode).toBe(201)
    const client = await owner.client.request({
      method: 'POST',
      url: '/api/v1/clients',
      payload: { name: 'Route Client' },
      headers: { 'idempotency-key': 'route-key' },
    })
    expect(client.statusCode).toBe(201)
    expect(client.headers['idempotent-replayed']).toBeUndefined()
    const reused = await invite(owner.client, 'route-key', 'other@example.com')
    expect(reused.statusCode).toBe(422)
    expect(reused.headers['content-type']).toContain('application/problem+json')
  })

  it('stores the answer in the same commit as the effect, and lets one of two concurrent duplicates through', async () => {
    const owner = await t.user()
    const [a, b] = await Promise.all([
      invite(owner.client, 'race-1', 'race@example.com'),
      invite(owner.client, 'race-1', 'race@example.com'),
    ])
    const codes = [a.statusCode, b.statusCode].sort()
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(codes)
    const list = (await owner.client.get('/api/v1/invitations')).json().data
    expect(list.filter((i: { email: string }) => i.email === 'race@example.com')).toHaveLength(1)
    const { rows } = await t.database.db.execute<{ status: number }>(
      sql`select status from idempotency_keys where user_id = ${owner.id} and key like '% race-1'`,
    )
    expect(rows.map((r) => r.status)).toEqual([201])
  })

  it('forgets a key after 24 hours', async () => {
    const owner = await t.user()
    expect((await invite(owner.client, 'day-old', 'first@example.com')).statusCode).toBe(201)
    await t.database.db.execute(
      sql`update idempotency_keys set created_at = now() - interval '25 hours' where user_id = ${owner.id}`,
    )
    const reused = await invite(owner.client, 'day-old', 'second@example.com')
    expect(reused.statusCode).toBe(201)
    expect(reused.headers['idempotent-replayed']).toBeUndefined()
    expect(reused.json().email).toBe('second@example.com')
  })

  it('runs every request without a key', async () => {
    const owner = await t.user()
    expect(
      (await owner.client.post('/api/v1/invitations', { email: 'dup@example.com', role: 'member' }))
        .statusCode,
    ).toBe(201)
    expect(
      (await owner.client.post('/api/v1/invitations', { email: 'dup@example.com', role: 'member' }))
        .statusCode,
    ).toBe(409)
  })
})
