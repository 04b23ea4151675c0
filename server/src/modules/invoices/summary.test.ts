import { extractText } from 'unpdf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { shiftRound } from './summary.ts'

/** Balances (a client's, the workspace's), next numbers and the template preview, through HTTP. */
let t: TestApp
let owner: TestUser
let member: TestUser
let outsider: TestUser
let acme: string
let globex: string
let memberClient: string
let quiet: string
const today = new Date().toISOString().slice(0, 10)
const yearStart = `${today.slice(0, 4)}-01-01`
const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)

type Res = { statusCode: number; body: string; json(): unknown; headers: Record<string, unknown> }
const ok = <T = Record<string, unknown>>(res: Res, status = 200) => {
  expect(res.statusCode, res.body).toBe(status)
  return res.json() as T
}
const problem = (res: Res, status: number, field?: string) => {
  expect(res.statusCode, res.body).toBe(status)
  expect(String(res.headers['content-type'])).toContain('application/problem+json')
  const p = res.json() as { status: number; errors?: { field: string }[] }
  expect(p.status).toBe(status)
  if (field) expect(p.errors?.map((e) => e.field)).toContain(field)
}

/** A sent invoice of one line. */
async function invoice(
  as: TestUser,
  clientId: string,
  amount: number,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const d = ok<{ id: string }>(
    await as.client.post('/api/v1/invoices', {
      clientId,
      lines: [{ description: 'Work', unitPrice: amount }],
      ...extra,
    }),
    201,
  )
  ok(await as.client.post(`/api/v1/invoices/${d.id}/send`))
  return d.id
}
const pay = async (as: TestUser, invoiceId: string, amount: number, extra: Record<string, unknown> = {}) =>
  ok(
    await as.client.post('/api/v1/payments', {
      invoiceId,
      method: 'bank_transfer',
      amount,
      paidOn: today,
      ...extra,
    }),
    201,
  )

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Summary Co' })
  member = await joinWorkspace(t, owner.workspaceId!, 'member', 'Mo Member')
  outsider = await t.user({ workspace: 'Other Co' })
  const settings = ok<Record<string, unknown>>(await owner.client.get('/api/v1/invoice-settings'))
  ok(
    await owner.client.put('/api/v1/invoice-settings', {
      ...settings,
      updatedAt: undefined,
      baseCurrency: 'EUR',
      legal: { name: 'Summary Co', legalName: 'Summary Company Ltd', vatId: 'DE111222333' },
      numbering: {
        ...(settings.numbering as object),
        invoice: { pattern: 'S-{YYYY}-{SEQ:4}', reset: 'yearly' },
      },
    }),
  )
  const client = async (as: TestUser, name: string, currency: string) =>
    ok<{ id: string }>(await as.client.post('/api/v1/clients', { name, currency }), 201).id
  acme = await client(owner, 'Acme', 'EUR')
  globex = await client(owner, 'Globex', 'USD')
  quiet = await client(owner, 'Quiet', 'EUR')
  memberClient = await client(member, 'Member Client', 'EUR')

  // Acme: 100.00 overdue, 50.00 of which 20.00 paid today, 10.00 paid 15.00 (5.00 kept as credit).
  await invoice(owner, acme, 10_000, { issueDate: yearStart, dueDate: yearStart })
  await pay(owner, await invoice(owner, acme, 5_000, { dueDate: inAMonth }), 2_000)
  await pay(owner, await invoice(owner, acme, 1_000), 1_500, { keepExcessAsCredit: true })
  // A draft and a void invoice owe nothing.
  await owner.client.post('/api/v1/invoices', {
    clientId: acme,
    lines: [{ description: 'x', unitPrice: 999 }],
  })
  const voided = await invoice(owner, acme, 777)
  ok(await owner.client.post(`/api/v1/invoices/${voided}/void`, { reason: 'wrong' }))
  // Globex: $200.00 at 0.9 EUR per USD.
  await invoice(owner, globex, 20_000, { exchangeRate: '0.9' })
  // The member's own client: 7.00.
  await invoice(member, memberClient, 700)
  // Another workspace's invoices count nowhere here.
  const other = ok<{ id: string }>(
    await outsider.client.post('/api/v1/clients', { name: 'Far', currency: 'EUR' }),
    201,
  )
  await invoice(outsider, other.id, 123_456)
})
afterAll(() => t?.close())

describe('a client’s balance', () => {
  it('shows outstanding, overdue, paid this year and credit per currency', async () => {
    const b = ok(await owner.client.get(`/api/v1/clients/${acme}/balance`))
    expect(b).toEqual({
      clientId: acme,
      asOf: today,
      currencies: [
        {
          currency: 'EUR',
          outstanding: 13_000,
          outstandingCount: 2,
          overdue: 10_000,
          overdueCount: 1,
          paidThisYear: 3_000,
          credit: 500,
        },
      ],
    })
    const g = ok<{ currencies: { currency: string; outstanding: number }[] }>(
      await owner.client.get(`/api/v1/clients/${globex}/balance`),
    )
    expect(g.currencies).toMatchObject([{ currency: 'USD', outstanding: 20_000, overdue: 0, credit: 0 }])
    expect(ok(await owner.client.get(`/api/v1/clients/${quiet}/balance`))).toMatchObject({ currencies: [] })
  })

  it('counts a refund against what was paid and a credit payment against the credit', async () => {
    const id = await invoice(owner, quiet, 4_000)
    const p = ok<{ id: string }>(
      await owner.client.post('/api/v1/payments', {
        invoiceId: id,
        method: 'cash',
        amount: 4_000,
        paidOn: today,
      }),
      201,
    )
    ok(await owner.client.post(`/api/v1/payments/${p.id}/refund`, { amount: 1_000, refundedOn: today }), 201)
    ok(
      await owner.client.post('/api/v1/payments', {
        clientId: quiet,
        method: 'cash',
        amount: 600,
        paidOn: today,
        currency: 'EUR',
      }),
      201,
    )
    const b = ok<{ currencies: Record<string, unknown>[] }>(
      await owner.client.get(`/api/v1/clients/${quiet}/balance`),
    )
    expect(b.currencies).toEqual([
      expect.objectContaining({ currency: 'EUR', outstanding: 1_000, paidThisYear: 3_000, credit: 600 }),
    ])
  })

  it('answers 404 for a client the member does not see and another workspace’s client', async () => {
    problem(await member.client.get(`/api/v1/clients/${acme}/balance`), 404)
    problem(await outsider.client.get(`/api/v1/clients/${acme}/balance`), 404)
    expect(ok(await member.client.get(`/api/v1/clients/${memberClient}/balance`))).toMatchObject({
      currencies: [{ currency: 'EUR', outstanding: 700 }],
    })
  })

  it('refuses ids that are not client ids, naming the field', async () => {
    problem(await owner.client.get('/api/v1/clients/inv_123/balance'), 400, 'id')
    problem(await owner.client.get(`/api/v1/clients/${acme.toUpperCase()}/balance`), 400, 'id')
    expect((await t.client().get(`/api/v1/clients/${acme}/balance`)).statusCode).toBe(401)
  })
})

describe('the workspace summary', () => {
  it('adds up per currency and in the base currency at each invoice’s rate', async () => {
    const s = ok<{
      baseCurrency: string
      currencies: { currency: string; outstanding: number; overdue: number; paidThisMonth: number }[]
      base: {
        currency: string
        outstanding: number
        overdue: number
        paidThisMonth: number
        unconverted: string[]
      }
    }>(await owner.client.get('/api/v1/invoices/summary'))
    expect(s.baseCurrency).toBe('EUR')
    const eur = s.currencies.find((c) => c.currency === 'EUR')!
    const usd = s.currencies.find((c) => c.currency === 'USD')!
    // Acme 13,000 + Quiet 1,000 (the refund test above) + the member's 7.00; 30.00 + 30.00 paid.
    expect(eur).toMatchObject({ outstanding: 14_700, outstandingCount: 4, overdue: 10_000, overdueCount: 1 })
    expect(eur.paidThisMonth).toBe(6_000)
    expect(usd).toMatchObject({ outstanding: 20_000, outstandingCount: 1, overdue: 0, paidThisMonth: 0 })
    expect(s.base).toEqual({
      currency: 'EUR',
      outstanding: eur.outstanding + 18_000,
      overdue: 10_000,
      paidThisMonth: eur.paidThisMonth,
      unconverted: [],
    })
  })

  it('counts only the member’s clients for a member', async () => {
    const s = ok<{ currencies: unknown[]; base: unknown }>(
      await member.client.get('/api/v1/invoices/summary'),
    )
    expect(s.currencies).toEqual([
      {
        currency: 'EUR',
        outstanding: 700,
        outstandingCount: 1,
        overdue: 0,
        overdueCount: 0,
        paidThisMonth: 0,
      },
    ])
    expect(s.base).toMatchObject({ outstanding: 700, unconverted: [] })
  })

  it('names the currencies it could not convert once the base currency changes', async () => {
    const other = await t.user({ workspace: 'Base Change Co' })
    const c = ok<{ id: string }>(
      await other.client.post('/api/v1/clients', { name: 'Y', currency: 'JPY' }),
      201,
    )
    const settings = ok<Record<string, unknown>>(await other.client.get('/api/v1/invoice-settings'))
    const put = (baseCurrency: string) =>
      other.client.put('/api/v1/invoice-settings', { ...settings, updatedAt: undefined, baseCurrency })
    ok(await put('EUR'))
    await invoice(other, c.id, 1_000, { exchangeRate: '0.0065' }) // ¥1,000 → €6.50
    let s = ok<{ base: Record<string, unknown> }>(await other.client.get('/api/v1/invoices/summary'))
    expect(s.base).toEqual({
      currency: 'EUR',
      outstanding: 650,
      overdue: 0,
      paidThisMonth: 0,
      unconverted: [],
    })
    ok(await put('GBP'))
    s = ok(await other.client.get('/api/v1/invoices/summary'))
    expect(s.base).toEqual({
      currency: 'GBP',
      outstanding: 0,
      overdue: 0,
      paidThisMonth: 0,
      unconverted: ['JPY'],
    })
  })
})

describe('next numbers and the template preview', () => {
  it('gives the counter value the next number takes', async () => {
    const n = ok<{ asOf: string; next: Record<string, { yearly: number; monthly: number; never: number }> }>(
      await owner.client.get('/api/v1/invoice-settings/next-numbers'),
    )
    expect(n.asOf).toBe(today)
    // Six invoices sent by the owner and one by the member this year.
    expect(n.next.invoice).toMatchObject({ yearly: 8, never: 1 })
    expect(n.next.quote).toEqual({ yearly: 1, monthly: 1, never: 1 })
  })

  it('renders a sample invoice in each template with the workspace’s details', async () => {
    for (const template of ['classic', 'modern', 'compact']) {
      const res = await owner.client.get(
        `/api/v1/invoice-settings/preview.pdf?template=${template}&brandColor=%23aa3300`,
      )
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200)
      expect(res.headers['content-type']).toBe('application/pdf')
      expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
      const text = (await extractText(new Uint8Array(res.rawPayload), { mergePages: true })).text
      expect(text).toContain('Summary Co')
      expect(text).toContain('DE111222333')
      expect(text).toMatch(new RegExp(`S-${today.slice(0, 4)}-\\d{4}`))
    }
    problem(await owner.client.get('/api/v1/invoice-settings/preview.pdf?template=fancy'), 400, 'template')
    problem(await owner.client.get('/api/v1/invoice-settings/preview.pdf?brandColor=red'), 400, 'brandColor')
    expect((await outsider.client.get('/api/v1/invoice-settings/preview.pdf')).statusCode).toBe(200)
    const theirs = await outsider.client.get('/api/v1/invoice-settings/preview.pdf')
    expect((await extractText(new Uint8Array(theirs.rawPayload), { mergePages: true })).text).not.toContain(
      'DE111222333',
    )
  })
})

describe('shiftRound', () => {
  it('moves the decimal point and rounds half away from zero', () => {
    expect(shiftRound('18000.00000000', 0)).toBe(18_000)
    expect(shiftRound('6.50000000', 2)).toBe(650)
    expect(shiftRound('1234.5', -2)).toBe(12)
    expect(shiftRound('1250', -2)).toBe(13)
    expect(shiftRound('-1250', -2)).toBe(-13)
    expect(shiftRound('0.5', 0)).toBe(1)
    expect(shiftRound('0.049', 0)).toBe(0)
    expect(shiftRound('5', -1)).toBe(1)
    expect(shiftRound('4', -1)).toBe(0)
    expect(shiftRound(null, 2)).toBe(0)
  })
})
