import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { memberships } from '../../kernel/tenancy/index.ts'

let t: TestApp
let owner: TestUser
let admin: TestUser
let member: TestUser
let other: TestUser
let outsider: TestUser

type Client = {
  id: string
  name: string
  email: string | null
  status: string
  tags: string[]
  owner: { id: string } | null
  assignees: { id: string }[]
  custom: Record<string, unknown>
  primaryContact: { id: string; name: string } | null
  archivedAt: string | null
}

async function join(u: TestUser, workspaceId: string, role: 'admin' | 'member') {
  await t.database.db.insert(memberships).values({ workspaceId, userId: u.id, role })
  await u.client.put('/api/v1/me/active-workspace', { workspaceId })
}

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Clients Co' })
  admin = await t.user({ workspace: false })
  member = await t.user({ workspace: false, name: 'Mia Member' })
  other = await t.user({ workspace: false })
  outsider = await t.user({ workspace: 'Other Co' })
  const ws = owner.workspaceId as string
  await join(admin, ws, 'admin')
  await join(member, ws, 'member')
  await join(other, ws, 'member')
})
afterAll(() => t?.close())

const create = async (u: TestUser, body: Record<string, unknown>) => {
  const res = await u.client.post('/api/v1/clients', body)
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as Client
}

describe('clients CRUD', () => {
  it('creates a client with defaults, the creator as owner, and prefixed ids', async () => {
    const c = await create(owner, {
      name: 'Northwind Traders',
      email: 'Billing@Northwind.example',
      tags: ['Retail'],
    })
    expect(c.id).toMatch(/^cli_[0-9a-f]{32}$/)
    expect(c).toMatchObject({
      name: 'Northwind Traders',
      email: 'billing@northwind.example',
      status: 'active',
      tags: ['retail'],
    })
    expect(c.owner?.id).toBe(owner.id)
    const got = await owner.client.get(`/api/v1/clients/${c.id}`)
    expect(got.statusCode).toBe(200)
    expect(got.json().name).toBe('Northwind Traders')
  })

  it('updates only the given fields and audits a field-level diff', async () => {
    const c = await create(owner, { name: 'Acme', phone: '+1 555 0100' })
    const res = await owner.client.patch(`/api/v1/clients/${c.id}`, { name: 'Acme Corp', status: 'lead' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ name: 'Acme Corp', status: 'lead', phone: '+1 555 0100' })
    const activity = (await owner.client.get(`/api/v1/clients/${c.id}/activity`)).json()
    const updated = activity.data.find((a: { action: string }) => a.action === 'client.updated')
    expect(updated.changes).toEqual({
      before: { name: 'Acme', status: 'active' },
      after: { name: 'Acme Corp', status: 'lead' },
    })
    expect(activity.data.at(-1).action).toBe('client.created')
  })

  it('archives and restores to the earlier status', async () => {
    const c = await create(owner, { name: 'Globex', status: 'lead' })
    const a = await owner.client.post(`/api/v1/clients/${c.id}/archive`)
    expect(a.json()).toMatchObject({ status: 'archived' })
    expect(a.json().archivedAt).not.toBeNull()
    const r = await owner.client.post(`/api/v1/clients/${c.id}/restore`)
    expect(r.json()).toMatchObject({ status: 'lead', archivedAt: null })
  })

  it('deletes (owners and admins only) and answers 404 afterwards', async () => {
    const c = await create(member, { name: 'Member Made' })
    expect((await member.client.del(`/api/v1/clients/${c.id}`)).statusCode).toBe(403)
    expect((await admin.client.del(`/api/v1/clients/${c.id}`)).statusCode).toBe(204)
    expect((await admin.client.get(`/api/v1/clients/${c.id}`)).statusCode).toBe(404)
  })

  it('rejects bad input with problem+json naming the field, and keeps what was saved', async () => {
    const c = await create(owner, { name: 'Kept' })
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'name'],
      [{ email: 'not-an-email' }, 'email'],
      [{ website: 'javascript:alert(1)' }, 'website'],
      [{ currency: 'EURO' }, 'currency'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ billingAddress: { country: 'Germany' } }, 'billingAddress.country'],
      [{ status: 'gone' }, 'status'],
      [{ unknown: 1 }, 'body'],
      [{ custom: { nope: 1 } }, 'custom.nope'],
      [{ ownerId: '00000000-0000-4000-8000-000000000000' }, 'ownerId'],
    ]
    for (const [body, field] of cases) {
      const res = await owner.client.patch(`/api/v1/clients/${c.id}`, body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      const fields = res.json().errors.map((e: { field: string }) => e.field)
      expect(
        fields.some((f: string) => f.startsWith(field)),
        `${JSON.stringify(body)} → ${fields}`,
      ).toBe(true)
    }
    expect((await owner.client.get(`/api/v1/clients/${c.id}`)).json().name).toBe('Kept')
  })
})

describe('member visibility', () => {
  it('a member sees only clients they own or are assigned to, on every route', async () => {
    const mine = await create(member, { name: 'Mine Ltd' })
    const assigned = await create(owner, { name: 'Assigned Ltd', assigneeIds: [member.id] })
    const hidden = await create(owner, { name: 'Hidden Ltd' })
    const list = (await member.client.get('/api/v1/clients?limit=200')).json()
    const ids = list.data.map((c: Client) => c.id)
    expect(ids).toContain(mine.id)
    expect(ids).toContain(assigned.id)
    expect(ids).not.toContain(hidden.id)
    expect((await member.client.get('/api/v1/clients/count')).json().count).toBe(ids.length)
    for (const [method, url, body] of [
      ['GET', `/api/v1/clients/${hidden.id}`],
      ['PATCH', `/api/v1/clients/${hidden.id}`, { name: 'x' }],
      ['POST', `/api/v1/clients/${hidden.id}/archive`],
      ['GET', `/api/v1/clients/${hidden.id}/activity`],
      ['GET', `/api/v1/clients/${hidden.id}/contacts`],
      ['POST', `/api/v1/clients/${hidden.id}/contacts`, { name: 'Sneaky' }],
    ] as const) {
      const res = await member.client.request({ method, url, payload: body as never })
      expect(res.statusCode, `${method} ${url}`).toBe(404)
    }
    const bulk = await member.client.post('/api/v1/clients/bulk', {
      action: 'tag',
      ids: [hidden.id, mine.id],
      tags: ['x'],
    })
    expect(bulk.json()).toEqual({ affected: 1 })
    expect((await owner.client.get(`/api/v1/clients/${hidden.id}`)).json().tags).toEqual([])
    // Search does not reveal hidden clients either.
    const search = (await member.client.get('/api/v1/clients?q=hidden')).json()
    expect(search.data).toEqual([])
  })

  it('a member cannot give a client away or take it from its owner', async () => {
    const mine = await create(member, { name: 'Keep Mine' })
    expect(
      (await member.client.post('/api/v1/clients', { name: 'For other', ownerId: other.id })).statusCode,
    ).toBe(403)
    expect((await member.client.patch(`/api/v1/clients/${mine.id}`, { ownerId: other.id })).statusCode).toBe(
      403,
    )
    const unassigned = await create(owner, { name: 'Shared', assigneeIds: [member.id] })
    expect(
      (await member.client.patch(`/api/v1/clients/${unassigned.id}`, { assigneeIds: [] })).statusCode,
    ).toBe(403)
  })

  it('another workspace sees nothing of these clients through any route', async () => {
    const c = await create(owner, { name: 'Tenant Bound', email: 'bound@example.com' })
    for (const [method, url, body] of [
      ['GET', `/api/v1/clients/${c.id}`],
      ['PATCH', `/api/v1/clients/${c.id}`, { name: 'stolen' }],
      ['DELETE', `/api/v1/clients/${c.id}`],
      ['POST', `/api/v1/clients/${c.id}/archive`],
      ['POST', `/api/v1/clients/${c.id}/restore`],
      ['GET', `/api/v1/clients/${c.id}/activity`],
      ['GET', `/api/v1/clients/${c.id}/contacts`],
      ['POST', `/api/v1/clients/${c.id}/contacts`, { name: 'x' }],
    ] as const) {
      const res = await outsider.client.request({ method, url, payload: body as never })
      expect(res.statusCode, `${method} ${url}`).toBe(404)
    }
    const list = (await outsider.client.get('/api/v1/clients?q=tenant bound')).json()
    expect(list.data).toEqual([])
    const bulk = await outsider.client.post('/api/v1/clients/bulk', { action: 'delete', ids: [c.id] })
    expect(bulk.json()).toEqual({ affected: 0 })
    expect((await owner.client.get(`/api/v1/clients/${c.id}`)).json().name).toBe('Tenant Bound')
  })

  it('tags and counts are scoped to what the caller may see', async () => {
    await create(owner, { name: 'Tagged Hidden', tags: ['only-owner'] })
    await create(member, { name: 'Tagged Mine', tags: ['member-tag'] })
    const ownerTags = (await owner.client.get('/api/v1/clients/tags'))
      .json()
      .data.map((t: { tag: string }) => t.tag)
    expect(ownerTags).toEqual(expect.arrayContaining(['only-owner', 'member-tag']))
    const memberTags = (await member.client.get('/api/v1/clients/tags')).json().data
    expect(memberTags.map((t: { tag: string }) => t.tag)).toContain('member-tag')
    expect(memberTags.map((t: { tag: string }) => t.tag)).not.toContain('only-owner')
    expect((await outsider.client.get('/api/v1/clients/tags')).json().data).toEqual([])
    expect((await outsider.client.get('/api/v1/clients/count')).json().count).toBe(0)
  })

  it('owner and assignees must be members of the workspace', async () => {
    const res = await owner.client.post('/api/v1/clients', { name: 'X', assigneeIds: [outsider.id] })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].field).toBe('assigneeIds.0')
  })
})

describe('contacts', () => {
  it('adds contacts, keeps one primary, and finds the client by a contact', async () => {
    const c = await create(owner, { name: 'Initech' })
    const a = await owner.client.post(`/api/v1/clients/${c.id}/contacts`, {
      name: 'Peter Gibbons',
      email: 'peter@initech.example',
    })
    expect(a.statusCode, a.body).toBe(201)
    expect(a.json()).toMatchObject({ isPrimary: true })
    const b = await owner.client.post(`/api/v1/clients/${c.id}/contacts`, {
      name: 'Bill Lumbergh',
      email: 'bill@initech.example',
      isPrimary: true,
    })
    expect(b.json().id).toMatch(/^con_/)
    const list = (await owner.client.get(`/api/v1/clients/${c.id}/contacts`)).json().data
    expect(
      list.filter((x: { isPrimary: boolean }) => x.isPrimary).map((x: { name: string }) => x.name),
    ).toEqual(['Bill Lumbergh'])
    expect((await owner.client.get(`/api/v1/clients/${c.id}`)).json().primaryContact.name).toBe(
      'Bill Lumbergh',
    )
    const found = (await owner.client.get('/api/v1/clients?q=lumbergh')).json().data
    expect(found.map((x: Client) => x.id)).toContain(c.id)

    const dup = await owner.client.post(`/api/v1/clients/${c.id}/contacts`, {
      name: 'Other',
      email: 'PETER@initech.example',
    })
    expect(dup.statusCode).toBe(409)
    expect(dup.json().errors[0].field).toBe('email')

    const upd = await owner.client.patch(`/api/v1/clients/${c.id}/contacts/${a.json().id}`, {
      role: 'Engineer',
    })
    expect(upd.json()).toMatchObject({ role: 'Engineer' })
    expect((await owner.client.del(`/api/v1/clients/${c.id}/contacts/${a.json().id}`)).statusCode).toBe(204)
    expect((await owner.client.get('/api/v1/clients?q=gibbons')).json().data).toEqual([])
    const actions = (await owner.client.get(`/api/v1/clients/${c.id}/activity`))
      .json()
      .data.map((x: { action: string }) => x.action)
    expect(actions).toEqual(
      expect.arrayContaining(['client.contact_added', 'client.contact_updated', 'client.contact_removed']),
    )
  })

  it('a contact id under another client is not found', async () => {
    const c1 = await create(owner, { name: 'One' })
    const c2 = await create(owner, { name: 'Two' })
    const k = (await owner.client.post(`/api/v1/clients/${c1.id}/contacts`, { name: 'K' })).json()
    expect(
      (await owner.client.patch(`/api/v1/clients/${c2.id}/contacts/${k.id}`, { name: 'x' })).statusCode,
    ).toBe(404)
    expect((await outsider.client.del(`/api/v1/clients/${c1.id}/contacts/${k.id}`)).statusCode).toBe(404)
  })
})
