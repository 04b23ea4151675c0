import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { noEvents } from '../../kernel/events/index.ts'
import { memberships } from '../../kernel/tenancy/index.ts'
import { createClient } from './service.ts'

let t: TestApp
let owner: TestUser
let admin: TestUser
let member: TestUser

type Entry = { action: string; targetId: string; changes: { before: unknown; after: unknown } }

async function join(u: TestUser, role: 'admin' | 'member') {
  await t.database.db
    .insert(memberships)
    .values({ workspaceId: owner.workspaceId as string, userId: u.id, role })
  await u.client.put('/api/v1/me/active-workspace', { workspaceId: owner.workspaceId })
}

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Write Path Co' })
  admin = await t.user({ workspace: false })
  member = await t.user({ workspace: false })
  await join(admin, 'admin')
  await join(member, 'member')
  const field = await owner.client.post('/api/v1/custom-fields', { key: 'tier', label: 'Tier', type: 'text' })
  expect(field.statusCode).toBe(201)
})
afterAll(() => t?.close())

const findByName = async (name: string) => {
  const res = await owner.client.get(`/api/v1/clients?q=${encodeURIComponent(name.toLowerCase())}`)
  return (res.json().data as { id: string; name: string }[]).find((c) => c.name === name)
}

async function activity(id: string): Promise<Entry[]> {
  return (await owner.client.get(`/api/v1/clients/${id}/activity`)).json().data
}

async function importCsv(u: TestUser, csv: string, duplicates: 'skip' | 'update' = 'skip') {
  const up = await u.client.request({
    method: 'POST',
    url: '/api/v1/clients/import?filename=path.csv',
    headers: { 'content-type': 'text/csv' },
    payload: csv,
  })
  expect(up.statusCode, up.body).toBe(201)
  const { id, mapping } = up.json()
  expect((await u.client.post(`/api/v1/clients/import/${id}/run`, { mapping, duplicates })).statusCode).toBe(
    202,
  )
  const deadline = Date.now() + 30_000
  for (;;) {
    const i = (await u.client.get(`/api/v1/clients/import/${id}`)).json()
    if (i.status === 'completed' || i.status === 'failed') return i
    if (Date.now() > deadline) throw new Error(`import still ${i.status}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('one write path for clients', () => {
  it('gives the same audit entry to a client created through the API, an import and the seed', async () => {
    const body = { name: 'Path Api', email: 'api@path.example', tags: ['b2b'], custom: { tier: 'gold' } }
    const api = await owner.client.post('/api/v1/clients', body)
    expect(api.statusCode).toBe(201)
    const imported = await importCsv(owner, 'Name,Email,Tags,Tier\nPath Import,import@path.example,b2b,gold')
    expect(imported).toMatchObject({ status: 'completed', created: 1 })
    // The demo seed writes through the module's service, as the owner, without events.
    const ctx = {
      db: t.database.db,
      workspaceId: owner.workspaceId as string,
      actor: { userId: owner.id, role: 'owner' as const },
      meta: {
        actorId: owner.id,
        actorLabel: owner.email,
        ipAddress: null,
        userAgent: 'atrium seed',
        requestId: null,
      },
    }
    await createClient({ events: noEvents }, ctx, {
      kind: 'company',
      name: 'Path Seed',
      email: 'seed@path.example',
      status: 'active',
      tags: ['b2b'],
      assigneeIds: [],
      legalName: null,
      phone: null,
      website: null,
      taxId: null,
      billingAddress: null,
      shippingAddress: null,
      currency: null,
      language: null,
      paymentTermsDays: null,
      notes: '',
      custom: { tier: 'gold' },
    })

    const entries = []
    for (const name of ['Path Api', 'Path Import', 'Path Seed']) {
      const c = await findByName(name)
      expect(c, `${name} is found by search`).toBeDefined()
      const [created] = await activity(c!.id)
      entries.push(created)
    }
    const shape = (e: Entry | undefined, name: string) => {
      const after = { ...(e?.changes.after as Record<string, unknown>) }
      expect(after.name).toBe(name)
      after.name = after.email = null
      return { action: e?.action, before: e?.changes.before, after }
    }
    const [api1, import1, seed1] = entries.map((e, i) =>
      shape(e, ['Path Api', 'Path Import', 'Path Seed'][i] as string),
    )
    expect(api1).toMatchObject({ action: 'client.created', before: null })
    expect(import1).toEqual(api1)
    expect(seed1).toEqual(api1)
  })

  it('gives the same audit entry to the same change made by hand, in bulk and by an import', async () => {
    const names = ['Change Api', 'Change Bulk', 'Change Import']
    const ids: string[] = []
    for (const name of names)
      ids.push(
        (
          await owner.client.post('/api/v1/clients', {
            name,
            email: `${name.split(' ')[1]?.toLowerCase()}@change.example`,
          })
        ).json().id,
      )
    expect((await owner.client.patch(`/api/v1/clients/${ids[0]}`, { tags: ['vip'] })).statusCode).toBe(200)
    const bulk = await owner.client.post('/api/v1/clients/bulk', {
      action: 'tag',
      ids: [ids[1]],
      tags: ['vip'],
    })
    expect(bulk.json()).toEqual({ affected: 1 })
    const imported = await importCsv(
      owner,
      'Name,Email,Tags\nChange Import,import@change.example,vip',
      'update',
    )
    expect(imported).toMatchObject({ status: 'completed', updated: 1 })
    const updates = []
    for (const id of ids) {
      const [latest] = await activity(id as string)
      updates.push({ action: latest?.action, changes: latest?.changes })
    }
    expect(updates[0]).toEqual({
      action: 'client.updated',
      changes: { before: { tags: [] }, after: { tags: ['vip'] } },
    })
    expect(updates[1]).toEqual(updates[0])
    expect(updates[2]).toEqual(updates[0])
    // And every path leaves the client findable by what changed.
    const tagged = (await owner.client.get('/api/v1/clients?tag=vip'))
      .json()
      .data.map((c: { id: string }) => c.id)
    expect(tagged.sort()).toEqual([...ids].sort())
  })
})

describe('the rules hold on every path', () => {
  it('a member cannot remove themselves from a client through a bulk action', async () => {
    const c = (
      await owner.client.post('/api/v1/clients', { name: 'Assigned To Member', assigneeIds: [member.id] })
    ).json()
    const res = await member.client.post('/api/v1/clients/bulk', {
      action: 'unassign',
      ids: [c.id],
      userId: member.id,
    })
    expect(res.statusCode).toBe(403)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(['assigneeIds'])
    // The same refusal as the single-client route, and nothing changed.
    const single = await member.client.patch(`/api/v1/clients/${c.id}`, { assigneeIds: [] })
    expect(single.statusCode).toBe(403)
    const after = (await owner.client.get(`/api/v1/clients/${c.id}`)).json()
    expect(after.assignees.map((a: { id: string }) => a.id)).toEqual([member.id])
    expect((await activity(c.id)).map((e) => e.action)).toEqual(['client.created'])
  })

  it('a member creating a client without an owner gets 403 naming ownerId, not 404', async () => {
    const res = await member.client.post('/api/v1/clients', { name: 'Nobody Owns This', ownerId: null })
    expect(res.statusCode).toBe(403)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(['ownerId'])
    const other = await member.client.post('/api/v1/clients', { name: 'For The Owner', ownerId: owner.id })
    expect(other.json().errors.map((e: { field: string }) => e.field)).toEqual(['ownerId'])
    expect(await findByName('Nobody Owns This')).toBeUndefined()
    // Without an owner it is the member's own.
    const mine = await member.client.post('/api/v1/clients', { name: 'Member Made' })
    expect(mine.json().owner.id).toBe(member.id)
  })

  it('sets the owner of many clients at once, for owners and admins only', async () => {
    const ids: string[] = []
    for (const name of ['Owned One', 'Owned Two'])
      ids.push((await owner.client.post('/api/v1/clients', { name, assigneeIds: [member.id] })).json().id)
    const refused = await member.client.post('/api/v1/clients/bulk', {
      action: 'setOwner',
      ids,
      userId: member.id,
    })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual(['ownerId'])
    const missing = await admin.client.post('/api/v1/clients/bulk', { action: 'setOwner', ids })
    expect(missing.statusCode).toBe(400)
    expect(missing.json().errors.map((e: { field: string }) => e.field)).toEqual(['userId'])
    const notMember = await admin.client.post('/api/v1/clients/bulk', {
      action: 'setOwner',
      ids,
      userId: crypto.randomUUID(),
    })
    expect(notMember.statusCode).toBe(400)
    const done = await admin.client.post('/api/v1/clients/bulk', {
      action: 'setOwner',
      ids,
      userId: member.id,
    })
    expect(done.json()).toEqual({ affected: 2 })
    const mine = (await member.client.get(`/api/v1/clients?owner=me`))
      .json()
      .data.map((c: { id: string }) => c.id)
    expect(mine).toEqual(expect.arrayContaining(ids))
    const [entry] = await activity(ids[0] as string)
    expect(entry).toMatchObject({
      action: 'client.updated',
      changes: { before: { ownerId: owner.id }, after: { ownerId: member.id } },
    })
    const none = await admin.client.post('/api/v1/clients/bulk', { action: 'setOwner', ids, userId: null })
    expect(none.json()).toEqual({ affected: 2 })
    expect((await owner.client.get(`/api/v1/clients/${ids[1]}`)).json().owner).toBeNull()
  })
})
