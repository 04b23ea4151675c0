import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { auditLogs } from '../../kernel/audit/index.ts'

/** Bulk actions on invoices: by ids and by filter, each row through its single route's rules. */
let t: TestApp
let owner: TestUser
let member: TestUser
let clientId: string
let mailClientId: string
let memberClientId: string

type Res = { statusCode: number; body: string; json(): unknown }
type Result = {
  matched: number
  notFound: number
  succeeded: string[]
  failed: { id: string; status: number; reason: string; field: string | null }[]
}
const ok = <T = Result>(res: Res, status = 200) => {
  expect(res.statusCode, res.body).toBe(status)
  return res.json() as T
}
const problem = (res: Res, status: number, field?: string) => {
  expect(res.statusCode, res.body).toBe(status)
  const p = res.json() as { status: number; errors?: { field: string }[] }
  expect(p.status).toBe(status)
  if (field) expect(p.errors?.map((e) => e.field)).toContain(field)
  return p
}

async function draft(user: TestUser, client: string, unitPrice = 10_000, poNumber?: string) {
  return ok<{ id: string }>(
    await user.client.post('/api/v1/invoices', {
      clientId: client,
      poNumber,
      lines: [{ description: 'Consulting', unitPrice }],
    }),
    201,
  ).id
}
const get = async (user: TestUser, id: string) =>
  ok<{ status: string; balance: number; paid: number }>(await user.client.get(`/api/v1/invoices/${id}`))

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Bulk Co' })
  member = await joinWorkspace(t, owner.workspaceId!, 'member', 'Mia Member')
  await owner.client.put('/api/v1/invoice-settings', {
    ...((await owner.client.get('/api/v1/invoice-settings')).json() as object),
    baseCurrency: 'EUR',
    updatedAt: undefined,
  })
  clientId = ok<{ id: string }>(
    await owner.client.post('/api/v1/clients', { name: 'Fabrikam', currency: 'EUR' }),
    201,
  ).id
  mailClientId = ok<{ id: string }>(
    await owner.client.post('/api/v1/clients', {
      name: 'Mailable',
      currency: 'EUR',
      email: 'ap@mailable.example',
    }),
    201,
  ).id
  memberClientId = ok<{ id: string }>(
    await member.client.post('/api/v1/clients', { name: 'Member Client', currency: 'EUR' }),
    201,
  ).id
})
afterAll(() => t?.close())

describe('POST /api/v1/invoices/bulk', () => {
  it('marks drafts sent by ids, reporting the ones the single route refuses, audited per row', async () => {
    const a = await draft(owner, clientId)
    const b = await draft(owner, clientId)
    const sent = await draft(owner, clientId)
    ok(await owner.client.post(`/api/v1/invoices/${sent}/send`), 200)
    const r = ok(await owner.client.post('/api/v1/invoices/bulk', { action: 'markSent', ids: [a, b, sent] }))
    expect(r.matched).toBe(3)
    expect(r.succeeded).toEqual([a, b])
    expect(r.failed).toEqual([{ id: sent, status: 409, reason: expect.any(String), field: 'status' }])
    expect((await get(owner, a)).status).toBe('sent')
    const audit = await t.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.workspaceId, owner.workspaceId!), eq(auditLogs.action, 'invoice.sent')))
    const targets = audit.map((e) => e.targetId)
    expect(targets).toContain(a)
    expect(targets).toContain(b)
  })

  it('sends by email, and reports a client without an address', async () => {
    const noMail = await draft(owner, clientId)
    const withMail = await draft(owner, mailClientId)
    const r = ok(
      await owner.client.post('/api/v1/invoices/bulk', { action: 'send', ids: [noMail, withMail] }),
    )
    expect(r.succeeded).toEqual([withMail])
    expect(r.failed).toMatchObject([{ id: noMail, status: 400, field: 'to' }])
    expect((await get(owner, noMail)).status).toBe('draft')
  })

  it('pays the balances of a filter after checking the confirmed count', async () => {
    const po = 'BULKPAY'
    const ids = [await draft(owner, clientId, 1_000, po), await draft(owner, clientId, 2_500, po)]
    for (const id of ids) ok(await owner.client.post(`/api/v1/invoices/${id}/send`))
    ok(
      await owner.client.post('/api/v1/payments', {
        invoiceId: ids[0],
        method: 'cash',
        amount: 400,
        paidOn: '2026-01-02',
      }),
      201,
    )
    const filter = { q: po, status: 'sent,partially_paid' }
    const count = ok<{ count: number }>(
      await owner.client.get(`/api/v1/invoices/count?q=${po}&status=sent,partially_paid`),
    ).count
    expect(count).toBe(2)
    problem(
      await owner.client.post('/api/v1/invoices/bulk', {
        action: 'recordPayment',
        filter,
        expectedCount: 3,
        method: 'bank_transfer',
        paidOn: '2026-01-05',
      }),
      409,
      'expectedCount',
    )
    problem(
      await owner.client.post('/api/v1/invoices/bulk', { action: 'recordPayment', filter, expectedCount: 2 }),
      400,
      'method',
    )
    const r = ok(
      await owner.client.post('/api/v1/invoices/bulk', {
        action: 'recordPayment',
        filter,
        expectedCount: 2,
        method: 'bank_transfer',
        paidOn: '2026-01-05',
        reference: 'Batch 7',
      }),
    )
    expect(r.succeeded.sort()).toEqual([...ids].sort())
    for (const id of ids) expect(await get(owner, id)).toMatchObject({ status: 'paid', balance: 0 })
    const again = ok(
      await owner.client.post('/api/v1/invoices/bulk', {
        action: 'recordPayment',
        ids,
        method: 'cash',
        paidOn: '2026-01-06',
      }),
    )
    expect(again.failed.map((f) => f.status)).toEqual([409, 409])
  })

  it('names bad filters and refuses a filter without a confirmed count', async () => {
    problem(
      await owner.client.post('/api/v1/invoices/bulk', {
        action: 'markSent',
        filter: { status: 'nope' },
        expectedCount: 0,
      }),
      400,
      'filter.status',
    )
    problem(
      await owner.client.post('/api/v1/invoices/bulk', {
        action: 'markSent',
        filter: { dueFrom: '2026-02-30' },
        expectedCount: 0,
      }),
      400,
      'filter.dueFrom',
    )
    problem(
      await owner.client.post('/api/v1/invoices/bulk', { action: 'markSent', filter: {} }),
      400,
      'expectedCount',
    )
    problem(await owner.client.post('/api/v1/invoices/bulk', { action: 'markSent' }), 400, 'ids')
  })

  it('voids with a reason (owners and admins only) and deletes drafts', async () => {
    const open = await draft(owner, clientId)
    ok(await owner.client.post(`/api/v1/invoices/${open}/send`))
    const d = await draft(owner, clientId)
    problem(
      await member.client.post('/api/v1/invoices/bulk', { action: 'void', ids: [open], reason: 'x' }),
      403,
    )
    problem(await owner.client.post('/api/v1/invoices/bulk', { action: 'void', ids: [open] }), 400, 'reason')
    const v = ok(
      await owner.client.post('/api/v1/invoices/bulk', {
        action: 'void',
        ids: [open, d],
        reason: 'Duplicate',
      }),
    )
    expect(v.succeeded).toEqual([open])
    expect(v.failed).toMatchObject([{ id: d, status: 409 }])
    expect((await get(owner, open)).status).toBe('void')
    problem(await member.client.post('/api/v1/invoices/bulk', { action: 'delete', ids: [d] }), 403)
    const del = ok(await owner.client.post('/api/v1/invoices/bulk', { action: 'delete', ids: [d, open] }))
    expect(del.succeeded).toEqual([d])
    expect(del.failed).toMatchObject([{ id: open, status: 409 }])
    expect((await owner.client.get(`/api/v1/invoices/${d}`)).statusCode).toBe(404)
  })

  it('leaves a member’s unseen invoices alone, as 404, by ids and by filter', async () => {
    const hidden = await draft(owner, clientId, 700, 'HIDDENBULK')
    const mine = await draft(member, memberClientId, 700, 'HIDDENBULK')
    const r = ok(
      await member.client.post('/api/v1/invoices/bulk', { action: 'markSent', ids: [hidden, mine] }),
    )
    expect(r.succeeded).toEqual([mine])
    expect(r.failed).toEqual([])
    expect(r.notFound).toBe(1)
    expect(JSON.stringify(r)).not.toContain(hidden)
    expect((await get(owner, hidden)).status).toBe('draft')
    const f = await member.client.post('/api/v1/invoices/bulk', {
      action: 'markSent',
      filter: { q: 'HIDDENBULK', status: 'draft' },
      expectedCount: 0,
    })
    expect(ok(f).matched).toBe(0)
    expect((await get(owner, hidden)).status).toBe('draft')
  })
})
