import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'

/** The invoice list's filters, declared on the record type and read by the kernel list engine. */
let t: TestApp
let owner: TestUser
let eur: string
let usd: string
const ids: Record<string, string> = {}

type Res = { statusCode: number; body: string; json(): unknown }
const ok = <T = { id: string }>(res: Res, status = 200) => {
  expect(res.statusCode, res.body).toBe(status)
  return res.json() as T
}
const list = async (query: string) =>
  ok<{ data: { id: string }[] }>(await owner.client.get(`/api/v1/invoices?limit=200&${query}`))
    .data.map((d) => d.id)
    .sort()
const named = (...keys: string[]) => keys.map((k) => ids[k]!).sort()
const badField = async (url: string) => {
  const r = await owner.client.get(url)
  expect(r.statusCode, r.body).toBe(400)
  return [...new Set((r.json() as { errors: { field: string }[] }).errors.map((e) => e.field))]
}

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Filters Co' })
  await owner.client.put('/api/v1/invoice-settings', {
    ...((await owner.client.get('/api/v1/invoice-settings')).json() as object),
    baseCurrency: 'EUR',
    updatedAt: undefined,
  })
  eur = ok(await owner.client.post('/api/v1/clients', { name: 'Alpha', currency: 'EUR' }), 201).id
  usd = ok(await owner.client.post('/api/v1/clients', { name: 'Beta', currency: 'USD' }), 201).id
  const make = async (
    key: string,
    clientId: string,
    unitPrice: number,
    issueDate: string,
    dueDate: string,
    send: boolean,
    exchangeRate?: string,
  ) => {
    ids[key] = ok(
      await owner.client.post('/api/v1/invoices', {
        clientId,
        issueDate,
        dueDate,
        exchangeRate,
        lines: [{ description: 'Work', unitPrice }],
      }),
      201,
    ).id
    if (send) ok(await owner.client.post(`/api/v1/invoices/${ids[key]}/send`))
  }
  await make('old', eur, 10_000, '2025-01-01', '2025-01-31', true) // sent, long past due
  await make('paid', eur, 5_000, '2025-02-01', '2025-02-28', true)
  ok(
    await owner.client.post('/api/v1/payments', {
      invoiceId: ids.paid,
      method: 'cash',
      amount: 5_000,
      paidOn: '2025-02-10',
    }),
    201,
  )
  await make('part', usd, 20_000, '2025-03-01', '2099-03-31', true, '0.9')
  ok(
    await owner.client.post('/api/v1/payments', {
      invoiceId: ids.part,
      method: 'cash',
      amount: 15_000,
      paidOn: '2025-03-10',
    }),
    201,
  )
  await make('draft', eur, 1_250, '2025-04-01', '2025-04-30', false)
})
afterAll(() => t?.close())

describe('invoice list filters', () => {
  it('filters by several statuses, client and currency', async () => {
    expect(await list('status=paid,partially_paid')).toEqual(named('paid', 'part'))
    expect(await list(`client=${usd}`)).toEqual(named('part'))
    expect(await list(`client=${eur},${usd}&status=draft`)).toEqual(named('draft'))
    expect(await list('currency=USD')).toEqual(named('part'))
  })

  it('filters by issue and due date ranges', async () => {
    expect(await list('issuedFrom=2025-02-01&issuedTo=2025-03-01')).toEqual(named('paid', 'part'))
    expect(await list('dueTo=2025-02-28')).toEqual(named('old', 'paid'))
    expect(await list('dueFrom=2025-04-30')).toEqual(named('part', 'draft'))
  })

  it('filters by total and amount due, in minor units or a decimal in one currency', async () => {
    expect(await list('totalMin=10000')).toEqual(named('old', 'part'))
    expect(await list('totalMax=5000')).toEqual(named('paid', 'draft'))
    expect(await list('totalMin=12.50&totalMax=12.50&currency=EUR')).toEqual(named('draft'))
    expect(await list('balanceMin=1&balanceMax=5000')).toEqual(named('part', 'draft'))
    expect(await list('balanceMax=0')).toEqual(named('paid'))
  })

  it('filters overdue invoices (open, past due, something left to pay)', async () => {
    expect(await list('overdue=true')).toEqual(named('old'))
    expect(await list('overdue=false')).toEqual(named('paid', 'part', 'draft'))
    const count = ok<{ count: number }>(await owner.client.get('/api/v1/invoices/count?overdue=true')).count
    expect(count).toBe(1)
  })

  it('names each bad parameter in a problem', async () => {
    expect(await badField('/api/v1/invoices?status=sent,nope')).toEqual(['status'])
    expect(await badField('/api/v1/invoices?client=cli_nope')).toEqual(['client'])
    expect(await badField('/api/v1/invoices?currency=euro')).toEqual(['currency'])
    expect(await badField('/api/v1/invoices?issuedFrom=2025-02-30')).toEqual(['issuedFrom'])
    expect(await badField('/api/v1/invoices?totalMin=12.50')).toEqual(['totalMin'])
    expect(await badField('/api/v1/invoices?totalMin=12.505&currency=EUR')).toEqual(['totalMin'])
    expect(await badField('/api/v1/invoices?balanceMax=-1')).toEqual(['balanceMax'])
    expect(await badField('/api/v1/invoices?overdue=maybe')).toEqual(['overdue'])
    expect(await badField('/api/v1/quotes?balanceMin=1')).toEqual(['balanceMin'])
  })
})
