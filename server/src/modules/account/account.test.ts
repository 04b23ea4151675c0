import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/harness.ts'
import { createUser } from '../../db/seed.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ SESSION_CACHE_MS: '0' })
})
afterAll(() => t?.close())

describe('GET /api/v1/me', () => {
  it('refuses anonymous callers with a problem', async () => {
    const res = await t.client().get('/api/v1/me')
    expect(res.statusCode).toBe(401)
    expect(res.headers['content-type']).toContain('application/problem+json')
  })

  it('returns the user, their workspaces and permissions', async () => {
    const u = await t.user({ workspace: 'Acme' })
    const res = await u.client.get('/api/v1/me')
    expect(res.statusCode).toBe(200)
    const me = res.json()
    expect(me.user.email).toBe(u.email)
    expect(me.activeWorkspace).toMatchObject({ id: u.workspaceId, name: 'Acme', role: 'owner' })
    expect(me.permissions).toContain('members:write')
  })
})

describe('sessions: last seen and cookies', () => {
  it('moves "last seen" forward when a session is used again', async () => {
    const u = await t.user()
    const laptop = t.client()
    await laptop.signIn(u.email, u.password)
    await t.database.db.execute(
      sql`update sessions set last_seen_at = now() - interval '2 hours' where user_id = ${u.id}`,
    )
    const ages = async () =>
      (
        (await u.client.get('/api/v1/me/sessions')).json().data as { current: boolean; lastSeenAt: string }[]
      ).map((s) => ({ current: s.current, age: Date.now() - Date.parse(s.lastSeenAt) }))
    const before = (await ages()).find((s) => !s.current)!
    expect(before.age).toBeGreaterThan(60 * 60 * 1000)
    await laptop.get('/api/v1/members')
    const after = (await ages()).find((s) => !s.current)!
    expect(after.age).toBeLessThan(60 * 1000)
  })

  it('sets HttpOnly, SameSite=Lax cookies, and Secure ones behind https', async () => {
    const u = await t.user()
    const plain = String((await t.client().signIn(u.email, u.password)).headers['set-cookie'])
    expect(plain).toMatch(/HttpOnly/i)
    expect(plain).toMatch(/SameSite=Lax/i)
    expect(plain).not.toMatch(/Secure/i)

    const origin = 'https://atrium.example.com'
    const tls = await createTestApp({ APP_URL: origin })
    try {
      await createUser(tls.database, { email: 'tls@example.com', name: 'TLS', password: 'a long password' })
      const res = await tls.client().request({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        headers: { origin },
        payload: { email: 'tls@example.com', password: 'a long password' },
      })
      expect(res.statusCode).toBe(200)
      const cookie = String(res.headers['set-cookie'])
      expect(cookie).toMatch(/^__Secure-atrium\.session_token=/)
      expect(cookie).toMatch(/; Secure/i)
      expect(cookie).toMatch(/HttpOnly/i)
      const signedIn = tls.client()
      for (const c of res.cookies as { name: string; value: string }[]) signedIn.cookies.set(c.name, c.value)
      const foreign = await signedIn.request({
        method: 'POST',
        url: '/api/auth/two-factor/enable',
        headers: { origin: 'https://evil.example.net' },
        payload: { password: 'a long password' },
      })
      expect(foreign.statusCode).toBe(403)
    } finally {
      await tls.close()
    }
  })
})

describe('PATCH /api/v1/me', () => {
  it('renames the user and audits the change in their workspace', async () => {
    const u = await t.user({ name: 'Old Name' })
    const res = await u.client.patch('/api/v1/me', { name: 'New Name' })
    expect(res.statusCode).toBe(200)
    expect(res.json().user.name).toBe('New Name')
    const entries = (await u.client.get('/api/v1/audit-logs?action=user.updated')).json().data
    expect(entries).toHaveLength(1)
    expect(entries[0].changes).toEqual({ before: { name: 'Old Name' }, after: { name: 'New Name' } })
    const bad = await u.client.patch('/api/v1/me', { name: '' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].field).toBe('name')
  })
})
