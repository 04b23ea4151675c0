import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { auditLogs } from '../../kernel/audit/index.ts'
import { sweepDueDocuments } from './lifecycle.ts'

let t: TestApp
let owner: TestUser
let admin: TestUser
let member: TestUser
let outsider: TestUser
let clientId: string
let eurClientId: string
let memberClientId: string
let vat: string
let reduced: string

type Doc = {
  id: string
  number: string | null
  status: string
  total: number
  balance: number
  paid: number
  credited: number
  currency: string
  lines: { id: string; total: number; net: number; tax: number }[]
  [k: string]: unknown
}

const ok = <T = Doc>(res: { statusCode: number; body: string; json(): unknown }, status = 200) => {
  expect(res.statusCode, res.body).toBe(status)
  return res.json() as T
}
const problem = (
  res: { statusCode: number; body: string; json(): unknown },
  status: number,
  field?: string,
) => {
  expect(res.statusCode, res.body).toBe(status)
  const p = res.json() as { status: number; errors?: { field: string }[] }
  expect(p.status).toBe(status)
  if (field) expect(p.errors?.map((e) => e.field)).toContain(field)
  return p
}

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Billing Co' })
  admin = await joinWorkspace(t, owner.workspaceId!, 'admin')
  member = await joinWorkspace(t, owner.workspaceId!, 'member', 'Mia Member')
  outsider = await t.user({ workspace: 'Elsewhere' })
  clientId = ok<{ id: string }>(
    await owner.client.post('/api/v1/clients', { name: 'Northwind', currency: 'USD', paymentTermsDays: 14 }),
    201,
  ).id
  eurClientId = ok<{ id: string }>(
    await owner.client.post('/api/v1/clients', { name: 'Contoso', currency: 'EUR' }),
    201,
  ).id
  memberClientId = ok<{ id: string }>(
    await member.client.post('/api/v1/clients', { name: 'Member Client' }),
    201,
  ).id
  ok(
    await owner.client.put('/api/v1/invoice-settings', {
      baseCurrency: 'USD',
      paymentTermsDays: 30,
      quoteValidDays: 30,
      numbering: {
        invoice: { pattern: 'INV-{YYYY}-{SEQ:5}', reset: 'yearly' },
        quote: { pattern: 'Q{SEQ:3}', reset: 'never' },
        credit_note: { pattern: 'CN-{YYYY}-{SEQ}', reset: 'yearly' },
      },
      defaultNotes: 'Thanks!',
      defaultTerms: null,
      defaultFooter: null,
      paymentInstructions: null,
      legal: {
        name: 'Billing Co',
        address: { line1: '1 Road', city: 'Town', postalCode: '1000', countryCode: 'US' },
      },
      template: 'modern',
      brandColor: '#112233',
      reminders: { enabled: true, daysBefore: [3], daysAfter: [7] },
    }),
  )
  vat = ok<{ id: string }>(
    await owner.client.post('/api/v1/tax-rates', { name: 'VAT', percent: '20' }),
    201,
  ).id
  reduced = ok<{ id: string }>(
    await owner.client.post('/api/v1/tax-rates', { name: 'Local', percent: '2.5', compound: true }),
    201,
  ).id
})
afterAll(() => t?.close())

const draft = async (u: TestUser, body: Record<string, unknown>, path = '/api/v1/invoices') =>
  ok(await u.client.post(path, { clientId, ...body }), 201)

describe('catalog and tax rates', () => {
  it('keeps products with money in minor units, archives, restores and searches them', async () => {
    const p = ok<{ id: string; unitPrice: number }>(
      await owner.client.post('/api/v1/products', {
        name: 'Consulting hour',
        unit: 'hour',
        unitCode: 'HUR',
        unitPrice: 12_500,
        currency: 'USD',
        taxRateIds: [vat],
      }),
      201,
    )
    expect(p.id).toMatch(/^prd_[0-9a-f]{32}$/)
    const found = ok<{ data: { id: string }[] }>(await member.client.get('/api/v1/products?q=consultng'))
    expect(found.data.map((x) => x.id)).toContain(p.id)
    ok(await owner.client.post(`/api/v1/products/${p.id}/archive`))
    expect(
      ok<{ data: unknown[] }>(await owner.client.get('/api/v1/products?q=consulting')).data,
    ).toHaveLength(0)
    expect(
      ok<{ data: unknown[] }>(await owner.client.get('/api/v1/products?archived=true')).data,
    ).toHaveLength(1)
    ok(await owner.client.post(`/api/v1/products/${p.id}/restore`))
    problem(
      await owner.client.post('/api/v1/products', { name: 'X', unitPrice: 1.5, currency: 'USD' }),
      400,
      'unitPrice',
    )
    problem(
      await owner.client.post('/api/v1/products', { name: 'X', unitPrice: 10 ** 15 + 1, currency: 'USD' }),
      400,
      'unitPrice',
    )
    problem(
      await owner.client.post('/api/v1/products', {
        name: 'X',
        unitPrice: 1,
        currency: 'USD',
        taxRateIds: [`tax_${'0'.repeat(32)}`],
      }),
      400,
      'taxRateIds',
    )
    problem(
      await owner.client.post('/api/v1/products', { name: 'X', unitPrice: 1, currency: 'XYZ' }),
      400,
      'currency',
    )
  })

  it('keeps tax rates as exact decimals; only owners and admins change them', async () => {
    const r = ok<{ percent: string }>(await owner.client.get(`/api/v1/tax-rates/${reduced}`))
    expect(r.percent).toBe('2.5')
    problem(await member.client.post('/api/v1/tax-rates', { name: 'No', percent: '1' }), 403)
    problem(await owner.client.post('/api/v1/tax-rates', { name: 'No', percent: '1.00001' }), 400, 'percent')
    problem(await owner.client.post('/api/v1/tax-rates', { name: 'No', percent: '101' }), 400, 'percent')
  })

  it('refuses numbering patterns that would repeat, and members changing settings', async () => {
    const s = ok<Record<string, unknown>>(await owner.client.get('/api/v1/invoice-settings'))
    const body = { ...s, updatedAt: undefined }
    problem(
      await owner.client.put('/api/v1/invoice-settings', {
        ...body,
        numbering: { ...(s.numbering as object), invoice: { pattern: 'INV-{SEQ}', reset: 'yearly' } },
      }),
      400,
      'numbering.invoice.pattern',
    )
    problem(await member.client.put('/api/v1/invoice-settings', body), 403)
  })
})

describe('invoices', () => {
  it('drafts with exact totals, sends with a number, and freezes what was sent', async () => {
    const d = await draft(member, {
      clientId: memberClientId,
      lines: [
        { description: 'Design', quantity: '2.5', unitPrice: 10_000, taxRateIds: [vat] },
        {
          description: 'Hosting',
          quantity: 1,
          unitPrice: 999,
          discount: { type: 'percent', value: '10' },
          taxRateIds: [vat, reduced],
        },
      ],
      discount: { type: 'amount', value: 1_000 },
      shipping: 500,
    })
    expect(d.status).toBe('draft')
    expect(d.number).toBeNull()
    expect(d.currency).toBe('USD')
    expect(d.notes).toBe('Thanks!')
    expect(d.total).toBe(d.lines.reduce((a, l) => a + l.total, 0) + 500)
    // 25,000 + 899 = 25,899 subtotal, 1,000 off shared 965/35
    expect(d.subtotal).toBe(25_899)
    const sent = ok(await member.client.post(`/api/v1/invoices/${d.id}/send`))
    expect(sent.status).toBe('sent')
    expect(sent.number).toMatch(/^INV-\d{4}-\d{5}$/)
    expect(sent.issueDate).toBe(new Date().toISOString().slice(0, 10))
    expect(sent.dueDate).not.toBeNull()
    problem(await member.client.patch(`/api/v1/invoices/${d.id}`, { poNumber: 'changed' }), 409)
    problem(await member.client.post(`/api/v1/invoices/${d.id}/send`), 409)
    const audit = await t.database.db.select().from(auditLogs)
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['invoice.created', 'invoice.sent']))
  })

  it('saves a 200-line invoice in one request', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => ({
      description: `Line ${i + 1}`,
      quantity: String((i % 7) + 0.25),
      unitPrice: 1_000 + i,
      taxRateIds: i % 2 ? [vat] : [],
    }))
    const d = await draft(owner, { lines })
    expect(d.lines).toHaveLength(200)
    expect(d.total).toBe(d.lines.reduce((a, l) => a + l.total, 0))
    const again = ok(await owner.client.patch(`/api/v1/invoices/${d.id}`, { lines: lines.slice(0, 150) }))
    expect(again.lines).toHaveLength(150)
  })

  it('answers bad input with a problem naming the field, and changes nothing', async () => {
    const base = { description: 'x', quantity: '1', unitPrice: 100 }
    problem(
      await owner.client.post('/api/v1/invoices', { clientId, lines: [{ ...base, unitPrice: 10.5 }] }),
      400,
      'lines.0.unitPrice',
    )
    problem(
      await owner.client.post('/api/v1/invoices', { clientId, lines: [{ ...base, unitPrice: 10 ** 16 }] }),
      400,
      'lines.0.unitPrice',
    )
    problem(
      await owner.client.post('/api/v1/invoices', { clientId, lines: [{ ...base, quantity: '1.1234567' }] }),
      400,
      'lines.0.quantity',
    )
    problem(
      await owner.client.post('/api/v1/invoices', { clientId, issueDate: '2026-02-30', lines: [base] }),
      400,
      'issueDate',
    )
    problem(
      await owner.client.post('/api/v1/invoices', {
        clientId,
        issueDate: '2026-03-10',
        dueDate: '2026-03-01',
        lines: [base],
      }),
      400,
      'dueDate',
    )
    problem(
      await owner.client.post('/api/v1/invoices', {
        clientId,
        lines: [{ ...base, taxRateIds: [`tax_${'1'.repeat(32)}`] }],
      }),
      400,
      'lines.0.taxRateIds',
    )
    problem(
      await owner.client.post('/api/v1/invoices', {
        clientId,
        discount: { type: 'amount', value: 101 },
        lines: [base],
      }),
      400,
      'discount',
    )
    problem(
      await owner.client.post('/api/v1/invoices', {
        clientId,
        lines: [{ ...base, discount: { type: 'amount', value: 101 } }],
      }),
      400,
      'lines.0.discount',
    )
    problem(
      await owner.client.post('/api/v1/invoices', {
        clientId,
        lines: [{ ...base, quantity: '1000000', unitPrice: 10 ** 12 }],
      }),
      400,
    )
    problem(await member.client.post('/api/v1/invoices', { clientId, lines: [base] }), 400, 'clientId')
    const list = ok<{ data: unknown[] }>(
      await owner.client.get(`/api/v1/invoices?client=${clientId}&status=draft&totalMin=100&totalMax=100`),
    )
    expect(list.data).toHaveLength(0)
  })

  it('needs an exchange rate to send in another currency', async () => {
    const d = await draft(owner, { clientId: eurClientId, lines: [{ description: 'x', unitPrice: 100 }] })
    expect(d.currency).toBe('EUR')
    problem(await owner.client.post(`/api/v1/invoices/${d.id}/send`), 400, 'exchangeRate')
    ok(await owner.client.patch(`/api/v1/invoices/${d.id}`, { exchangeRate: '1.08' }))
    const sent = ok(await owner.client.post(`/api/v1/invoices/${d.id}/send`))
    expect(sent.exchangeRate).toBe('1.08')
  })

  it('takes payments, partial and full, keeps overpayment as credit, refunds, and voids only unpaid', async () => {
    const d = await draft(member, {
      clientId: memberClientId,
      lines: [{ description: 'Work', unitPrice: 10_000 }],
    })
    const sent = ok(await member.client.post(`/api/v1/invoices/${d.id}/send`))
    problem(
      await member.client.post('/api/v1/payments', {
        invoiceId: d.id,
        method: 'cash',
        amount: 100,
        paidOn: '2026-01-01',
        currency: 'EUR',
      }),
      400,
      'currency',
    )
    problem(
      await member.client.post('/api/v1/payments', {
        invoiceId: d.id,
        method: 'cash',
        amount: 10_001,
        paidOn: '2026-01-01',
      }),
      400,
      'amount',
    )
    const p1 = ok<{ id: string }>(
      await member.client.post('/api/v1/payments', {
        invoiceId: d.id,
        method: 'bank_transfer',
        amount: 4_000,
        paidOn: '2026-01-01',
        reference: 'T1',
      }),
      201,
    )
    let inv = ok(await member.client.get(`/api/v1/invoices/${d.id}`))
    expect(inv).toMatchObject({ status: 'partially_paid', paid: 4_000, balance: 6_000 })
    ok(
      await member.client.post('/api/v1/payments', {
        invoiceId: d.id,
        method: 'card',
        amount: 7_000,
        paidOn: '2026-01-02',
        keepExcessAsCredit: true,
      }),
      201,
    )
    inv = ok(await member.client.get(`/api/v1/invoices/${d.id}`))
    expect(inv).toMatchObject({ status: 'paid', paid: 10_000, balance: 0 })
    const credit = ok<{ credit: { currency: string; amount: number }[] }>(
      await member.client.get(`/api/v1/payments/credit/${memberClientId}`),
    )
    expect(credit.credit).toEqual([{ currency: 'USD', amount: 1_000 }])
    problem(
      await member.client.post(`/api/v1/payments/${p1.id}/refund`, { amount: 500, refundedOn: '2026-01-03' }),
      403,
    )
    ok(
      await admin.client.post(`/api/v1/payments/${p1.id}/refund`, { amount: 500, refundedOn: '2026-01-03' }),
      201,
    )
    inv = ok(await member.client.get(`/api/v1/invoices/${d.id}`))
    expect(inv).toMatchObject({ status: 'partially_paid', paid: 9_500, balance: 500 })
    problem(
      await admin.client.post(`/api/v1/payments/${p1.id}/refund`, {
        amount: 3_501,
        refundedOn: '2026-01-03',
      }),
      400,
      'amount',
    )
    // pay the rest from credit
    ok(
      await member.client.post('/api/v1/payments', {
        invoiceId: d.id,
        method: 'credit',
        amount: 500,
        paidOn: '2026-01-04',
      }),
      201,
    )
    inv = ok(await member.client.get(`/api/v1/invoices/${d.id}`))
    expect(inv).toMatchObject({ status: 'paid', balance: 0 })
    problem(await admin.client.post(`/api/v1/invoices/${d.id}/void`, { reason: 'oops' }), 409)
    problem(await member.client.post(`/api/v1/invoices/${sent.id}/void`, { reason: 'oops' }), 403)

    const other = await draft(owner, { lines: [{ description: 'Other', unitPrice: 5_000 }] })
    ok(await owner.client.post(`/api/v1/invoices/${other.id}/send`))
    problem(await admin.client.post(`/api/v1/invoices/${other.id}/void`, {}), 400, 'reason')
    const voided = ok(await admin.client.post(`/api/v1/invoices/${other.id}/void`, { reason: 'Sent twice' }))
    expect(voided).toMatchObject({ status: 'void', voidReason: 'Sent twice', balance: 0 })
    problem(
      await owner.client.post('/api/v1/payments', {
        invoiceId: other.id,
        method: 'cash',
        amount: 1,
        paidOn: '2026-01-01',
      }),
      409,
    )
  })

  it('credits some lines, then the rest, bringing the balance to zero', async () => {
    const d = await draft(owner, {
      lines: [
        { description: 'A', unitPrice: 3_333, taxRateIds: [vat] },
        { description: 'B', quantity: '3', unitPrice: 1_001, taxRateIds: [vat, reduced] },
      ],
      discount: { type: 'percent', value: '7.5' },
      shipping: 250,
    })
    const sent = ok(await owner.client.post(`/api/v1/invoices/${d.id}/send`))
    problem(await member.client.post('/api/v1/credit-notes', { invoiceId: d.id }), 403)
    const first = ok(
      await admin.client.post('/api/v1/credit-notes', { invoiceId: d.id, lineIds: [sent.lines[0]!.id] }),
      201,
    )
    expect(first.total).toBe(sent.lines[0]!.total)
    problem(
      await admin.client.post('/api/v1/credit-notes', { invoiceId: d.id, lineIds: [sent.lines[0]!.id] }),
      409,
      'lineIds',
    )
    const issued = ok(await admin.client.post(`/api/v1/credit-notes/${first.id}/issue`))
    expect(issued.status).toBe('issued')
    expect(issued.number).toMatch(/^CN-\d{4}-1$/)
    let inv = ok(await owner.client.get(`/api/v1/invoices/${d.id}`))
    expect(inv).toMatchObject({
      status: 'partially_paid',
      credited: first.total,
      balance: sent.total - first.total,
    })
    const rest = ok(await admin.client.post('/api/v1/credit-notes', { invoiceId: d.id }), 201)
    ok(await admin.client.post(`/api/v1/credit-notes/${rest.id}/issue`))
    inv = ok(await owner.client.get(`/api/v1/invoices/${d.id}`))
    expect(inv).toMatchObject({ status: 'paid', balance: 0, credited: sent.total })
    problem(await admin.client.post('/api/v1/credit-notes', { invoiceId: d.id }), 409)
  })

  it('marks overdue by the sweep, and the overdue filter finds it', async () => {
    const d = await draft(owner, {
      issueDate: '2020-01-01',
      dueDate: '2020-01-31',
      lines: [{ description: 'Old', unitPrice: 100 }],
    })
    ok(await owner.client.post(`/api/v1/invoices/${d.id}/send`))
    const viewed = ok(await owner.client.post(`/api/v1/invoices/${d.id}/mark-viewed`))
    expect(viewed.status).toBe('viewed')
    const overdue = ok<{ data: { id: string }[] }>(await owner.client.get('/api/v1/invoices?overdue=true'))
    expect(overdue.data.map((x) => x.id)).toContain(d.id)
    expect(await sweepDueDocuments(t.kernel.database, t.kernel.events)).toBeGreaterThan(0)
    expect(ok(await owner.client.get(`/api/v1/invoices/${d.id}`)).status).toBe('overdue')
    expect(await sweepDueDocuments(t.kernel.database, t.kernel.events)).toBe(0)
  })

  it('lists with search, filters, sorts and cursors; members see only their clients’ documents', async () => {
    const mine = await draft(member, {
      clientId: memberClientId,
      poNumber: 'PO-7788',
      lines: [{ description: 'Mine', unitPrice: 700 }],
    })
    const byPo = ok<{ data: { id: string }[] }>(await owner.client.get('/api/v1/invoices?q=PO-7788'))
    expect(byPo.data.map((x) => x.id)).toEqual([mine.id])
    const memberList = ok<{ data: { client: { id: string } }[] }>(
      await member.client.get('/api/v1/invoices?limit=200'),
    )
    expect(new Set(memberList.data.map((x) => x.client.id))).toEqual(new Set([memberClientId]))
    const all: string[] = []
    let cursor: string | null = null
    do {
      const page: { data: { id: string }[]; nextCursor: string | null } = ok(
        await owner.client.get(`/api/v1/invoices?limit=2&sort=-total${cursor ? `&cursor=${cursor}` : ''}`),
      )
      all.push(...page.data.map((x) => x.id))
      cursor = page.nextCursor
    } while (cursor)
    const count = ok<{ count: number }>(await owner.client.get('/api/v1/invoices/count'))
    expect(all).toHaveLength(count.count)
    expect(new Set(all).size).toBe(all.length)
    let keyset: string[] = []
    cursor = null
    do {
      const page: { data: { id: string }[]; nextCursor: string | null } = ok(
        await owner.client.get(`/api/v1/invoices?limit=3${cursor ? `&cursor=${cursor}` : ''}`),
      )
      keyset = keyset.concat(page.data.map((x) => x.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(keyset).toHaveLength(count.count)
    problem(await owner.client.get('/api/v1/invoices?cursor=bogus'), 400, 'cursor')
    problem(await owner.client.get('/api/v1/invoices?status=nope'), 400, 'status')
    problem(await outsider.client.get(`/api/v1/invoices/${mine.id}`), 404)
    problem(await member.client.del(`/api/v1/invoices/${mine.id}`), 403)
    expect((await admin.client.del(`/api/v1/invoices/${mine.id}`)).statusCode).toBe(204)
    problem(await admin.client.get(`/api/v1/invoices/${mine.id}`), 404)
  })
})

describe('quotes', () => {
  it('goes draft → sent → viewed → accepted → converted to a draft invoice', async () => {
    const q = await draft(
      member,
      { clientId: memberClientId, lines: [{ description: 'Plan', quantity: '2', unitPrice: 5_000 }] },
      '/api/v1/quotes',
    )
    expect(q.id).toMatch(/^quo_/)
    const sent = ok(await member.client.post(`/api/v1/quotes/${q.id}/send`))
    expect(sent.number).toBe('Q001')
    ok(await member.client.post(`/api/v1/quotes/${q.id}/mark-viewed`))
    problem(await member.client.post(`/api/v1/quotes/${q.id}/convert`), 409)
    problem(await member.client.post(`/api/v1/quotes/${q.id}/accept`, { name: '' }), 400, 'name')
    const accepted = ok(await member.client.post(`/api/v1/quotes/${q.id}/accept`, { name: 'Jane Client' }))
    expect(accepted).toMatchObject({ status: 'accepted', acceptedBy: 'Jane Client' })
    const inv = ok(await member.client.post(`/api/v1/quotes/${q.id}/convert`), 201)
    expect(inv).toMatchObject({ kind: 'invoice', status: 'draft', quoteId: q.id, total: 10_000 })
    expect(ok(await member.client.get(`/api/v1/quotes/${q.id}`))).toMatchObject({
      status: 'converted',
      invoiceId: inv.id,
    })
  })

  it('declines, and expires past its valid-until date', async () => {
    const q = await draft(owner, { lines: [{ description: 'Plan', unitPrice: 5_000 }] }, '/api/v1/quotes')
    ok(await owner.client.post(`/api/v1/quotes/${q.id}/send`))
    expect(ok(await owner.client.post(`/api/v1/quotes/${q.id}/decline`, { reason: 'Too dear' })).status).toBe(
      'declined',
    )
    const old = await draft(
      owner,
      { issueDate: '2020-01-01', dueDate: '2020-02-01', lines: [{ description: 'Old', unitPrice: 1 }] },
      '/api/v1/quotes',
    )
    ok(await owner.client.post(`/api/v1/quotes/${old.id}/send`))
    problem(await owner.client.post(`/api/v1/quotes/${old.id}/accept`, { name: 'Late' }), 409)
    await sweepDueDocuments(t.kernel.database, t.kernel.events)
    expect(ok(await owner.client.get(`/api/v1/quotes/${old.id}`)).status).toBe('expired')
  })
})
