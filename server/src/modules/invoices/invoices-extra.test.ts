import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { auditLogs } from '../../kernel/audit/index.ts'

/** Custom fields on invoices, Idempotency-Key on the module's POSTs, and the audit of transitions. */
let t: TestApp
let owner: TestUser
let clientId: string

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Extra Co' })
  clientId = (await owner.client.post('/api/v1/clients', { name: 'Fabrikam', currency: 'EUR' })).json().id
  await owner.client.put('/api/v1/invoice-settings', {
    ...((await owner.client.get('/api/v1/invoice-settings')).json() as object),
    baseCurrency: 'EUR',
    updatedAt: undefined,
  })
})
afterAll(() => t?.close())

describe('custom fields on invoices', () => {
  it('validates, stores, searches and filters invoice custom fields', async () => {
    const f = await owner.client.post('/api/v1/custom-fields?recordType=invoice', {
      key: 'project',
      label: 'Project',
      type: 'text',
      required: false,
    })
    expect(f.statusCode, f.body).toBe(201)
    const bad = await owner.client.post('/api/v1/invoices', { clientId, custom: { nope: 1 }, lines: [] })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].field).toBe('custom.nope')
    const d = await owner.client.post('/api/v1/invoices', {
      clientId,
      custom: { project: 'Apollo rollout' },
      lines: [{ description: 'x', unitPrice: 100 }],
    })
    expect(d.statusCode, d.body).toBe(201)
    expect(d.json().custom).toEqual({ project: 'Apollo rollout' })
    const found = (await owner.client.get('/api/v1/invoices?q=apollo')).json()
    expect(found.data.map((x: { id: string }) => x.id)).toEqual([d.json().id])
    const byField = (await owner.client.get('/api/v1/invoices?cf.project=apollo%20rollout')).json()
    expect(byField.data.map((x: { id: string }) => x.id)).toEqual([d.json().id])
    const none = (await owner.client.get('/api/v1/invoices?cf.project=other')).json()
    expect(none.data).toHaveLength(0)
    const unknown = await owner.client.get('/api/v1/invoices?cf.nope=1')
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().errors[0].field).toBe('cf.nope')
    const quote = await owner.client.post('/api/v1/quotes', { clientId, custom: { project: 'x' }, lines: [] })
    expect(quote.statusCode).toBe(400)
    expect(quote.json().errors[0].field).toBe('custom')
  })
})

describe('Idempotency-Key', () => {
  it('records a payment once for a retried request', async () => {
    const inv = (
      await owner.client.post('/api/v1/invoices', {
        clientId,
        lines: [{ description: 'Work', unitPrice: 5_000 }],
      })
    ).json()
    await owner.client.post(`/api/v1/invoices/${inv.id}/send`)
    const pay = () =>
      owner.client.request({
        method: 'POST',
        url: '/api/v1/payments',
        headers: { 'idempotency-key': 'pay-once-1' },
        payload: { invoiceId: inv.id, method: 'cash', amount: 1_000, paidOn: '2026-01-05' },
      })
    const first = await pay()
    const second = await pay()
    expect(first.statusCode, first.body).toBe(201)
    expect(second.statusCode).toBe(201)
    expect(second.headers['idempotent-replayed']).toBe('true')
    expect(second.json().id).toBe(first.json().id)
    expect((await owner.client.get(`/api/v1/invoices/${inv.id}`)).json()).toMatchObject({ paid: 1_000 })
    const send = () =>
      owner.client.request({
        method: 'POST',
        url: `/api/v1/invoices/${inv.id}/void`,
        headers: { 'idempotency-key': 'void-1' },
        payload: { reason: 'x' },
      })
    expect((await send()).statusCode).toBe(409)
  })
})

describe('audit', () => {
  it('audits every transition of a document in its transaction', async () => {
    const q = (
      await owner.client.post('/api/v1/quotes', {
        clientId,
        lines: [{ description: 'Plan', unitPrice: 900 }],
      })
    ).json()
    await owner.client.post(`/api/v1/quotes/${q.id}/send`)
    await owner.client.post(`/api/v1/quotes/${q.id}/mark-viewed`)
    await owner.client.post(`/api/v1/quotes/${q.id}/accept`, { name: 'Ana' })
    const inv = (await owner.client.post(`/api/v1/quotes/${q.id}/convert`)).json()
    const rows = await t.database.db.select().from(auditLogs).where(eq(auditLogs.targetId, q.id))
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'quote.created',
        'quote.sent',
        'quote.viewed',
        'quote.accepted',
        'quote.converted',
      ]),
    )
    const converted = rows.find((r) => r.action === 'quote.converted')!
    expect(converted.after).toMatchObject({ status: 'converted' })
    expect(converted.before).toMatchObject({ status: 'accepted' })
    const created = await t.database.db.select().from(auditLogs).where(eq(auditLogs.targetId, inv.id))
    expect(created.map((r) => r.action)).toEqual(['invoice.created'])
  })
})
