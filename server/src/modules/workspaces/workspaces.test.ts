import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { users } from '../../kernel/auth/schema.ts'
import { memberships } from '../../kernel/tenancy/index.ts'

let t: TestApp

beforeAll(async () => {
  // Some tests change rows directly in the database; the session cache would hide that for a second.
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
})
afterAll(() => t?.close())

type Res = { statusCode: number; headers: Record<string, unknown>; json(): any }

const expectProblem = (res: Res, status: number, fields: string[] = []) => {
  expect(res.statusCode, JSON.stringify(res.json())).toBe(status)
  expect(String(res.headers['content-type'])).toContain('application/problem+json')
  const body = res.json()
  expect(body.status).toBe(status)
  if (fields.length)
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(expect.arrayContaining(fields))
}

let slugs = 0
const uniqueSlug = (base = 'team') => `${base}-${Date.now().toString(36)}-${++slugs}`

async function addMember(workspaceId: string, userId: string, role: 'admin' | 'member') {
  const [m] = await t.database.db.insert(memberships).values({ workspaceId, userId, role }).returning()
  return m!.id
}

async function auditEntries(u: TestUser, action: string) {
  const res = await u.client.get(`/api/v1/audit-logs?action=${encodeURIComponent(action)}&limit=200`)
  expect(res.statusCode).toBe(200)
  return res.json().data as any[]
}

const setTwoFactor = (userId: string, enabled: boolean) =>
  t.database.db.update(users).set({ twoFactorEnabled: enabled }).where(eq(users.id, userId))

describe('POST /api/v1/workspaces', () => {
  it('creates a workspace owned by the caller, makes it active and audits it', async () => {
    const u = await t.user({ workspace: 'First' })
    const slug = uniqueSlug('agency')
    const res = await u.client.post('/api/v1/workspaces', { name: 'Second Agency', slug })
    expect(res.statusCode).toBe(201)
    const ws = res.json()
    expect(ws).toMatchObject({ name: 'Second Agency', slug, requireTwoFactor: false })
    expect(ws.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(Number.isNaN(Date.parse(ws.createdAt))).toBe(false)

    const me = (await u.client.get('/api/v1/me')).json()
    expect(me.activeWorkspace).toMatchObject({ id: ws.id, name: 'Second Agency', slug, role: 'owner' })
    expect(me.workspaces.map((w: { id: string }) => w.id)).toEqual(
      expect.arrayContaining([u.workspaceId, ws.id]),
    )
    expect((await u.client.get('/api/v1/workspace')).json().id).toBe(ws.id)

    const members = (await u.client.get('/api/v1/members')).json().data
    expect(members).toHaveLength(1)
    expect(members[0]).toMatchObject({ userId: u.id, email: u.email, role: 'owner' })

    const created = await auditEntries(u, 'workspace.created')
    expect(created).toHaveLength(1)
    expect(created[0]).toMatchObject({
      action: 'workspace.created',
      actor: { id: u.id, email: u.email },
      targetType: 'workspace',
      targetId: ws.id,
      targetLabel: 'Second Agency',
      changes: { before: null, after: { name: 'Second Agency', slug } },
    })
  })

  it('lets a user without any workspace create their first one', async () => {
    const u = await t.user({ workspace: false })
    const none = await u.client.get('/api/v1/workspace')
    expectProblem(none, 409)
    expect(none.json().type).toBe('/problems/no-active-workspace')
    const res = await u.client.post('/api/v1/workspaces', { name: 'Solo', slug: uniqueSlug('solo') })
    expect(res.statusCode).toBe(201)
    const ws = await u.client.get('/api/v1/workspace')
    expect(ws.statusCode).toBe(200)
    expect(ws.json().id).toBe(res.json().id)
  })

  it('normalises the slug to lowercase without surrounding spaces', async () => {
    const u = await t.user({ workspace: false })
    const base = uniqueSlug('mixed')
    const res = await u.client.post('/api/v1/workspaces', {
      name: '  Padded  ',
      slug: `  ${base.toUpperCase()}  `,
    })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ name: 'Padded', slug: base })
  })

  it('refuses a slug already taken with 409 on field slug, and creates nothing', async () => {
    const a = await t.user({ workspace: false })
    const b = await t.user({ workspace: 'Own' })
    const slug = uniqueSlug('taken')
    expect((await a.client.post('/api/v1/workspaces', { name: 'A', slug })).statusCode).toBe(201)
    const dup = await b.client.post('/api/v1/workspaces', { name: 'B', slug })
    expectProblem(dup, 409, ['slug'])
    const me = (await b.client.get('/api/v1/me')).json()
    expect(me.workspaces).toHaveLength(1)
    expect(me.activeWorkspace.id).toBe(b.workspaceId)
  })

  it.each([
    [{ name: 'Ok', slug: 'Has Spaces' }, ['slug']],
    [{ name: 'Ok', slug: '-leading' }, ['slug']],
    [{ name: 'Ok', slug: 'trailing-' }, ['slug']],
    [{ name: 'Ok', slug: 'a' }, ['slug']],
    [{ name: 'Ok', slug: 'x'.repeat(49) }, ['slug']],
    [{ name: 'Ok', slug: 'ünïcode' }, ['slug']],
    [{ name: '', slug: 'fine-slug' }, ['name']],
    [{ name: '   ', slug: 'fine-slug' }, ['name']],
    [{ name: 'n'.repeat(81), slug: 'fine-slug' }, ['name']],
    [{ slug: 'fine-slug' }, ['name']],
    [{ name: 'Ok' }, ['slug']],
    [{ name: '', slug: '!' }, ['name', 'slug']],
  ])('rejects %j with 400 on %j', async (body, fields) => {
    const u = await t.user({ workspace: false })
    const res = await u.client.post('/api/v1/workspaces', body)
    expectProblem(res, 400, fields)
    expect(res.json().type).toBe('/problems/validation')
    expect((await u.client.get('/api/v1/me')).json().workspaces).toHaveLength(0)
  })

  it('requires a signed-in user', async () => {
    expectProblem(await t.client().post('/api/v1/workspaces', { name: 'X', slug: uniqueSlug() }), 401)
  })
})

describe('GET and PATCH /api/v1/workspace', () => {
  it('returns the active workspace', async () => {
    const u = await t.user({ workspace: 'Readable' })
    const res = await u.client.get('/api/v1/workspace')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: u.workspaceId, name: 'Readable', requireTwoFactor: false })
  })

  it('renames the workspace and audits only the changed field', async () => {
    const u = await t.user({ workspace: 'Old Name' })
    const res = await u.client.patch('/api/v1/workspace', { name: 'New Name' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: u.workspaceId, name: 'New Name' })
    expect((await u.client.get('/api/v1/workspace')).json().name).toBe('New Name')
    expect((await u.client.get('/api/v1/me')).json().activeWorkspace.name).toBe('New Name')

    const [entry] = await auditEntries(u, 'workspace.updated')
    expect(entry).toMatchObject({
      actor: { id: u.id },
      targetType: 'workspace',
      targetId: u.workspaceId,
      targetLabel: 'New Name',
      changes: { before: { name: 'Old Name' }, after: { name: 'New Name' } },
    })
  })

  it('changes the slug and audits the before/after slug', async () => {
    const u = await t.user({ workspace: 'Sluggish' })
    const before = (await u.client.get('/api/v1/workspace')).json().slug
    const slug = uniqueSlug('renamed')
    const res = await u.client.patch('/api/v1/workspace', { slug })
    expect(res.statusCode).toBe(200)
    expect(res.json().slug).toBe(slug)
    const [entry] = await auditEntries(u, 'workspace.updated')
    expect(entry.changes).toEqual({ before: { slug: before }, after: { slug } })
  })

  it('refuses a slug used by another workspace with 409 on field slug, leaving the slug as it was', async () => {
    const a = await t.user({ workspace: 'Alpha' })
    const b = await t.user({ workspace: 'Beta' })
    const taken = (await a.client.get('/api/v1/workspace')).json().slug
    const own = (await b.client.get('/api/v1/workspace')).json().slug
    expectProblem(await b.client.patch('/api/v1/workspace', { slug: taken }), 409, ['slug'])
    expect((await b.client.get('/api/v1/workspace')).json().slug).toBe(own)
    expect(await auditEntries(b, 'workspace.updated')).toHaveLength(0)
  })

  it('rejects invalid fields and an empty patch with 400', async () => {
    const u = await t.user({ workspace: 'Strict' })
    expectProblem(await u.client.patch('/api/v1/workspace', { name: '' }), 400, ['name'])
    expectProblem(await u.client.patch('/api/v1/workspace', { slug: 'No Good' }), 400, ['slug'])
    expectProblem(await u.client.patch('/api/v1/workspace', { requireTwoFactor: 'yes' }), 400, [
      'requireTwoFactor',
    ])
    expectProblem(await u.client.patch('/api/v1/workspace', {}), 400)
    expect((await u.client.get('/api/v1/workspace')).json().name).toBe('Strict')
  })

  it('lets an admin rename but not a member', async () => {
    const owner = await t.user({ workspace: 'Shared' })
    const admin = await t.user({ workspace: false })
    const member = await t.user({ workspace: false })
    await addMember(owner.workspaceId!, admin.id, 'admin')
    await addMember(owner.workspaceId!, member.id, 'member')
    expect((await member.client.get('/api/v1/workspace')).statusCode).toBe(200)
    expectProblem(await member.client.patch('/api/v1/workspace', { name: 'Hijacked' }), 403)
    const ok = await admin.client.patch('/api/v1/workspace', { name: 'By Admin' })
    expect(ok.statusCode).toBe(200)
    expect((await owner.client.get('/api/v1/workspace')).json().name).toBe('By Admin')
  })
})

describe('requireTwoFactor', () => {
  it('cannot be enabled by an owner without two-factor authentication', async () => {
    const owner = await t.user({ workspace: 'No 2FA' })
    const res = await owner.client.patch('/api/v1/workspace', { requireTwoFactor: true })
    expectProblem(res, 400, ['requireTwoFactor'])
    expect((await owner.client.get('/api/v1/workspace')).json().requireTwoFactor).toBe(false)
  })

  it('cannot be changed by an admin, even one with two-factor authentication', async () => {
    const owner = await t.user({ workspace: 'Admin 2FA' })
    const admin = await t.user({ workspace: false })
    await addMember(owner.workspaceId!, admin.id, 'admin')
    await setTwoFactor(admin.id, true)
    expectProblem(await admin.client.patch('/api/v1/workspace', { requireTwoFactor: true }), 403)
    expectProblem(await admin.client.patch('/api/v1/workspace', { requireTwoFactor: false }), 403)
    expect((await owner.client.get('/api/v1/workspace')).json().requireTwoFactor).toBe(false)
  })

  it('when enabled by an owner with 2FA, locks members without 2FA out of workspace routes but not /me', async () => {
    const owner = await t.user({ workspace: 'Strict 2FA' })
    const member = await t.user({ workspace: false })
    const secured = await t.user({ workspace: false })
    await addMember(owner.workspaceId!, member.id, 'member')
    await addMember(owner.workspaceId!, secured.id, 'member')
    await setTwoFactor(owner.id, true)
    await setTwoFactor(secured.id, true)

    const res = await owner.client.patch('/api/v1/workspace', { requireTwoFactor: true })
    expect(res.statusCode).toBe(200)
    expect(res.json().requireTwoFactor).toBe(true)
    const [entry] = await auditEntries(owner, 'workspace.updated')
    expect(entry.changes).toEqual({ before: { requireTwoFactor: false }, after: { requireTwoFactor: true } })

    for (const url of ['/api/v1/members', '/api/v1/workspace']) {
      const locked = await member.client.get(url)
      expectProblem(locked, 403)
      expect(locked.json().type).toMatch(/\/two-factor-required$/)
    }
    const me = await member.client.get('/api/v1/me')
    expect(me.statusCode).toBe(200)
    expect(me.json().activeWorkspace).toMatchObject({ id: owner.workspaceId, requireTwoFactor: true })

    expect((await secured.client.get('/api/v1/members')).statusCode).toBe(200)
    expect((await owner.client.get('/api/v1/members')).statusCode).toBe(200)

    await setTwoFactor(member.id, true)
    expect((await member.client.get('/api/v1/members')).statusCode).toBe(200)
  })

  it('can be disabled again by the owner', async () => {
    const owner = await t.user({ workspace: 'Toggle 2FA' })
    const member = await t.user({ workspace: false })
    await addMember(owner.workspaceId!, member.id, 'member')
    await setTwoFactor(owner.id, true)
    expect((await owner.client.patch('/api/v1/workspace', { requireTwoFactor: true })).statusCode).toBe(200)
    expectProblem(await member.client.get('/api/v1/members'), 403)
    const off = await owner.client.patch('/api/v1/workspace', { requireTwoFactor: false })
    expect(off.statusCode).toBe(200)
    expect(off.json().requireTwoFactor).toBe(false)
    expect((await member.client.get('/api/v1/members')).statusCode).toBe(200)
  })
})

describe('PUT /api/v1/me/active-workspace', () => {
  it('switches between own workspaces and serves the switched one', async () => {
    const u = await t.user({ workspace: 'Home' })
    const other = await u.client.post('/api/v1/workspaces', { name: 'Away', slug: uniqueSlug('away') })
    const away = other.json().id
    expect((await u.client.get('/api/v1/workspace')).json().id).toBe(away)

    const res = await u.client.put('/api/v1/me/active-workspace', { workspaceId: u.workspaceId })
    expect(res.statusCode).toBe(200)
    expect(res.json().activeWorkspace).toMatchObject({ id: u.workspaceId, name: 'Home', role: 'owner' })
    expect((await u.client.get('/api/v1/workspace')).json()).toMatchObject({
      id: u.workspaceId,
      name: 'Home',
    })
    expect((await u.client.get('/api/v1/me')).json().activeWorkspace.id).toBe(u.workspaceId)
  })

  it("refuses someone else's workspace with 404 and keeps the active one", async () => {
    const u = await t.user({ workspace: 'Mine' })
    const stranger = await t.user({ workspace: 'Theirs' })
    const res = await u.client.put('/api/v1/me/active-workspace', { workspaceId: stranger.workspaceId })
    expectProblem(res, 404)
    expect((await u.client.get('/api/v1/workspace')).json().id).toBe(u.workspaceId)
    expectProblem(
      await u.client.put('/api/v1/me/active-workspace', { workspaceId: crypto.randomUUID() }),
      404,
    )
    expectProblem(await u.client.put('/api/v1/me/active-workspace', { workspaceId: 'not-a-uuid' }), 400, [
      'workspaceId',
    ])
  })

  it('shows a user in two workspaces the data and role of the active one', async () => {
    const ownerA = await t.user({ workspace: 'Agency A' })
    const ownerB = await t.user({ workspace: 'Agency B' })
    const colleague = await t.user({ workspace: false })
    const both = await t.user({ workspace: false })
    await addMember(ownerA.workspaceId!, both.id, 'admin')
    await addMember(ownerB.workspaceId!, colleague.id, 'member')
    await addMember(ownerB.workspaceId!, both.id, 'member')

    expect(
      (await both.client.put('/api/v1/me/active-workspace', { workspaceId: ownerA.workspaceId })).statusCode,
    ).toBe(200)
    expect((await both.client.get('/api/v1/workspace')).json().name).toBe('Agency A')
    let emails = (await both.client.get('/api/v1/members')).json().data.map((m: { email: string }) => m.email)
    expect(emails.sort()).toEqual([ownerA.email, both.email].sort())
    expect((await both.client.get('/api/v1/audit-logs')).statusCode).toBe(200)

    const switched = await both.client.put('/api/v1/me/active-workspace', { workspaceId: ownerB.workspaceId })
    expect(switched.statusCode).toBe(200)
    expect(switched.json().activeWorkspace).toMatchObject({ id: ownerB.workspaceId, role: 'member' })
    expect(switched.json().permissions).not.toContain('members:write')
    expect((await both.client.get('/api/v1/workspace')).json().name).toBe('Agency B')
    emails = (await both.client.get('/api/v1/members')).json().data.map((m: { email: string }) => m.email)
    expect(emails.sort()).toEqual([ownerB.email, colleague.email, both.email].sort())
    expectProblem(await both.client.get('/api/v1/audit-logs'), 403)
    expectProblem(await both.client.patch('/api/v1/workspace', { name: 'Nope' }), 403)
    expect((await ownerB.client.get('/api/v1/workspace')).json().name).toBe('Agency B')
  })
})
