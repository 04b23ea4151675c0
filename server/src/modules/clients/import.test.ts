import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { memberships } from '../../kernel/tenancy/index.ts'

let t: TestApp
let owner: TestUser
let member: TestUser
let outsider: TestUser

type Import = {
  id: string
  status: string
  headers: string[]
  mapping: Record<string, string | null>
  totalRows: number
  processedRows: number
  created: number
  updated: number
  skipped: number
  failed: number
  errors: { row: number; field: string; message: string }[]
}

const upload = (u: TestUser, body: string | Buffer, filename = 'clients.csv', type = 'text/csv') =>
  u.client.request({
    method: 'POST',
    url: `/api/v1/clients/import?filename=${filename}`,
    headers: { 'content-type': type },
    payload: body,
  })

async function finish(u: TestUser, id: string): Promise<Import> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const i = (await u.client.get(`/api/v1/clients/import/${id}`)).json() as Import
    if (i.status === 'completed' || i.status === 'failed') return i
    if (Date.now() > deadline) throw new Error(`import still ${i.status}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const FILE = [
  'Company,Email,Industry,Tags,City,Country,Contact name,Contact email,Budget,Street',
  'Northwind Traders,billing@northwind.example,Retail,retail;priority,Seattle,US,Nancy Davolio,nancy@northwind.example,1250.50,1 Pike St',
  'Contoso Ltd,hello@contoso.example,Software,,Redmond,US,,,,',
  'Broken Row,not-an-email,Retail,,,,,,,',
  'Fabrikam,,Mining,,,,,,,',
  '"Quoted, Inc.",quoted@example.com,Software,b2b,Paris,fr,,,99,',
].join('\n')

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000' })
  owner = await t.user({ workspace: 'Import Co' })
  member = await t.user({ workspace: false })
  outsider = await t.user({ workspace: 'Import Elsewhere' })
  await t.database.db
    .insert(memberships)
    .values({ workspaceId: owner.workspaceId as string, userId: member.id, role: 'member' })
  await member.client.put('/api/v1/me/active-workspace', { workspaceId: owner.workspaceId })
  await owner.client.post('/api/v1/custom-fields', {
    key: 'industry',
    label: 'Industry',
    type: 'select',
    options: ['Retail', 'Software'],
  })
  await owner.client.post('/api/v1/custom-fields', {
    key: 'budget',
    label: 'Budget',
    type: 'money',
    currency: 'USD',
  })
})
afterAll(() => t?.close())

describe('CSV import', () => {
  let first: Import

  it('uploads, auto-maps columns by header (custom fields too) and shows samples', async () => {
    const res = await upload(owner, `\ufeff${FILE}`)
    expect(res.statusCode, res.body).toBe(201)
    first = res.json()
    expect(first.id).toMatch(/^imp_/)
    expect(first).toMatchObject({
      status: 'uploaded',
      totalRows: 5,
      headers: expect.arrayContaining(['Company']),
    })
    expect(first.mapping).toEqual({
      '0': 'name',
      '1': 'email',
      '2': 'cf.industry',
      '3': 'tags',
      '4': 'billingAddress.city',
      '5': 'billingAddress.country',
      '6': 'contact.name',
      '7': 'contact.email',
      '8': 'cf.budget',
      '9': 'billingAddress.line1',
    })
    expect(res.json().sample[0][0]).toBe('Northwind Traders')
  })

  it('dry run reports each bad row with its line number and reason, writing nothing', async () => {
    const res = await owner.client.post(`/api/v1/clients/import/${first.id}/check`, {
      mapping: first.mapping,
      duplicates: 'skip',
    })
    expect(res.statusCode, res.body).toBe(200)
    const c = res.json() as Import
    expect(c).toMatchObject({ status: 'checked', created: 3, failed: 2, skipped: 0 })
    expect(c.errors).toEqual([
      { row: 4, field: 'email', message: expect.stringContaining('email') },
      { row: 5, field: 'custom.industry', message: expect.stringContaining('Retail, Software') },
    ])
    expect((await owner.client.get('/api/v1/clients/count')).json().count).toBe(0)
    const report = await owner.client.get(`/api/v1/clients/import/${first.id}/errors`)
    expect(report.headers['content-type']).toContain('text/csv')
    const rows = parse(report.body) as string[][]
    expect(rows[0]?.slice(0, 4)).toEqual(['row', 'field', 'error', 'Company'])
    expect(rows[1]?.slice(0, 4)).toEqual(['4', 'email', expect.any(String), 'Broken Row'])
  })

  it('runs in the background: good rows in, bad rows out, with contacts, fields and an audit trail', async () => {
    const res = await owner.client.post(`/api/v1/clients/import/${first.id}/run`, {
      mapping: first.mapping,
      duplicates: 'skip',
    })
    expect(res.statusCode, res.body).toBe(202)
    expect(res.json().status).toBe('queued')
    const done = await finish(owner, first.id)
    expect(done).toMatchObject({ status: 'completed', created: 3, failed: 2, processedRows: 5 })
    const listRes = await owner.client.get('/api/v1/clients?sort=name')
    expect(listRes.statusCode, listRes.body).toBe(200)
    const list = listRes.json().data
    expect(list.map((c: { name: string }) => c.name)).toEqual([
      'Contoso Ltd',
      'Northwind Traders',
      'Quoted, Inc.',
    ])
    const nw = list[1]
    expect(nw).toMatchObject({
      email: 'billing@northwind.example',
      tags: ['retail', 'priority'],
      custom: { industry: 'Retail', budget: 125050 },
      billingAddress: expect.objectContaining({ line1: '1 Pike St', city: 'Seattle', country: 'US' }),
      primaryContact: expect.objectContaining({ name: 'Nancy Davolio' }),
    })
    expect(list[2].billingAddress.country).toBe('FR')
    const activity = (await owner.client.get(`/api/v1/clients/${nw.id}/activity`)).json().data
    expect(activity[0]).toMatchObject({
      action: 'client.created',
      // The same entry as a client created by hand: one write path, one audit shape.
      changes: {
        before: null,
        after: expect.objectContaining({ name: 'Northwind Traders', email: 'billing@northwind.example' }),
      },
    })
    const audit = (await owner.client.get('/api/v1/audit-logs?action=client_import')).json().data
    expect(audit[0]).toMatchObject({
      action: 'client_import.started',
      targetId: first.id,
      changes: { after: { rows: 5 } },
    })
    // A run cannot be started twice.
    expect(
      (await owner.client.post(`/api/v1/clients/import/${first.id}/run`, { mapping: first.mapping }))
        .statusCode,
    ).toBe(409)
  })

  it('re-running the fixed file skips or updates existing clients instead of duplicating them', async () => {
    const fixed = FILE.replace('not-an-email', 'broken@example.com')
      .replace('Mining', 'Retail')
      .replace('Redmond', 'Bellevue')
    const again = (await upload(owner, fixed)).json() as Import
    const check = (
      await owner.client.post(`/api/v1/clients/import/${again.id}/check`, {
        mapping: again.mapping,
        duplicates: 'skip',
      })
    ).json()
    expect(check).toMatchObject({ created: 2, skipped: 3, failed: 0 })
    await owner.client.post(`/api/v1/clients/import/${again.id}/run`, {
      mapping: again.mapping,
      duplicates: 'skip',
    })
    expect(await finish(owner, again.id)).toMatchObject({ created: 2, skipped: 3, failed: 0 })
    expect((await owner.client.get('/api/v1/clients/count')).json().count).toBe(5)

    const third = (await upload(owner, fixed)).json() as Import
    await owner.client.post(`/api/v1/clients/import/${third.id}/run`, {
      mapping: third.mapping,
      duplicates: 'update',
    })
    expect(await finish(owner, third.id)).toMatchObject({ created: 0, updated: 5 })
    expect((await owner.client.get('/api/v1/clients/count')).json().count).toBe(5)
    const contoso = (await owner.client.get('/api/v1/clients?q=contoso')).json().data[0]
    expect(contoso.billingAddress.city).toBe('Bellevue')
  })

  it('maps columns by hand and checks the mapping', async () => {
    const i = (await upload(owner, 'Org;Mail\nHooli;info@hooli.example\n')).json() as Import
    expect(i.headers).toEqual(['Org', 'Mail'])
    expect(i.mapping).toEqual({ '0': null, '1': 'email' })
    const bad = await owner.client.post(`/api/v1/clients/import/${i.id}/check`, {
      mapping: { '0': 'cf.nope', '1': 'email' },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['mapping.0', 'mapping'])
    const dup = await owner.client.post(`/api/v1/clients/import/${i.id}/check`, {
      mapping: { '0': 'name', '1': 'name' },
    })
    expect(dup.json().errors[0].field).toBe('mapping.1')
    const ok = await owner.client.post(`/api/v1/clients/import/${i.id}/check`, {
      mapping: { '0': 'name', '1': 'email' },
    })
    expect(ok.json()).toMatchObject({ created: 1, failed: 0 })
  })

  it('rejects files it cannot read with a clear problem', async () => {
    const latin1 = Buffer.from('Name,City\nCaf\xe9 Ol\xe9,M\xfcnchen\n', 'latin1')
    const cases: [string | Buffer, RegExp, string?][] = [
      [latin1, /not UTF-8/],
      [Buffer.from('\ufeffName\nA\n', 'utf16le'), /UTF-16/],
      ['Name,Email\n"unterminated,x@example.com\n', /not valid CSV/],
      ['Name,Email\n', /no rows/],
      ['', /empty|body/],
    ]
    for (const [body, detail] of cases) {
      const res = await upload(owner, body)
      expect(res.statusCode, String(detail)).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json().detail).toMatch(detail)
    }
    const wrongType = await owner.client.request({
      method: 'POST',
      url: '/api/v1/clients/import',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    })
    expect(wrongType.statusCode).toBe(415)
    expect(wrongType.json().errors[0].field).toBe('content-type')
    const huge = await upload(owner, Buffer.alloc(50 * 1024 * 1024, 'a'))
    expect(huge.statusCode).toBe(413)
    expect(huge.headers['content-type']).toContain('application/problem+json')
  })

  it('is for owners and admins, and each import is private to its uploader', async () => {
    expect((await upload(member, FILE)).statusCode).toBe(403)
    const mine = (await upload(owner, FILE)).json() as Import
    expect((await outsider.client.get(`/api/v1/clients/import/${mine.id}`)).statusCode).toBe(404)
    expect(
      (await outsider.client.post(`/api/v1/clients/import/${mine.id}/run`, { mapping: mine.mapping }))
        .statusCode,
    ).toBe(404)
    expect((await outsider.client.get(`/api/v1/clients/import/${mine.id}/errors`)).statusCode).toBe(404)
  })
})

describe('CSV export', () => {
  it('streams the current view with every column and neutralises formulas', async () => {
    const evil = await owner.client.post('/api/v1/clients', {
      name: '=HYPERLINK("http://evil.example","x")',
      tags: ['export'],
      custom: { industry: 'Retail' },
    })
    expect(evil.statusCode).toBe(201)
    await owner.client.post('/api/v1/clients', {
      name: '+cmd',
      tags: ['export'],
      legalName: '@SUM(1)',
      phone: '-2+3',
    })
    const res = await owner.client.get('/api/v1/clients/export?tag=export&sort=name')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/csv')
    expect(res.headers['content-disposition']).toMatch(
      /attachment; filename="clients-\d{4}-\d{2}-\d{2}\.csv"/,
    )
    const rows = parse(res.body, { columns: true }) as Record<string, string>[]
    expect(rows.map((r) => r.name)).toEqual(["'+cmd", `'=HYPERLINK("http://evil.example","x")`])
    expect(rows[0]).toMatchObject({ legal_name: "'@SUM(1)", phone: "'-2+3", tags: 'export' })
    expect(rows[1]).toMatchObject({ industry: 'Retail', budget: '' })
    expect(Object.keys(rows[0] as object)).toEqual(
      expect.arrayContaining(['id', 'email', 'status', 'owner', 'billing_city', 'created_at']),
    )
  })

  it('exports only what a member may see, and nothing across workspaces', async () => {
    const rows = parse((await member.client.get('/api/v1/clients/export')).body) as string[][]
    expect(rows.length).toBe(1)
    const other = parse((await outsider.client.get('/api/v1/clients/export')).body) as string[][]
    expect(other.length).toBe(1)
  })
})
