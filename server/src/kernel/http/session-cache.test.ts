import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/harness.ts'
import { users } from '../auth/schema.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ SESSION_CACHE_MS: '400' })
})
afterAll(() => t?.close())

describe('session cache', () => {
  it('applies a sign-out to the very next request', async () => {
    const u = await t.user()
    const copy = t.client()
    for (const [k, v] of u.client.cookies) copy.cookies.set(k, v)
    expect((await copy.get('/api/v1/me')).statusCode).toBe(200)
    await u.client.post('/api/auth/sign-out', {})
    expect((await copy.get('/api/v1/me')).statusCode).toBe(401)
  })

  it('applies a removal from the workspace to the very next request', async () => {
    const owner = await t.user()
    const member = await t.user({ workspace: false })
    const inv = await owner.client.post('/api/v1/invitations', { email: member.email, role: 'member' })
    expect(inv.statusCode).toBe(201)
    const mail = await t.mail(member.email, /invited you/)
    const token = mail.link!.split('/invite/')[1]!
    expect((await member.client.post(`/api/v1/invitation-tokens/${token}/accept`)).statusCode).toBe(200)
    const members = (await owner.client.get('/api/v1/members')).json().data as {
      id: string
      userId: string
    }[]
    expect((await member.client.get('/api/v1/members')).statusCode).toBe(200)
    const mine = members.find((m) => m.userId === member.id)!
    expect((await owner.client.del(`/api/v1/members/${mine.id}`)).statusCode).toBe(204)
    expect((await member.client.get('/api/v1/members')).statusCode).toBe(409)
  })

  it('sees changes made outside the HTTP API once the cache time has passed', async () => {
    const u = await t.user()
    expect((await u.client.get('/api/v1/me')).json().user.name).not.toBe('Renamed Elsewhere')
    await t.database.db.update(users).set({ name: 'Renamed Elsewhere' }).where(eq(users.id, u.id))
    await new Promise((r) => setTimeout(r, 450))
    expect((await u.client.get('/api/v1/me')).json().user.name).toBe('Renamed Elsewhere')
  })
})
