import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { renderableDocument } from './render.service.ts'

let t: TestApp
let owner: TestUser

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Render Co' })
})
afterAll(() => t?.close())

const ctx = () => ({
  db: t.database.db,
  workspaceId: owner.workspaceId!,
  actor: { userId: owner.id, role: 'owner' as const },
  meta: { actorId: owner.id, actorLabel: owner.email, ipAddress: null, userAgent: null, requestId: null },
})

describe('stored documents as the renderers take them', () => {
  it('maps a sent invoice from its snapshot, with totals that add up and the live amount due', async () => {
    const client = (
      await owner.client.post('/api/v1/clients', {
        name: 'Ελληνική Εταιρεία',
        currency: 'EUR',
        language: 'el',
        billingAddress: { line1: 'Οδός 1', city: 'Αθήνα', postalCode: '10431', country: 'GR' },
      })
    ).json()
    const vat = (await owner.client.post('/api/v1/tax-rates', { name: 'ΦΠΑ', percent: '24' })).json()
    const incl = (
      await owner.client.post('/api/v1/tax-rates', { name: 'Incl', percent: '10', inclusive: true })
    ).json()
    const inv = (
      await owner.client.post('/api/v1/invoices', {
        clientId: client.id,
        currency: 'USD',
        exchangeRate: '0.9',
        discount: { type: 'percent', value: '5' },
        shipping: 700,
        lines: [
          { description: 'Σχεδιασμός', quantity: '3', unitPrice: 3_333, taxRateIds: [vat.id] },
          { description: 'Inclusive', quantity: '1', unitPrice: 1_100, taxRateIds: [incl.id] },
        ],
      })
    ).json()
    expect(inv.id, JSON.stringify(inv)).toMatch(/^inv_/)
    const sent = (await owner.client.post(`/api/v1/invoices/${inv.id}/send`)).json()
    await owner.client.post('/api/v1/payments', {
      invoiceId: inv.id,
      method: 'cash',
      amount: 1_000,
      paidOn: '2026-01-01',
    })
    // Settings changed after sending do not change what was sent.
    await owner.client.put('/api/v1/invoice-settings', {
      ...((await owner.client.get('/api/v1/invoice-settings')).json() as object),
      updatedAt: undefined,
      template: 'compact',
    })
    const r = await renderableDocument(ctx(), 'invoice', inv.id)
    expect(r).toMatchObject({
      kind: 'invoice',
      number: sent.number,
      status: 'partially_paid',
      template: 'classic',
      locale: 'el',
    })
    expect(r.buyer).toMatchObject({
      name: 'Ελληνική Εταιρεία',
      address: { city: 'Αθήνα', countryCode: 'GR' },
    })
    const tt = r.totals
    expect(tt.subtotal - tt.discount + tt.tax + tt.shipping).toBe(tt.total)
    expect(tt.total).toBe(sent.total)
    expect(tt.amountDue).toBe(sent.total - 1_000)
    expect(r.lines).toHaveLength(2)
    expect(r.taxSummary.reduce((a, x) => a + x.amount, 0)).toBe(tt.tax)
  })
})
