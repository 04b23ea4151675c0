import { parse } from 'csv-parse/sync'
import { unzipSync } from 'fflate'
import { extractText } from 'unpdf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { exportLimits } from './export.ts'

/** Downloads of invoice lists: CSV with the list's filters. */
let t: TestApp
let owner: TestUser
let member: TestUser
let eur: string
let jpy: string
let memberClient: string

type Res = { statusCode: number; body: string; json(): unknown }
const ok = <T = { id: string }>(res: Res, status = 200) => {
  expect(res.statusCode, res.body).toBe(status)
  return res.json() as T
}
const rows = (body: string) => parse(body, { columns: true }) as Record<string, string>[]

async function invoice(user: TestUser, clientId: string, unitPrice: number, poNumber?: string, send = false) {
  const id = ok(
    await user.client.post('/api/v1/invoices', {
      clientId,
      poNumber,
      exchangeRate: clientId === jpy ? '160' : undefined,
      lines: [{ description: 'Work', unitPrice }],
    }),
    201,
  ).id
  if (send) ok(await user.client.post(`/api/v1/invoices/${id}/send`))
  return id
}

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Export Co' })
  member = await joinWorkspace(t, owner.workspaceId!, 'member', 'Mia Member')
  await owner.client.put('/api/v1/invoice-settings', {
    ...((await owner.client.get('/api/v1/invoice-settings')).json() as object),
    baseCurrency: 'EUR',
    updatedAt: undefined,
  })
  eur = ok(await owner.client.post('/api/v1/clients', { name: '@Evil Corp', currency: 'EUR' }), 201).id
  jpy = ok(await owner.client.post('/api/v1/clients', { name: 'Tokyo KK', currency: 'JPY' }), 201).id
  memberClient = ok(await member.client.post('/api/v1/clients', { name: 'Mine', currency: 'EUR' }), 201).id
})
afterAll(() => t?.close())

describe('GET /api/v1/invoices/export.csv', () => {
  it('streams the filter’s invoices page by page, amounts in the currency’s digits, formulas neutralised', async () => {
    const a = await invoice(owner, eur, 1_250, '=HYPERLINK("http://x")', true)
    const b = await invoice(owner, jpy, 1_250, undefined, true)
    const c = await invoice(owner, eur, 99, 'draft-one')
    exportLimits.page = 2
    try {
      const all = await owner.client.get('/api/v1/invoices/export.csv')
      expect(all.statusCode, all.body).toBe(200)
      expect(all.headers['content-type']).toMatch(/^text\/csv/)
      expect(all.headers['content-disposition']).toMatch(
        /attachment; filename="invoices-\d{4}-\d{2}-\d{2}\.csv"/,
      )
      const r = rows(all.body)
      expect(r.map((x) => x.id)).toEqual([a, b, c])
      expect(r[0]).toMatchObject({
        client: "'@Evil Corp",
        po_number: `'=HYPERLINK("http://x")`,
        total: '12.50',
        currency: 'EUR',
      })
      expect(r[0]!.number).toMatch(/^INV-/)
      expect(r[1]).toMatchObject({ total: '1250', balance: '1250', currency: 'JPY' })
      expect(r[2]).toMatchObject({ status: 'draft', total: '0.99', number: '' })

      const sent = rows((await owner.client.get('/api/v1/invoices/export.csv?status=sent&currency=EUR')).body)
      expect(sent.map((x) => x.id)).toEqual([a])
      const big = rows(
        (await owner.client.get('/api/v1/invoices/export.csv?totalMin=12.50&currency=EUR')).body,
      )
      expect(big.map((x) => x.id)).toEqual([a])
      const desc = rows((await owner.client.get('/api/v1/invoices/export.csv?sort=-created')).body)
      expect(desc.map((x) => x.id)).toEqual([c, b, a])
    } finally {
      exportLimits.page = 500
    }
  })

  it('answers a bad filter with a problem naming it, before any row', async () => {
    const bad = await owner.client.get('/api/v1/invoices/export.csv?status=nope')
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toMatch(/problem\+json/)
    expect((bad.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('status')
    const badOverdue = await owner.client.get('/api/v1/quotes/export.csv?overdue=true')
    expect(badOverdue.statusCode).toBe(400)
    expect((badOverdue.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('overdue')
  })

  it('gives a member only the invoices of the clients they see', async () => {
    const mine = await invoice(member, memberClient, 500)
    const r = rows((await member.client.get('/api/v1/invoices/export.csv')).body)
    expect(r.map((x) => x.id)).toEqual([mine])
  })
})

describe('GET /api/v1/invoices/export.zip', () => {
  const textOf = async (b: Uint8Array) => (await extractText(new Uint8Array(b), { mergePages: true })).text

  it('streams the chosen PDFs into one archive, a sent one as it was sent', async () => {
    const client = ok(
      await owner.client.post('/api/v1/clients', { name: 'Zipco Original', currency: 'EUR' }),
      201,
    ).id
    const sent = await invoice(owner, client, 4_200, 'ZIPTEST', true)
    const draftId = await invoice(owner, client, 100, 'ZIPTEST')
    ok(await owner.client.patch(`/api/v1/clients/${client}`, { name: 'Zipco Renamed' }))
    const number = ok<{ number: string }>(await owner.client.get(`/api/v1/invoices/${sent}`)).number
    const res = await owner.client.get(`/api/v1/invoices/export.zip?ids=${sent},${draftId}`)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toBe('application/zip')
    const files = unzipSync(new Uint8Array(res.rawPayload))
    expect(Object.keys(files).sort()).toEqual([`${number}.pdf`, `draft-${draftId}.pdf`].sort())
    const sentText = await textOf(files[`${number}.pdf`]!)
    expect(sentText).toContain(number)
    expect(sentText).toContain('Zipco Original')
    expect(await textOf(files[`draft-${draftId}.pdf`]!)).toContain('Zipco Renamed')

    const byFilter = await owner.client.get('/api/v1/invoices/export.zip?q=ZIPTEST&status=sent')
    expect(Object.keys(unzipSync(new Uint8Array(byFilter.rawPayload)))).toEqual([`${number}.pdf`])
  })

  it('refuses bad ids and filters with a problem, and leaves out what a member may not see', async () => {
    for (const ids of ['quo_nope', '%20', ',,']) {
      const bad = await owner.client.get(`/api/v1/invoices/export.zip?ids=${ids}`)
      expect(bad.statusCode).toBe(400)
      expect((bad.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('ids')
    }
    const badFilter = await owner.client.get('/api/v1/invoices/export.zip?dueFrom=2026-02-30')
    expect(badFilter.statusCode).toBe(400)
    const hidden = await invoice(owner, eur, 100)
    const mine = await invoice(member, memberClient, 100)
    const res = await member.client.get(`/api/v1/invoices/export.zip?ids=${hidden},${mine}`)
    expect(res.statusCode, res.body).toBe(200)
    expect(Object.keys(unzipSync(new Uint8Array(res.rawPayload)))).toEqual([`draft-${mine}.pdf`])
  })
})
