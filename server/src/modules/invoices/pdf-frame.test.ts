import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'

/** The document PDFs may be framed by the app itself; every other API response may not be framed. */
let t: TestApp
let owner: TestUser
let clientId: string

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Frame Works' })
  clientId = (await owner.client.post('/api/v1/clients', { name: 'Framed Client', currency: 'EUR' })).json()
    .id
})
afterAll(() => t?.close())

describe('PDF framing headers', () => {
  it('the invoice, quote and credit note PDFs say SAMEORIGIN; JSON routes still say DENY', async () => {
    const inv = await owner.client.post('/api/v1/invoices', {
      clientId,
      lines: [{ description: 'Framing', unitPrice: 10000 }],
    })
    expect(inv.statusCode, inv.body).toBe(201)
    const sent = (await owner.client.post(`/api/v1/invoices/${inv.json().id}/send`)).json()
    const quote = (
      await owner.client.post('/api/v1/quotes', {
        clientId,
        lines: [{ description: 'Plan', unitPrice: 500 }],
      })
    ).json()
    const note = (await owner.client.post('/api/v1/credit-notes', { invoiceId: sent.id })).json()
    for (const url of [
      `/api/v1/invoices/${sent.id}/pdf`,
      `/api/v1/quotes/${quote.id}/pdf`,
      `/api/v1/credit-notes/${note.id}/pdf`,
    ]) {
      const pdf = await owner.client.get(url)
      expect(pdf.statusCode, url).toBe(200)
      expect(pdf.headers['content-type']).toBe('application/pdf')
      expect(pdf.headers['x-frame-options'], url).toBe('SAMEORIGIN')
      expect(pdf.headers['content-security-policy'], url).toBe("frame-ancestors 'self'")
      expect(pdf.headers['x-content-type-options']).toBe('nosniff')
    }

    for (const url of [`/api/v1/invoices/${sent.id}`, '/api/v1/invoices', `/api/v1/invoices/nope/pdf`]) {
      const json = await owner.client.get(url)
      expect(json.headers['x-frame-options'], url).toBe('DENY')
      expect(json.headers['content-security-policy'], url).toContain("frame-ancestors 'none'")
    }
  })
})
