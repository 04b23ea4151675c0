import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { auditLogs } from '../../kernel/audit/index.ts'

/** A client accepts or declines a quote from its view page, by the link's token, without a session. */
let t: TestApp
let owner: TestUser
let clientId: string

async function sent(kind: 'quotes' | 'invoices') {
  const d = await owner.client.post(`/api/v1/${kind}`, {
    clientId,
    lines: [{ description: 'Brand workshop', quantity: '1', unitPrice: 90000 }],
  })
  expect(d.statusCode, d.body).toBe(201)
  const id = d.json().id as string
  const s = await owner.client.post(`/api/v1/${kind}/${id}/send`)
  expect(s.statusCode, s.body).toBe(200)
  const link = await owner.client.post(`/api/v1/${kind}/${id}/view-link`)
  expect(link.statusCode, link.body).toBe(200)
  return { id, token: link.json().token as string }
}

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Quote Co' })
  clientId = (await owner.client.post('/api/v1/clients', { name: 'Contoso', currency: 'EUR' })).json().id
  await owner.client.put('/api/v1/invoice-settings', {
    ...((await owner.client.get('/api/v1/invoice-settings')).json() as object),
    baseCurrency: 'EUR',
    updatedAt: undefined,
  })
})
afterAll(() => t?.close())

describe('public quote answers', () => {
  it('accepts a quote with the typed name, audited as the anonymous viewer; twice answers 409', async () => {
    const q = await sent('quotes')
    const anon = t.client()
    const res = await anon.post(`/api/v1/public/quotes/${q.token}/accept`, { name: 'Jane Client' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().status).toBe('accepted')
    expect(res.json().kind).toBe('quote')
    expect(JSON.stringify(res.json())).not.toContain(q.id)
    const doc = (await owner.client.get(`/api/v1/quotes/${q.id}`)).json()
    expect(doc.status).toBe('accepted')
    expect(doc.acceptedBy).toBe('Jane Client')
    const audits = await t.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.targetId, q.id), eq(auditLogs.action, 'quote.accepted')))
    expect(audits).toHaveLength(1)
    expect(audits[0]!.actorId).toBeNull()
    expect(audits[0]!.actorLabel).toMatch(/anonymous/i)

    const again = await anon.post(`/api/v1/public/quotes/${q.token}/accept`, { name: 'Jane Client' })
    expect(again.statusCode).toBe(409)
    expect(again.headers['content-type']).toMatch(/problem\+json/)
    expect(again.body).toContain('status')
    const decline = await anon.post(`/api/v1/public/quotes/${q.token}/decline`, {})
    expect(decline.statusCode).toBe(409)
  })

  it('declines a quote with an optional reason, also after it was viewed', async () => {
    const q = await sent('quotes')
    const anon = t.client()
    expect((await anon.get(`/api/v1/public/invoices/${q.token}`)).json().status).toBe('viewed')
    const res = await anon.post(`/api/v1/public/quotes/${q.token}/decline`, { reason: 'Over budget' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().status).toBe('declined')
    const doc = (await owner.client.get(`/api/v1/quotes/${q.id}`)).json()
    expect(doc.status).toBe('declined')
    expect(doc.declineReason).toBe('Over budget')
    const q2 = await sent('quotes')
    const bare = await anon.post(`/api/v1/public/quotes/${q2.token}/decline`, {})
    expect(bare.statusCode, bare.body).toBe(200)
    expect(bare.json().status).toBe('declined')
  })

  it('an invoice’s link cannot accept (409 naming token), nor can a revoked or unknown one (404)', async () => {
    const inv = await sent('invoices')
    const anon = t.client()
    const res = await anon.post(`/api/v1/public/quotes/${inv.token}/accept`, { name: 'Jane' })
    expect(res.statusCode).toBe(409)
    expect(res.body).toContain('token')
    expect((await owner.client.get(`/api/v1/invoices/${inv.id}`)).json().status).toBe('sent')

    const q = await sent('quotes')
    expect((await owner.client.del(`/api/v1/quotes/${q.id}/view-link`)).statusCode).toBe(204)
    const revoked = await anon.post(`/api/v1/public/quotes/${q.token}/accept`, { name: 'Jane' })
    expect(revoked.statusCode).toBe(404)
    expect(revoked.headers['content-type']).toMatch(/problem\+json/)
    expect((await owner.client.get(`/api/v1/quotes/${q.id}`)).json().status).toBe('sent')
    const unknown = await anon.post(`/api/v1/public/quotes/${'A'.repeat(43)}/decline`, {})
    expect(unknown.statusCode).toBe(404)
  })

  it('bad input answers 400 naming the field', async () => {
    const q = await sent('quotes')
    const anon = t.client()
    for (const body of [{ name: '' }, {}, { name: 'x'.repeat(201) }]) {
      const res = await anon.post(`/api/v1/public/quotes/${q.token}/accept`, body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.headers['content-type']).toMatch(/problem\+json/)
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain('name')
    }
    const badToken = await anon.post('/api/v1/public/quotes/short/accept', { name: 'Jane' })
    expect(badToken.statusCode).toBe(400)
    expect(badToken.body).toContain('token')
    const longReason = await anon.post(`/api/v1/public/quotes/${q.token}/decline`, {
      reason: 'x'.repeat(501),
    })
    expect(longReason.statusCode).toBe(400)
    expect(longReason.body).toContain('reason')
    expect((await owner.client.get(`/api/v1/quotes/${q.id}`)).json().status).toBe('sent')
  })
})
