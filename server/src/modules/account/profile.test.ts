import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, pathOf, type TestApp } from '../../../test/harness.ts'
import { memberships } from '../../kernel/tenancy/index.ts'
import { initialsOf } from './profile.service.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ SESSION_CACHE_MS: '0', SIGNIN_RATE_LIMIT: '1000' })
})
afterAll(() => t?.close())

describe('initials', () => {
  it.each([
    ['Ada Lovelace', 'a@x.io', 'AL'],
    ['Jean-Luc de la Croix', 'j@x.io', 'JC'],
    ['Émile', 'e@x.io', 'É'],
    ['   ', 'zed@x.io', 'Z'],
  ])('%s → %s', (name, email, expected) => expect(initialsOf(name, email)).toBe(expected))
})

describe('profile', () => {
  it('reads and changes name, time zone and language, naming bad fields', async () => {
    const u = await t.user({ name: 'Pat Profile', workspace: 'Prof Co' })
    const first = (await u.client.get('/api/v1/me/profile')).json()
    expect(first).toMatchObject({
      name: 'Pat Profile',
      email: u.email,
      initials: 'PP',
      timeZone: null,
      language: null,
      ownedWorkspaces: [{ id: u.workspaceId, name: 'Prof Co' }],
    })
    const bad = await u.client.patch('/api/v1/me/profile', { timeZone: 'Mars/Olympus' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].field).toBe('timeZone')
    const res = await u.client.patch('/api/v1/me/profile', {
      name: 'Pat Preferred',
      timeZone: 'Europe/Berlin',
      language: 'de',
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({
      name: 'Pat Preferred',
      initials: 'PP',
      timeZone: 'Europe/Berlin',
      language: 'de',
    })
    const audit = (await u.client.get('/api/v1/audit-logs?action=user.updated')).json().data
    expect(audit[0].changes).toEqual({
      before: { name: 'Pat Profile', timeZone: null, language: null },
      after: { name: 'Pat Preferred', timeZone: 'Europe/Berlin', language: 'de' },
    })
    expect((await t.client().get('/api/v1/me/profile')).statusCode).toBe(401)
  })

  it('changes the password, then signs in with the new one only', async () => {
    const u = await t.user()
    const wrong = await u.client.post('/api/auth/change-password', {
      currentPassword: 'not-the-password',
      newPassword: 'a brand new password',
    })
    expect(wrong.statusCode).toBe(400)
    const ok = await u.client.post('/api/auth/change-password', {
      currentPassword: u.password,
      newPassword: 'a brand new password',
      revokeOtherSessions: true,
    })
    expect(ok.statusCode, ok.body).toBe(200)
    expect((await t.client().signIn(u.email, u.password)).statusCode).toBe(401)
    expect((await t.client().signIn(u.email, 'a brand new password')).statusCode).toBe(200)
  })

  it('changes the email only once the new address is confirmed', async () => {
    const u = await t.user()
    const newEmail = `moved-${u.email}`
    const res = await u.client.post('/api/auth/change-email', { newEmail, callbackURL: '/settings/profile' })
    expect(res.statusCode, res.body).toBe(200)
    expect((await u.client.get('/api/v1/me/profile')).json().email).toBe(u.email)
    const mail = await t.mail(newEmail, /Confirm your new email/)
    expect(mail.link).toBeTruthy()
    const followed = await u.client.get(pathOf(mail.link!))
    expect(followed.statusCode).toBeLessThan(400)
    expect((await u.client.get('/api/v1/me/profile')).json().email).toBe(newEmail)
    expect((await t.client().signIn(newEmail, u.password)).statusCode).toBe(200)
  })
})

describe('account deletion', () => {
  it('is refused while the user owns a workspace', async () => {
    const owner = await t.user({ workspace: 'Owned Co' })
    const res = await owner.client.post('/api/v1/me/deletion', { password: owner.password })
    expect(res.statusCode).toBe(409)
    expect(res.json().detail).toContain('Owned Co')
    expect((await owner.client.get('/api/v1/me')).statusCode).toBe(200)
  })

  it('needs the password, then deletes the account, signs it out and audits it in each workspace', async () => {
    const owner = await t.user({ workspace: 'Team Co' })
    const leaver = await t.user({ workspace: false, name: 'Leo Leaver' })
    await t.database.db
      .insert(memberships)
      .values({ workspaceId: owner.workspaceId as string, userId: leaver.id, role: 'member' })
    const wrong = await leaver.client.post('/api/v1/me/deletion', { password: 'nope-nope-nope' })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().errors[0].field).toBe('password')
    const res = await leaver.client.post('/api/v1/me/deletion', { password: leaver.password })
    expect(res.statusCode, res.body).toBe(204)
    expect((await leaver.client.get('/api/v1/me')).statusCode).toBe(401)
    expect((await t.client().signIn(leaver.email, leaver.password)).statusCode).toBe(401)
    const audit = (await owner.client.get('/api/v1/audit-logs?action=user.deleted')).json().data
    expect(audit[0]).toMatchObject({ targetLabel: leaver.email })
    const members = (await owner.client.get('/api/v1/members')).json().data
    expect(members.some((m: { userId: string }) => m.userId === leaver.id)).toBe(false)
  })
})
