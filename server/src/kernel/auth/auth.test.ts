import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totp } from '../../../../e2e/totp.ts'
import { createTestApp, pathOf, type TestApp } from '../../../test/harness.ts'
import { verifications } from './schema.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t?.close())

const password = 'correct horse battery staple'

async function signUp(email: string) {
  const c = t.client()
  const res = await c.post('/api/auth/sign-up/email', {
    name: 'New Person',
    email,
    password,
    callbackURL: '/verify-email',
  })
  expect(res.statusCode).toBe(200)
  return c
}

async function auditActions(workspaceOwner: { client: ReturnType<TestApp['client']> }, action: string) {
  const res = await workspaceOwner.client.get(`/api/v1/audit-logs?action=${action}`)
  expect(res.statusCode).toBe(200)
  return res.json().data as { action: string; changes: { after: Record<string, unknown> | null } }[]
}

describe('sign-up and email verification', () => {
  it('sends a verification email whose link verifies and signs the user in', async () => {
    const c = await signUp('verify-me@example.com')
    expect((await c.get('/api/v1/me')).statusCode).toBe(401)
    const mail = await t.mail('verify-me@example.com', /Verify your email/)
    expect(mail.link).toContain('/api/auth/verify-email?token=')
    const res = await c.get(pathOf(mail.link!))
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toBe('/verify-email')
    const me = await c.get('/api/v1/me')
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({
      user: { email: 'verify-me@example.com', emailVerified: true },
      activeWorkspace: null,
    })
  })

  it('refuses to sign in an unverified user', async () => {
    await signUp('unverified@example.com')
    const res = await t.client().signIn('unverified@example.com', password)
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('EMAIL_NOT_VERIFIED')
  })

  it('rejects a tampered verification token', async () => {
    const c = t.client()
    const res = await c.get('/api/auth/verify-email?token=not-a-token&callbackURL=/verify-email')
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toContain('error=')
    expect((await c.get('/api/v1/me')).statusCode).toBe(401)
  })

  it('rejects a short password with the field at fault', async () => {
    const res = await t
      .client()
      .post('/api/auth/sign-up/email', { name: 'X', email: 'short@example.com', password: 'short' })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('PASSWORD_TOO_SHORT')
  })
})

describe('sign-in', () => {
  it('signs in with the right password and records it in the audit log', async () => {
    const u = await t.user()
    const entries = await auditActions(u, 'auth.sign_in')
    expect(entries.some((e) => e.action === 'auth.sign_in' && e.changes.after?.method === 'password')).toBe(
      true,
    )
  })

  it('refuses a wrong password and audits the failure', async () => {
    const u = await t.user()
    const res = await t.client().signIn(u.email, 'wrong password!!')
    expect(res.statusCode).toBe(401)
    const failures = await auditActions(u, 'auth.sign_in_failed')
    expect(failures).toHaveLength(1)
  })

  it('signs out and audits it; the old cookie no longer works', async () => {
    const u = await t.user()
    const cookie = new Map(u.client.cookies)
    expect((await u.client.post('/api/auth/sign-out', {})).statusCode).toBe(200)
    expect((await u.client.get('/api/v1/me')).statusCode).toBe(401)
    const again = t.client()
    for (const [k, v] of cookie) again.cookies.set(k, v)
    expect((await again.get('/api/v1/me')).statusCode).toBe(401)
    const back = t.client()
    await back.signIn(u.email, u.password)
    expect((await auditActions({ client: back }, 'auth.sign_out')).length).toBe(1)
  })

  it('rejects a forged session cookie', async () => {
    const u = await t.user()
    const forged = t.client()
    for (const [k, v] of u.client.cookies) forged.cookies.set(k, v.replace(/\.[^.]+$/, '.AAAA'))
    expect((await forged.get('/api/v1/me')).statusCode).toBe(401)
  })
})

describe('sign-in rate limit', () => {
  it('locks an account out after 10 attempts with 429, Retry-After and a problem body', async () => {
    const u = await t.user()
    const attacker = t.client({ ip: '10.9.8.7' })
    for (let i = 0; i < 10; i++)
      expect((await attacker.signIn(u.email, `wrong-${i}-password`)).statusCode).toBe(401)
    const blocked = await attacker.signIn(u.email, u.password)
    expect(blocked.statusCode).toBe(429)
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    expect(blocked.headers['content-type']).toContain('application/problem+json')
    expect(blocked.json().type).toMatch(/rate-limited$/)
    // The lock is per account: from another address the right password is refused too.
    expect((await t.client({ ip: '10.1.1.1' }).signIn(u.email, u.password)).statusCode).toBe(429)
    // Other accounts are unaffected.
    const other = await t.user()
    expect((await t.client({ ip: '10.1.1.1' }).signIn(other.email, other.password)).statusCode).toBe(200)
  })
})

describe('password reset', () => {
  async function requestReset(email: string) {
    const res = await t
      .client()
      .post('/api/auth/request-password-reset', { email, redirectTo: '/reset-password' })
    expect(res.statusCode).toBe(200)
    const mail = await t.mail(email, /Reset your Atrium password/)
    const follow = await t.client().get(pathOf(mail.link!))
    expect(follow.statusCode).toBe(302)
    return new URL(follow.headers.location as string, 'http://x').searchParams.get('token')!
  }

  it('resets with a single-use link and signs out the other sessions', async () => {
    const u = await t.user()
    const token = await requestReset(u.email)
    expect(token).toBeTruthy()
    const res = await t
      .client()
      .post('/api/auth/reset-password', { token, newPassword: 'a brand new password' })
    expect(res.statusCode).toBe(200)
    expect((await u.client.get('/api/v1/me')).statusCode).toBe(401)
    expect((await t.client().signIn(u.email, u.password)).statusCode).toBe(401)
    const fresh = t.client()
    expect((await fresh.signIn(u.email, 'a brand new password')).statusCode).toBe(200)
    expect((await auditActions({ client: fresh }, 'auth.password_reset')).length).toBe(1)
    const reuse = await t
      .client()
      .post('/api/auth/reset-password', { token, newPassword: 'yet another password' })
    expect(reuse.statusCode).toBe(400)
  })

  it('refuses an expired link', async () => {
    const u = await t.user()
    const token = await requestReset(u.email)
    await t.database.db
      .update(verifications)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(verifications.identifier, `reset-password:${token}`))
    const res = await t
      .client()
      .post('/api/auth/reset-password', { token, newPassword: 'a brand new password' })
    expect(res.statusCode).toBe(400)
    expect((await t.client().signIn(u.email, u.password)).statusCode).toBe(200)
  })

  it('answers the same for unknown emails, without sending anything', async () => {
    const res = await t.client().post('/api/auth/request-password-reset', {
      email: 'nobody@example.com',
      redirectTo: '/reset-password',
    })
    expect(res.statusCode).toBe(200)
  })
})

describe('two-factor authentication', () => {
  async function enable(u: Awaited<ReturnType<TestApp['user']>>) {
    const res = await u.client.post('/api/auth/two-factor/enable', { password: u.password })
    expect(res.statusCode).toBe(200)
    const { totpURI, backupCodes } = res.json() as { totpURI: string; backupCodes: string[] }
    expect(backupCodes).toHaveLength(10)
    const secret = new URL(totpURI).searchParams.get('secret')!
    const confirm = await u.client.post('/api/auth/two-factor/verify-totp', { code: totp(secret) })
    expect(confirm.statusCode).toBe(200)
    expect((await u.client.get('/api/v1/me')).json().user.twoFactorEnabled).toBe(true)
    return { secret, backupCodes }
  }

  it('enables TOTP, then asks for a code at sign-in and refuses a replayed one', async () => {
    const u = await t.user()
    const { secret } = await enable(u)
    expect((await auditActions(u, 'auth.two_factor_enabled')).length).toBe(1)

    const c = t.client()
    const first = await c.signIn(u.email, u.password)
    expect(first.statusCode).toBe(200)
    expect(first.json().twoFactorRedirect).toBe(true)
    expect((await c.get('/api/v1/me')).statusCode).toBe(401)
    const next = totp(secret, { time: Date.now() + 30_000 })
    const ok = await c.post('/api/auth/two-factor/verify-totp', { code: next })
    expect(ok.statusCode).toBe(200)
    expect((await c.get('/api/v1/me')).statusCode).toBe(200)

    const replay = t.client()
    expect((await replay.signIn(u.email, u.password)).json().twoFactorRedirect).toBe(true)
    const again = await replay.post('/api/auth/two-factor/verify-totp', { code: next })
    expect(again.statusCode).toBe(401)
    expect(again.json().type).toMatch(/totp-replayed$/)
    expect((await replay.get('/api/v1/me')).statusCode).toBe(401)
  })

  it('refuses a wrong code', async () => {
    const u = await t.user()
    const { secret } = await enable(u)
    const c = t.client()
    await c.signIn(u.email, u.password)
    const wrong = totp(secret, { time: Date.now() + 10 * 60_000 })
    const res = await c.post('/api/auth/two-factor/verify-totp', { code: wrong })
    expect(res.statusCode).toBe(401)
    expect((await c.get('/api/v1/me')).statusCode).toBe(401)
  })

  it('accepts each recovery code once', async () => {
    const u = await t.user()
    const { backupCodes } = await enable(u)
    const c = t.client()
    await c.signIn(u.email, u.password)
    const res = await c.post('/api/auth/two-factor/verify-backup-code', { code: backupCodes[0] })
    expect(res.statusCode).toBe(200)
    expect((await c.get('/api/v1/me')).statusCode).toBe(200)
    const d = t.client()
    await d.signIn(u.email, u.password)
    expect(
      (await d.post('/api/auth/two-factor/verify-backup-code', { code: backupCodes[0] })).statusCode,
    ).toBe(401)
  })

  it('disables 2FA only with the password', async () => {
    const u = await t.user()
    await enable(u)
    expect(
      (await u.client.post('/api/auth/two-factor/disable', { password: 'not my password' })).statusCode,
    ).toBe(400)
    expect((await u.client.post('/api/auth/two-factor/disable', { password: u.password })).statusCode).toBe(
      200,
    )
    expect((await u.client.get('/api/v1/me')).json().user.twoFactorEnabled).toBe(false)
    expect((await auditActions(u, 'auth.two_factor_disabled')).length).toBe(1)
    expect((await t.client().signIn(u.email, u.password)).json().twoFactorRedirect).toBeUndefined()
  })
})

describe('sessions', () => {
  it('lists sessions with device and IP, and revokes one or all others', async () => {
    const u = await t.user()
    const phone = t.client({
      ip: '192.0.2.10',
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile/15E148 Safari/604.1',
    })
    await phone.signIn(u.email, u.password)
    const tablet = t.client({ ip: '192.0.2.11' })
    await tablet.signIn(u.email, u.password)
    const list = (await u.client.get('/api/v1/me/sessions')).json().data as {
      id: string
      current: boolean
      ipAddress: string
      device: string
    }[]
    expect(list).toHaveLength(3)
    expect(list.filter((s) => s.current)).toHaveLength(1)
    const phoneSession = list.find((s) => s.ipAddress === '192.0.2.10')!
    expect(phoneSession.device).toMatch(/Safari.*iOS/)

    expect((await u.client.del(`/api/v1/me/sessions/${phoneSession.id}`)).statusCode).toBe(204)
    expect((await phone.get('/api/v1/me')).statusCode).toBe(401)
    expect((await tablet.get('/api/v1/me')).statusCode).toBe(200)

    const other = await t.user()
    const otherSessions = (await other.client.get('/api/v1/me/sessions')).json().data
    expect((await u.client.del(`/api/v1/me/sessions/${otherSessions[0].id}`)).statusCode).toBe(404)
    expect((await other.client.get('/api/v1/me')).statusCode).toBe(200)

    const revoked = await u.client.post('/api/v1/me/sessions/revoke-others')
    expect(revoked.json()).toEqual({ revoked: 1 })
    expect((await tablet.get('/api/v1/me')).statusCode).toBe(401)
    expect((await u.client.get('/api/v1/me')).statusCode).toBe(200)
  })
})

describe('Better Auth endpoints Atrium does not offer', () => {
  it('answer 404, so nothing bypasses the audited /api/v1 equivalents', async () => {
    const u = await t.user()
    expect((await u.client.get('/api/auth/list-sessions')).statusCode).toBe(404)
    expect((await u.client.post('/api/auth/revoke-other-sessions', {})).statusCode).toBe(404)
    expect((await u.client.post('/api/auth/update-user', { name: 'Sneaky' })).statusCode).toBe(404)
    expect((await u.client.post('/api/auth/delete-user', {})).statusCode).toBe(404)
    const gone = await u.client.get('/api/auth/list-sessions')
    expect(gone.headers['content-type']).toContain('application/problem+json')
    expect(gone.json()).toMatchObject({ status: 404 })
    expect((await u.client.get('/api/v1/me')).json().user.name).not.toBe('Sneaky')
  })
})

describe('auth errors', () => {
  it('are problem+json with the field at fault and the library code kept', async () => {
    const bad = await t
      .client()
      .post('/api/auth/sign-up/email', { name: 'A', email: 'not-an-email', password: 'long enough password' })
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    expect(bad.json()).toMatchObject({ status: 400, code: 'VALIDATION_ERROR', errors: [{ field: 'email' }] })
    const missing = await t.client().post('/api/auth/sign-up/email', { email: 'a@example.com' })
    expect(
      missing
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['name', 'password'])
    const wrong = await t.client().signIn('nobody@example.com', 'whatever password')
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json()).toMatchObject({
      type: '/problems/auth/invalid-email-or-password',
      code: 'INVALID_EMAIL_OR_PASSWORD',
    })
    expect(wrong.json().errors).toBeUndefined()
  })
})
