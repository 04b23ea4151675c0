import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { memberships } from '../../kernel/tenancy/index.ts'

let t: TestApp
let owner: TestUser
let member: TestUser
let outsider: TestUser

type Client = { id: string; name: string; status: string; tags: string[]; custom: Record<string, unknown> }
type Page = { data: Client[]; nextCursor: string | null }

const names = (p: Page) => p.data.map((c) => c.name)

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Views Co' })
  member = await t.user({ workspace: false })
  outsider = await t.user({ workspace: 'Elsewhere' })
  await t.database.db
    .insert(memberships)
    .values({ workspaceId: owner.workspaceId as string, userId: member.id, role: 'member' })
  await member.client.put('/api/v1/me/active-workspace', { workspaceId: owner.workspaceId })

  const field = async (body: Record<string, unknown>) => {
    const res = await owner.client.post('/api/v1/custom-fields', body)
    expect(res.statusCode, res.body).toBe(201)
  }
  await field({
    key: 'industry',
    label: 'Industry',
    type: 'select',
    options: ['Retail', 'Software', 'Energy'],
  })
  await field({ key: 'budget', label: 'Budget', type: 'money', currency: 'EUR' })
  await field({ key: 'since', label: 'Customer since', type: 'date' })
  await field({ key: 'vip', label: 'VIP', type: 'checkbox', defaultValue: false })
  await field({ key: 'region_code', label: 'Region code', type: 'text' })
  await field({ key: 'channels', label: 'Channels', type: 'multi_select', options: ['email', 'phone'] })

  const rows: Record<string, unknown>[] = [
    {
      name: 'Northwind Traders',
      status: 'active',
      tags: ['retail', 'priority'],
      custom: { industry: 'Retail', budget: 500000, since: '2019-04-01', region_code: 'EMEA-North' },
    },
    {
      name: 'Contoso Pharmaceuticals',
      status: 'lead',
      tags: ['pharma'],
      custom: { industry: 'Energy', budget: 120000, since: '2021-01-15' },
    },
    {
      name: 'Fabrikam Software',
      status: 'active',
      tags: ['priority'],
      custom: { industry: 'Software', budget: 900000, vip: true, channels: ['email'] },
    },
    { name: 'Tailspin Toys', status: 'archived', tags: [], custom: { industry: 'Retail' } },
    {
      name: 'Wide World Importers',
      status: 'active',
      tags: ['retail'],
      custom: { since: '2023-06-30', channels: ['email', 'phone'] },
    },
    { name: 'Adventure Works', status: 'lead', tags: [], custom: {} },
  ]
  for (const r of rows) expect((await owner.client.post('/api/v1/clients', r)).statusCode).toBe(201)
})
afterAll(() => t?.close())

describe('custom fields', () => {
  it('lists definitions in order and validates values by type on every write', async () => {
    const defs = (await owner.client.get('/api/v1/custom-fields')).json().data
    expect(defs.map((d: { key: string }) => d.key)).toEqual([
      'industry',
      'budget',
      'since',
      'vip',
      'region_code',
      'channels',
    ])
    expect(defs[0].id).toMatch(/^fld_/)
    const bad: [Record<string, unknown>, string][] = [
      [{ industry: 'Mining' }, 'custom.industry'],
      [{ budget: 12.5 }, 'custom.budget'],
      [{ since: '2023-02-30' }, 'custom.since'],
      [{ vip: 'yes' }, 'custom.vip'],
      [{ channels: ['fax'] }, 'custom.channels'],
      [{ region_code: 'x'.repeat(501) }, 'custom.region_code'],
    ]
    for (const [custom, field] of bad) {
      const res = await owner.client.post('/api/v1/clients', { name: 'Bad', custom })
      expect(res.statusCode, JSON.stringify(custom)).toBe(400)
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field)
    }
    const ok = (
      await owner.client.post('/api/v1/clients', { name: 'Good', custom: { industry: 'software' } })
    ).json()
    expect(ok.custom).toEqual({ industry: 'Software', vip: false })
    expect((await owner.client.del(`/api/v1/clients/${ok.id}`)).statusCode).toBe(204)
  })

  it('enforces required fields and defaults, and rejects bad definitions', async () => {
    const req = await owner.client.post('/api/v1/custom-fields', {
      key: 'tier',
      label: 'Tier',
      type: 'select',
      options: ['gold', 'silver'],
      required: true,
    })
    expect(req.statusCode).toBe(201)
    const missing = await owner.client.post('/api/v1/clients', { name: 'No tier' })
    expect(missing.json().errors[0]).toEqual({ field: 'custom.tier', message: 'is required' })
    expect(
      (await owner.client.patch(`/api/v1/custom-fields/${req.json().id}`, { required: false })).statusCode,
    ).toBe(200)
    expect(
      (await owner.client.post('/api/v1/custom-fields', { key: 'tier', label: 'Again', type: 'text' }))
        .statusCode,
    ).toBe(409)
    const cases: [Record<string, unknown>, string][] = [
      [{ key: 'Bad Key', label: 'x', type: 'text' }, 'key'],
      [{ key: 'sel', label: 'x', type: 'select' }, 'options'],
      [{ key: 'num', label: 'x', type: 'number', defaultValue: 'ten' }, 'defaultValue'],
      [{ key: 'kind2', label: 'x', type: 'colour' }, 'type'],
    ]
    for (const [body, field] of cases) {
      const res = await owner.client.post('/api/v1/custom-fields', body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field)
    }
    expect(
      (await member.client.post('/api/v1/custom-fields', { key: 'm', label: 'M', type: 'text' })).statusCode,
    ).toBe(403)
    expect(
      (await outsider.client.patch(`/api/v1/custom-fields/${req.json().id}`, { label: 'x' })).statusCode,
    ).toBe(404)
    expect((await outsider.client.del(`/api/v1/custom-fields/${req.json().id}`)).statusCode).toBe(404)
    expect((await owner.client.del(`/api/v1/custom-fields/${req.json().id}`)).statusCode).toBe(204)
  })
})

describe('search, filters and sort', () => {
  it('finds clients by partial words and with typos', async () => {
    expect(names((await owner.client.get('/api/v1/clients?q=nortwind')).json())).toContain(
      'Northwind Traders',
    )
    expect(names((await owner.client.get('/api/v1/clients?q=fabri')).json())).toContain('Fabrikam Software')
    expect(names((await owner.client.get('/api/v1/clients?q=co')).json())).toEqual([
      'Contoso Pharmaceuticals',
    ])
    expect(names((await owner.client.get('/api/v1/clients?q=emea-north')).json())).toEqual([
      'Northwind Traders',
    ])
    expect(names((await owner.client.get('/api/v1/clients?q=pharma')).json())[0]).toBe(
      'Contoso Pharmaceuticals',
    )
    expect((await owner.client.get('/api/v1/clients?q=zzzzzz')).json().data).toEqual([])
    expect((await owner.client.get('/api/v1/clients?q=%25')).statusCode).toBe(200)
  })

  it('filters by status, tag, owner, dates and custom fields, combined', async () => {
    const get = async (qs: string) =>
      names((await owner.client.get(`/api/v1/clients?sort=name&${qs}`)).json())
    expect(await get('status=lead')).toEqual(['Adventure Works', 'Contoso Pharmaceuticals'])
    expect(await get('status=active&tag=retail')).toEqual(['Northwind Traders', 'Wide World Importers'])
    expect(await get('tag=retail,priority')).toEqual(['Northwind Traders'])
    expect(await get('tag=retail,priority&tagMatch=all')).toEqual(['Northwind Traders'])
    expect(await get('tag=pharma,priority&tagMatch=any')).toEqual([
      'Contoso Pharmaceuticals',
      'Fabrikam Software',
      'Northwind Traders',
    ])
    expect(await get('cf.industry=retail')).toEqual(['Northwind Traders', 'Tailspin Toys'])
    expect(await get('cf.industry=retail,software&status=active')).toEqual([
      'Fabrikam Software',
      'Northwind Traders',
    ])
    expect(await get('cf.budget.min=200000')).toEqual(['Fabrikam Software', 'Northwind Traders'])
    expect(await get('cf.budget.max=200000')).toEqual(['Contoso Pharmaceuticals'])
    expect(await get('cf.since.min=2020-01-01&cf.since.max=2022-12-31')).toEqual(['Contoso Pharmaceuticals'])
    expect(await get('cf.vip=true')).toEqual(['Fabrikam Software'])
    expect(await get('cf.channels=phone')).toEqual(['Wide World Importers'])
    expect(await get('owner=me&q=traders')).toEqual(['Northwind Traders'])
    expect(await get('owner=none')).toEqual([])
    const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10)
    expect((await get(`createdFrom=${tomorrow}`)).length).toBe(0)
    expect((await get('createdTo=2000-01-01')).length).toBe(0)
  })

  it('suggests tags by prefix, most used first, within the limit', async () => {
    const tags = async (qs: string, viewer = owner) =>
      (await viewer.client.get(`/api/v1/clients/tags?${qs}`)).json().data.map((t: { tag: string }) => t.tag)
    expect(await tags('q=p')).toEqual(['priority', 'pharma'])
    expect(await tags('q=PR')).toEqual(['priority'])
    expect(await tags('q=p&limit=1')).toEqual(['priority'])
    expect(await tags('q=zzz')).toEqual([])
    expect(await tags('q=p', outsider)).toEqual([])
    expect((await owner.client.get('/api/v1/clients/tags?limit=0')).statusCode).toBe(400)
  })

  it('answers bad filters with the parameter at fault', async () => {
    for (const [qs, field] of [
      ['cf.nope=1', 'cf.nope'],
      ['cf.budget.min=lots', 'cf.budget.min'],
      ['cf.industry.min=1', 'cf.industry.min'],
      ['status=gone', 'status'],
      ['tag=a&tagMatch=some', 'tagMatch'],
      ['createdFrom=yesterday', 'createdFrom'],
      ['sort=colour', 'sort'],
      ['cursor=garbage', 'cursor'],
      ['limit=1000', 'limit'],
    ]) {
      const res = await owner.client.get(`/api/v1/clients?${qs}`)
      expect(res.statusCode, qs).toBe(400)
      expect(
        res
          .json()
          .errors.map((e: { field: string }) => e.field)
          .join(),
        qs,
      ).toContain(field)
    }
  })

  it('sorts by name, dates and custom fields, and pages with cursors without repeats', async () => {
    const all: string[] = []
    let cursor: string | null = null
    do {
      const qs: string = `/api/v1/clients?sort=-name&limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const p = (await owner.client.get(qs)).json() as Page
      all.push(...names(p))
      cursor = p.nextCursor
    } while (cursor)
    expect(all).toEqual([...all].sort((a, b) => b.toLowerCase().localeCompare(a.toLowerCase())))
    expect(new Set(all).size).toBe(all.length)
    const total = (await owner.client.get('/api/v1/clients/count')).json().count
    expect(all.length).toBe(total)

    const created: string[] = []
    cursor = null
    do {
      const p = (
        await owner.client.get(`/api/v1/clients?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      ).json() as Page
      created.push(...names(p))
      cursor = p.nextCursor
    } while (cursor)
    expect(created.length).toBe(total)
    expect(created[0]).toBe('Adventure Works')

    const byBudget = names((await owner.client.get('/api/v1/clients?sort=-cf.budget&cf.budget.min=1')).json())
    expect(byBudget).toEqual(['Fabrikam Software', 'Northwind Traders', 'Contoso Pharmaceuticals'])
    // A cursor belongs to its sort order.
    const p = (await owner.client.get('/api/v1/clients?sort=name&limit=1')).json() as Page
    expect((await owner.client.get(`/api/v1/clients?sort=-created&cursor=${p.nextCursor}`)).statusCode).toBe(
      400,
    )
  })

  it('search and filters see nothing when no workspace is set', async () => {
    const r = (await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'atrium_app', true)`)
      return tx.execute(
        sql`select (select count(*)::int from clients) as n, (select count(*)::int from search_records('client', 'northwind', 10)) as s`,
      )
    })) as unknown as { rows: { n: number; s: number }[] }
    expect(r.rows[0]).toEqual({ n: 0, s: 0 })
  })
})

describe('saved views', () => {
  it('saves, lists and deletes views per user', async () => {
    const res = await owner.client.post('/api/v1/clients/views', {
      name: 'Retail leads',
      query: { status: 'lead', tag: 'retail', cursor: 'x' },
    })
    expect(res.statusCode, res.body).toBe(201)
    const v = res.json()
    expect(v.id).toMatch(/^view_/)
    expect(v.query).toEqual({ status: 'lead', tag: 'retail' })
    expect(
      (await owner.client.get('/api/v1/clients/views')).json().data.map((x: { name: string }) => x.name),
    ).toEqual(['Retail leads'])
    expect((await member.client.get('/api/v1/clients/views')).json().data).toEqual([])
    expect((await member.client.del(`/api/v1/clients/views/${v.id}`)).statusCode).toBe(404)
    expect((await outsider.client.del(`/api/v1/clients/views/${v.id}`)).statusCode).toBe(404)
    expect(
      (await owner.client.post('/api/v1/clients/views', { name: '', query: {} })).json().errors[0].field,
    ).toBe('name')
    expect((await owner.client.del(`/api/v1/clients/views/${v.id}`)).statusCode).toBe(204)

    const display = { columns: ['name', 'cf.industry', 'owner'], widths: { name: 320 }, density: 'compact' }
    const board = await owner.client.post('/api/v1/clients/views', {
      name: 'Board',
      query: { layout: 'board', group: 'status' },
      display,
    })
    expect(board.statusCode, board.body).toBe(201)
    expect(board.json()).toMatchObject({ query: { layout: 'board', group: 'status' }, display })
    expect((await owner.client.get('/api/v1/clients/views')).json().data[0].display).toEqual(display)
    expect((await owner.client.get('/api/v1/clients?layout=board&group=status')).statusCode).toBe(200)
    for (const bad of [{ widths: { name: 5 } }, { density: 'huge' }, { columns: 'name' }, { extra: 1 }]) {
      const res = await owner.client.post('/api/v1/clients/views', { name: 'Bad', query: {}, display: bad })
      expect(res.statusCode, res.body).toBe(400)
      expect(res.json().errors[0].field).toMatch(/^display/)
    }
    expect((await owner.client.del(`/api/v1/clients/views/${board.json().id}`)).statusCode).toBe(204)
    const audit = (await owner.client.get('/api/v1/audit-logs?action=client_view')).json().data
    expect(audit.map((e: { action: string }) => e.action)).toEqual([
      'client_view.deleted',
      'client_view.created',
      'client_view.deleted',
      'client_view.created',
    ])
  })
})

describe('bulk actions', () => {
  it('tags, assigns and changes status on a selection, audited per client', async () => {
    const list = (await owner.client.get('/api/v1/clients?status=lead')).json() as Page
    const ids = list.data.map((c) => c.id)
    const tag = await owner.client.post('/api/v1/clients/bulk', { action: 'tag', ids, tags: ['Q4-push'] })
    expect(tag.json()).toEqual({ affected: ids.length })
    expect(names((await owner.client.get('/api/v1/clients?tag=q4-push&sort=name')).json())).toEqual([
      'Adventure Works',
      'Contoso Pharmaceuticals',
    ])
    expect(names((await owner.client.get('/api/v1/clients?q=q4-push')).json()).length).toBe(2)
    const again = await owner.client.post('/api/v1/clients/bulk', { action: 'tag', ids, tags: ['q4-push'] })
    expect(again.json()).toEqual({ affected: 0 })
    const assign = await owner.client.post('/api/v1/clients/bulk', {
      action: 'assign',
      ids,
      userId: member.id,
    })
    expect(assign.json()).toEqual({ affected: 2 })
    expect(names((await member.client.get('/api/v1/clients?sort=name')).json())).toEqual([
      'Adventure Works',
      'Contoso Pharmaceuticals',
    ])
    const activity = (await owner.client.get(`/api/v1/clients/${ids[0]}/activity`)).json().data
    expect(activity[0].changes.after).toEqual({ assigneeIds: [member.id] })
    expect(activity[1].changes).toEqual({
      before: { tags: expect.any(Array) },
      after: { tags: expect.arrayContaining(['q4-push']) },
    })
    const untag = await owner.client.post('/api/v1/clients/bulk', {
      action: 'untag',
      filter: { tag: 'q4-push' },
      tags: ['q4-push'],
    })
    expect(untag.json()).toEqual({ affected: 2 })
    expect((await owner.client.get('/api/v1/clients?tag=q4-push')).json().data).toEqual([])
  })

  it('archives all matching a filter and deletes only with the confirmed count', async () => {
    const count = (await owner.client.get('/api/v1/clients/count?cf.industry=retail')).json().count
    expect(count).toBe(2)
    const archive = await owner.client.post('/api/v1/clients/bulk', {
      action: 'archive',
      filter: { 'cf.industry': 'retail' },
    })
    expect(archive.json()).toEqual({ affected: 1 })
    const stale = await owner.client.post('/api/v1/clients/bulk', {
      action: 'delete',
      filter: { 'cf.industry': 'retail' },
      expectedCount: 5,
    })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().errors[0].field).toBe('expectedCount')
    expect(
      (await member.client.post('/api/v1/clients/bulk', { action: 'delete', filter: {} })).statusCode,
    ).toBe(403)
    const del = await owner.client.post('/api/v1/clients/bulk', {
      action: 'delete',
      filter: { 'cf.industry': 'retail' },
      expectedCount: count,
    })
    expect(del.json()).toEqual({ affected: 2 })
    expect((await owner.client.get('/api/v1/clients/count?cf.industry=retail')).json().count).toBe(0)
  })

  it('rejects incomplete bulk requests', async () => {
    for (const [body, field] of [
      [{ action: 'tag', ids: [] }, 'ids'],
      [{ action: 'tag', filter: {} }, 'tags'],
      [{ action: 'assign', filter: {} }, 'userId'],
      [{ action: 'status', filter: {} }, 'status'],
      [{ action: 'tag', tags: ['x'] }, 'ids'],
      [{ action: 'assign', filter: {}, userId: outsider.id }, 'userId'],
      [{ action: 'explode', filter: {} }, 'action'],
    ] as const) {
      const res = await owner.client.post('/api/v1/clients/bulk', body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(
        res
          .json()
          .errors.map((e: { field: string }) => e.field)
          .join(),
      ).toContain(field)
    }
  })
})
