import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { memberships } from '../../kernel/tenancy/index.ts'

let t: TestApp
let owner: TestUser
let member: TestUser
let outsider: TestUser

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000' })
  owner = await t.user({ workspace: 'Fields Co' })
  member = await t.user({ workspace: false })
  outsider = await t.user({ workspace: 'Fields Elsewhere' })
  await t.database.db
    .insert(memberships)
    .values({ workspaceId: owner.workspaceId as string, userId: member.id, role: 'member' })
  await member.client.put('/api/v1/me/active-workspace', { workspaceId: owner.workspaceId })
})
afterAll(() => t?.close())

async function finishImport(u: TestUser, id: string) {
  const deadline = Date.now() + 30_000
  for (;;) {
    const i = (await u.client.get(`/api/v1/clients/import/${id}`)).json()
    if (i.status === 'completed' || i.status === 'failed') return i
    if (Date.now() > deadline) throw new Error(`import still ${i.status}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('custom fields of a record type', () => {
  it('are listed and created per record type, clients when none is given', async () => {
    const created = await owner.client.post('/api/v1/custom-fields?recordType=client', {
      key: 'tier',
      label: 'Tier',
      type: 'select',
      options: ['Gold', 'Silver'],
    })
    expect(created.statusCode).toBe(201)
    const byDefault = (await owner.client.get('/api/v1/custom-fields')).json().data
    const byType = (await owner.client.get('/api/v1/custom-fields?recordType=client')).json().data
    expect(byType).toEqual(byDefault)
    expect(byType.map((f: { key: string }) => f.key)).toContain('tier')
  })

  it('answers 400 naming recordType for a record type without custom fields', async () => {
    for (const res of [
      await owner.client.get('/api/v1/custom-fields?recordType=spaceship'),
      await owner.client.post('/api/v1/custom-fields?recordType=spaceship', {
        key: 'x',
        label: 'X',
        type: 'text',
      }),
      await owner.client.get('/api/v1/custom-fields?recordType=Not-A-Type'),
    ]) {
      expect(res.statusCode).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain('recordType')
    }
  })

  it('lets members read fields but not define them, and keeps workspaces apart', async () => {
    expect((await member.client.get('/api/v1/custom-fields')).statusCode).toBe(200)
    const refused = await member.client.post('/api/v1/custom-fields', {
      key: 'mine',
      label: 'Mine',
      type: 'text',
    })
    expect(refused.statusCode).toBe(403)
    const theirs = (await owner.client.get('/api/v1/custom-fields')).json().data[0]
    expect((await outsider.client.get('/api/v1/custom-fields')).json().data).toEqual([])
    expect(
      (await outsider.client.patch(`/api/v1/custom-fields/${theirs.id}`, { label: 'Stolen' })).statusCode,
    ).toBe(404)
    expect((await outsider.client.del(`/api/v1/custom-fields/${theirs.id}`)).statusCode).toBe(404)
  })
})

describe('money fields in currencies of 0 and 3 digits', () => {
  it('keep minor units through create, CSV import and CSV export', async () => {
    for (const [key, currency] of [
      ['price_jpy', 'JPY'],
      ['price_bhd', 'BHD'],
    ])
      expect(
        (await owner.client.post('/api/v1/custom-fields', { key, label: key, type: 'money', currency }))
          .statusCode,
      ).toBe(201)

    // Through the API: values are minor units (¥1,250 is 1250; BD 1.250 is 1250 fils).
    const made = await owner.client.post('/api/v1/clients', {
      name: 'Yen And Dinar',
      custom: { price_jpy: 1250, price_bhd: 1250 },
    })
    expect(made.statusCode).toBe(201)
    expect(made.json().custom).toMatchObject({ price_jpy: 1250, price_bhd: 1250 })

    // Through a CSV import: cells are amounts in the currency's own digits.
    const file = ['Name,price_jpy,price_bhd', 'Imported Yen,"1,250",1.250', 'Too Precise,12.5,1.2345'].join(
      '\n',
    )
    const up = await owner.client.request({
      method: 'POST',
      url: '/api/v1/clients/import?filename=money.csv',
      headers: { 'content-type': 'text/csv' },
      payload: file,
    })
    expect(up.statusCode).toBe(201)
    const { id, mapping } = up.json()
    expect(Object.values(mapping)).toEqual(['name', 'cf.price_jpy', 'cf.price_bhd'])
    const run = await owner.client.post(`/api/v1/clients/import/${id}/run`, { mapping, duplicates: 'skip' })
    expect(run.statusCode).toBe(202)
    const done = await finishImport(owner, id)
    expect(done).toMatchObject({ status: 'completed', created: 1, failed: 1 })
    expect(done.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'custom.price_bhd',
      'custom.price_jpy',
    ])
    const imported = (await owner.client.get('/api/v1/clients?q=imported%20yen')).json().data[0]
    expect(imported.custom).toMatchObject({ price_jpy: 1250, price_bhd: 1250 })

    // Through the CSV export: the same amounts as they were written.
    const csv = await owner.client.get('/api/v1/clients/export?sort=name')
    expect(csv.statusCode).toBe(200)
    const rows = parse(csv.body.replace(/^\ufeff/, ''), { columns: true }) as Record<string, string>[]
    const exported = rows.filter((r) => r.name === 'Imported Yen' || r.name === 'Yen And Dinar')
    expect(exported.map((r) => [r.price_jpy, r.price_bhd])).toEqual([
      ['1250', '1.250'],
      ['1250', '1.250'],
    ])
  })
})
