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
