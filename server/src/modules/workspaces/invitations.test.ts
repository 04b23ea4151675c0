import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  APP_URL,
  type Client,
  createTestApp,
  pathOf,
  type TestApp,
  type TestUser,
} from '../../../test/harness.ts'
import { memberships } from '../../kernel/tenancy/index.ts'
import { invitations } from './schema.ts'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000' })
})
afterAll(() => t?.close())

type Res = { statusCode: number; headers: Record<string, unknown>; json(): any }

const expectProblem = (res: Res, status: number, fields: string[] = []) => {
  expect(res.statusCode, JSON.stringify(res.json())).toBe(status)
  expect(String(res.headers['content-type'])).toContain('application/problem+json')
  expect(res.json().status).toBe(status)
  if (fields.length)
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(fields))
}

let n = 0
const freshEmail = (tag = 'invitee') => `${tag}-${++n}-${Date.now().toString(36)}@example.com`

const INVITE_LINK = new RegExp(`^${APP_URL}/invite/([A-Za-z0-9_-]{20,100})$`)

/** Invites someone and returns the invitation with the token from the emailed link. */
async function invite(by: TestUser, email: string, role: 'admin' | 'member' = 'member') {
  const res = await by.client.post('/api/v1/invitations', { email, role })
  expect(res.statusCode, res.body).toBe(201)
  const mail = await t.mail(email, /invited you/)
  expect(mail.link).toMatch(INVITE_LINK)
  return { invitation: res.json(), token: mail.link!.match(INVITE_LINK)![1]!, mail }
}

/** Waits until an invitation email to this address carries a link other than the given one. */
async function nextInviteLink(email: string, previous: string) {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    const mail = await t.mail(email, /invited you/)
    if (mail.link && mail.link !== previous) return mail.link
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no new invitation email to ${email}`)
}

/** Signs up a brand-new account and verifies it through the emailed link, which signs the client in. */
async function signUp(email: string, name = 'New Person'): Promise<Client> {
  const c = t.client()
  const res = await c.post('/api/auth/sign-up/email', { name, email, password: 'a-long-enough-password' })
  expect(res.statusCode, res.body).toBe(200)
  const mail = await t.mail(email, /Verify/)
  expect(mail.link).toBeTruthy()
  const verified = await c.get(pathOf(mail.link!))
  expect(verified.statusCode).toBeLessThan(400)
  expect((await c.get('/api/v1/me')).statusCode).toBe(200)
  return c
}

async function isMember(email: string, viewer: TestUser) {
  const list = (await viewer.client.get('/api/v1/members?limit=200')).json().data as {
    email: string
    role: string
  }[]
  return list.find((m) => m.email === email) ?? null
}

const preview = (token: string) => t.client().get(`/api/v1/invitation-tokens/${token}`)

describe('POST /api/v1/invitations', () => {
  it('creates a pending invitation and emails an /invite/<token> link', async () => {
    const owner = await t.user({ workspace: 'Invite Co', name: 'Olivia Owner' })
    const email = freshEmail()
    const { invitation, mail, token } = await invite(owner, email, 'admin')
    expect(invitation).toMatchObject({ email, role: 'admin', status: 'pending', inviterName: 'Olivia Owner' })
    const expires = Date.parse(invitation.expiresAt) - Date.now()
    expect(expires).toBeGreaterThan(6.9 * 24 * 3600_000)
    expect(expires).toBeLessThanOrEqual(7 * 24 * 3600_000)
    expect(mail.subject).toBe('Olivia Owner invited you to Invite Co on Atrium')
    expect(mail.text).toContain('as an admin')
    expect(token.length).toBeGreaterThanOrEqual(20)

    const [entry] = (await owner.client.get('/api/v1/audit-logs?action=invitation.created')).json().data
    expect(entry).toMatchObject({
      actor: { id: owner.id },
      targetType: 'invitation',
      targetId: invitation.id,
      targetLabel: email,
      changes: { after: { email, role: 'admin' } },
    })
  })

  it('lowercases the email', async () => {
    const owner = await t.user({ workspace: 'Case Co' })
    const email = freshEmail('mixed')
    const res = await owner.client.post('/api/v1/invitations', { email: email.toUpperCase(), role: 'member' })
    expect(res.statusCode).toBe(201)
    expect(res.json().email).toBe(email)
  })

  it('trims spaces around the email', async () => {
    const owner = await t.user({ workspace: 'Trim Co' })
    const email = freshEmail('padded')
    const res = await owner.client.post('/api/v1/invitations', { email: `  ${email} `, role: 'member' })
    expect(res.statusCode).toBe(201)
    expect(res.json().email).toBe(email)
  })

  it('refuses a second pending invitation for the same email with 409 on field email', async () => {
    const owner = await t.user({ workspace: 'Dup Co' })
    const email = freshEmail('dup')
    await invite(owner, email)
    expectProblem(await owner.client.post('/api/v1/invitations', { email, role: 'member' }), 409, ['email'])
    expectProblem(
      await owner.client.post('/api/v1/invitations', { email: email.toUpperCase(), role: 'admin' }),
      409,
      ['email'],
    )
    const list = (await owner.client.get('/api/v1/invitations')).json().data
    expect(list.filter((i: { email: string }) => i.email === email)).toHaveLength(1)
  })

  it('refuses to invite someone who already is a member with 409', async () => {
    const owner = await t.user({ workspace: 'Member Co' })
    const existing = await t.user({ workspace: false })
    await t.database.db
      .insert(memberships)
      .values({ workspaceId: owner.workspaceId!, userId: existing.id, role: 'member' })
    expectProblem(
      await owner.client.post('/api/v1/invitations', { email: existing.email, role: 'admin' }),
      409,
      ['email'],
    )
    expectProblem(
      await owner.client.post('/api/v1/invitations', { email: owner.email, role: 'member' }),
      409,
      ['email'],
    )
    expect((await owner.client.get('/api/v1/invitations')).json().data).toHaveLength(0)
  })

  it('invites someone who is a member of another workspace', async () => {
    const owner = await t.user({ workspace: 'Here' })
    const elsewhere = await t.user({ workspace: 'Elsewhere' })
    const res = await owner.client.post('/api/v1/invitations', { email: elsewhere.email, role: 'member' })
    expect(res.statusCode).toBe(201)
  })

  it.each([
    [{ email: 'not-an-email', role: 'member' }, ['email']],
    [{ email: '', role: 'member' }, ['email']],
    [{ role: 'member' }, ['email']],
    [{ email: `${'x'.repeat(250)}@example.com`, role: 'member' }, ['email']],
    [{ email: 'ok@example.com', role: 'owner' }, ['role']],
    [{ email: 'ok@example.com', role: 'boss' }, ['role']],
    [{ email: 'ok@example.com' }, ['role']],
    [{ email: 'nope', role: 'nope' }, ['email', 'role']],
  ])('rejects %j with 400 on %j', async (body, fields) => {
    const owner = await t.user({ workspace: 'Valid Co' })
    const res = await owner.client.post('/api/v1/invitations', body)
    expectProblem(res, 400, fields)
    expect((await owner.client.get('/api/v1/invitations')).json().data).toHaveLength(0)
  })

  it('lets an admin invite members but not admins: only the owner makes admins', async () => {
    const owner = await t.user({ workspace: 'Admin Co' })
    const admin = await t.user({ workspace: false })
    await t.database.db
      .insert(memberships)
      .values({ workspaceId: owner.workspaceId!, userId: admin.id, role: 'admin' })
    const member = await admin.client.post('/api/v1/invitations', { email: freshEmail(), role: 'member' })
    expect(member.statusCode).toBe(201)
    expectProblem(
      await admin.client.post('/api/v1/invitations', { email: freshEmail(), role: 'admin' }),
      403,
      ['role'],
    )
    // Nor can an admin send again the owner's invitation of an admin.
    const { invitation } = await invite(owner, freshEmail(), 'admin')
    expectProblem(await admin.client.post(`/api/v1/invitations/${invitation.id}/resend`), 403, ['role'])
    const pending = (await owner.client.get('/api/v1/invitations')).json().data
    expect(pending.map((i: { role: string }) => i.role).sort()).toEqual(['admin', 'member'])
  })
})

describe('GET /api/v1/invitation-tokens/:token', () => {
  it('previews an invitation without signing in', async () => {
    const owner = await t.user({ workspace: 'Preview Co', name: 'Pat Preview' })
    const email = freshEmail()
    const { token, invitation } = await invite(owner, email)
    const res = await preview(token)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      workspaceName: 'Preview Co',
      email,
      role: 'member',
      inviterName: 'Pat Preview',
      status: 'pending',
      expiresAt: invitation.expiresAt,
    })
  })

  it('answers 404 for an unknown or malformed token', async () => {
    expectProblem(await preview('A'.repeat(43)), 404)
    expectProblem(await preview('short'), 404)
    expectProblem(await t.client().post(`/api/v1/invitation-tokens/${'B'.repeat(43)}/accept`), 401)
    const u = await t.user({ workspace: false })
    expectProblem(await u.client.post(`/api/v1/invitation-tokens/${'B'.repeat(43)}/accept`), 404)
  })
})

describe('accepting', () => {
  it('lets a brand-new user sign up, verify and join with the invited role', async () => {
    const owner = await t.user({ workspace: 'Join Co' })
    const email = freshEmail('newbie')
    const { token, invitation } = await invite(owner, email, 'admin')

    const c = await signUp(email, 'Nina New')
    const res = await c.post(`/api/v1/invitation-tokens/${token}/accept`)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({ workspaceId: owner.workspaceId })

    const me = (await c.get('/api/v1/me')).json()
    expect(me.activeWorkspace).toMatchObject({ id: owner.workspaceId, name: 'Join Co', role: 'admin' })
    expect((await c.get('/api/v1/invitations')).statusCode).toBe(200)
    expect(await isMember(email, owner)).toMatchObject({
      role: 'admin',
      name: 'Nina New',
    })

    const [entry] = (await owner.client.get('/api/v1/audit-logs?action=member.joined')).json().data
    expect(entry).toMatchObject({
      actor: { id: me.user.id, email },
      targetType: 'member',
      targetLabel: email,
      changes: { after: { role: 'admin', invitationId: invitation.id } },
    })
    expect((await preview(token)).json().status).toBe('accepted')
  })

  it('lets an existing user with their own workspace join, making the new one active', async () => {
    const owner = await t.user({ workspace: 'Second Home' })
    const existing = await t.user({ workspace: 'First Home' })
    const { token } = await invite(owner, existing.email)
    const res = await existing.client.post(`/api/v1/invitation-tokens/${token}/accept`)
    expect(res.statusCode).toBe(200)
    const me = (await existing.client.get('/api/v1/me')).json()
    expect(me.activeWorkspace).toMatchObject({ id: owner.workspaceId, role: 'member' })
    expect(me.workspaces.map((w: { id: string }) => w.id).sort()).toEqual(
      [existing.workspaceId, owner.workspaceId].sort(),
    )
  })

  it('refuses a user signed in with another email (403) and adds no membership', async () => {
    const owner = await t.user({ workspace: 'Wrong Co' })
    const email = freshEmail('intended')
    const { token } = await invite(owner, email)
    const other = await t.user({ workspace: false })
    const res = await other.client.post(`/api/v1/invitation-tokens/${token}/accept`)
    expectProblem(res, 403)
    expect(res.json().detail).toContain(email)
    expect(await isMember(other.email, owner)).toBeNull()
    const [m] = await t.database.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.workspaceId, owner.workspaceId!), eq(memberships.userId, other.id)))
    expect(m).toBeUndefined()
    expect((await other.client.get('/api/v1/me')).json().workspaces).toHaveLength(0)
    expect((await preview(token)).json().status).toBe('pending')
  })

  it('answers 410 when the invitation was already accepted', async () => {
    const owner = await t.user({ workspace: 'Twice Co' })
    const invitee = await t.user({ workspace: false })
    const { token } = await invite(owner, invitee.email)
    expect((await invitee.client.post(`/api/v1/invitation-tokens/${token}/accept`)).statusCode).toBe(200)
    expectProblem(await invitee.client.post(`/api/v1/invitation-tokens/${token}/accept`), 410)
    const stranger = await t.user({ workspace: false })
    expectProblem(await stranger.client.post(`/api/v1/invitation-tokens/${token}/accept`), 410)
    const members = (await owner.client.get('/api/v1/members')).json().data
    expect(members.filter((m: { email: string }) => m.email === invitee.email)).toHaveLength(1)
  })

  it('treats the emailed address case-insensitively', async () => {
    const owner = await t.user({ workspace: 'Case Join' })
    const invitee = await t.user({ workspace: false })
    const res = await owner.client.post('/api/v1/invitations', {
      email: invitee.email.toUpperCase(),
      role: 'member',
    })
    expect(res.statusCode).toBe(201)
    const mail = await t.mail(invitee.email, /invited you/)
    const token = mail.link!.match(INVITE_LINK)![1]!
    expect((await invitee.client.post(`/api/v1/invitation-tokens/${token}/accept`)).statusCode).toBe(200)
  })
})

describe('revoking and resending', () => {
  it('revokes a pending invitation: the link is gone (410) and it cannot be revoked twice', async () => {
    const owner = await t.user({ workspace: 'Revoke Co' })
    const invitee = await t.user({ workspace: false })
    const { token, invitation } = await invite(owner, invitee.email)
    const res = await owner.client.del(`/api/v1/invitations/${invitation.id}`)
    expect(res.statusCode).toBe(204)
    expect((await preview(token)).json().status).toBe('revoked')
    expectProblem(await invitee.client.post(`/api/v1/invitation-tokens/${token}/accept`), 410)
    expect(await isMember(invitee.email, owner)).toBeNull()
    expectProblem(await owner.client.del(`/api/v1/invitations/${invitation.id}`), 409)
    expectProblem(await owner.client.post(`/api/v1/invitations/${invitation.id}/resend`), 409)
    const [entry] = (await owner.client.get('/api/v1/audit-logs?action=invitation.revoked')).json().data
    expect(entry).toMatchObject({
      targetId: invitation.id,
      changes: { before: { status: 'pending' }, after: { status: 'revoked' } },
    })

    const again = await owner.client.post('/api/v1/invitations', { email: invitee.email, role: 'member' })
    expect(again.statusCode).toBe(201)
  })

  it('resends with a new link: the old token no longer resolves (404), the new one does', async () => {
    const owner = await t.user({ workspace: 'Resend Co' })
    const invitee = await t.user({ workspace: false })
    const { token, invitation, mail } = await invite(owner, invitee.email)
    const res = await owner.client.post(`/api/v1/invitations/${invitation.id}/resend`)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: invitation.id, status: 'pending', email: invitee.email })
    expect(Date.parse(res.json().expiresAt)).toBeGreaterThanOrEqual(Date.parse(invitation.expiresAt))

    const link = await nextInviteLink(invitee.email, mail.link!)
    const fresh = link.match(INVITE_LINK)![1]!
    expect(fresh).not.toBe(token)
    expectProblem(await preview(token), 404)
    expectProblem(await invitee.client.post(`/api/v1/invitation-tokens/${token}/accept`), 404)
    expect((await preview(fresh)).json().status).toBe('pending')
    expect((await invitee.client.post(`/api/v1/invitation-tokens/${fresh}/accept`)).statusCode).toBe(200)
    expect((await owner.client.get('/api/v1/audit-logs?action=invitation.resent')).json().data).toHaveLength(
      1,
    )
  })

  it('answers 404 for unknown ids and 400 for malformed ones', async () => {
    const owner = await t.user({ workspace: 'Unknown Co' })
    expectProblem(await owner.client.del(`/api/v1/invitations/${crypto.randomUUID()}`), 404)
    expectProblem(await owner.client.post(`/api/v1/invitations/${crypto.randomUUID()}/resend`), 404)
    expectProblem(await owner.client.del('/api/v1/invitations/123'), 400, ['id'])
  })
})

describe('GET /api/v1/invitations', () => {
  it('lists invitations newest first with their status', async () => {
    const owner = await t.user({ workspace: 'List Co' })
    const accepted = await t.user({ workspace: false })
    const revokedEmail = freshEmail('revoked')
    const pendingEmail = freshEmail('pending')
    const a = await invite(owner, accepted.email)
    expect((await accepted.client.post(`/api/v1/invitation-tokens/${a.token}/accept`)).statusCode).toBe(200)
    const r = await invite(owner, revokedEmail, 'admin')
    expect((await owner.client.del(`/api/v1/invitations/${r.invitation.id}`)).statusCode).toBe(204)
    await invite(owner, pendingEmail)

    const res = await owner.client.get('/api/v1/invitations')
    expect(res.statusCode).toBe(200)
    const list = res.json().data as { email: string; status: string; role: string }[]
    expect(list.map((i) => [i.email, i.status, i.role])).toEqual([
      [pendingEmail, 'pending', 'member'],
      [revokedEmail, 'revoked', 'admin'],
      [accepted.email, 'accepted', 'member'],
    ])
    expect(res.json().nextCursor).toBeNull()

    const page1 = (await owner.client.get('/api/v1/invitations?limit=2')).json()
    expect(page1.data.map((i: { email: string }) => i.email)).toEqual([pendingEmail, revokedEmail])
    expect(page1.nextCursor).toEqual(expect.any(String))
    const page2 = (await owner.client.get(`/api/v1/invitations?limit=2&cursor=${page1.nextCursor}`)).json()
    expect(page2.data.map((i: { email: string }) => i.email)).toEqual([accepted.email])
    expect(page2.nextCursor).toBeNull()
  })

  it('shows an expired invitation as expired and lets it be replaced', async () => {
    const owner = await t.user({ workspace: 'Expired Co' })
    const invitee = await t.user({ workspace: false })
    const { token, invitation } = await invite(owner, invitee.email)
    await t.database.db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(invitations.id, invitation.id))
    const list = (await owner.client.get('/api/v1/invitations')).json().data
    expect(list[0]).toMatchObject({ id: invitation.id, status: 'expired' })
    expect((await preview(token)).json().status).toBe('expired')
    expectProblem(await invitee.client.post(`/api/v1/invitation-tokens/${token}/accept`), 410)
    const again = await owner.client.post('/api/v1/invitations', { email: invitee.email, role: 'member' })
    expect(again.statusCode).toBe(201)
  })
})
