import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'

/** E-invoices through the API: a sent invoice as Factur-X and XRechnung, drafts and bad data refused. */
let t: TestApp
let owner: TestUser
let outsider: TestUser
let clientId: string
let vatId: string

const address = { line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', countryCode: 'DE' }

async function setLegal(legal: Record<string, unknown>) {
  const current = (await owner.client.get('/api/v1/invoice-settings')).json() as Record<string, unknown>
  const res = await owner.client.put('/api/v1/invoice-settings', {
    ...current,
    baseCurrency: 'EUR',
    legal: { ...(current.legal as object), ...legal },
    updatedAt: undefined,
  })
  expect(res.statusCode, res.body).toBe(200)
}

async function sentInvoice(taxRateIds: string[]): Promise<{ id: string; number: string }> {
  const inv = await owner.client.post('/api/v1/invoices', {
    clientId,
    lines: [
      { description: 'Consulting', quantity: '3', unitPrice: 45000, taxRateIds },
      { description: 'Travel', unitPrice: 12350, taxRateIds },
    ],
  })
  expect(inv.statusCode, inv.body).toBe(201)
  const sent = await owner.client.post(`/api/v1/invoices/${inv.json().id}/send`)
  expect(sent.statusCode, sent.body).toBe(200)
  return { id: inv.json().id, number: sent.json().number }
}

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Einvoice Works' })
  outsider = await t.user({ workspace: 'Elsewhere' })
  const client = await owner.client.post('/api/v1/clients', {
    name: 'Contoso Pharma GmbH',
    currency: 'EUR',
    email: 'billing@contoso.example',
    billingAddress: { line1: 'Marktplatz 5', city: 'München', postalCode: '80331', country: 'DE' },
  })
  expect(client.statusCode, client.body).toBe(201)
  clientId = client.json().id
  const vat = await owner.client.post('/api/v1/tax-rates', { name: 'USt 19 %', percent: '19' })
  expect(vat.statusCode, vat.body).toBe(201)
  vatId = vat.json().id
  await setLegal({
    name: 'Einvoice Works',
    legalName: 'Einvoice Works GmbH',
    vatId: 'DE123456789',
    email: 'billing@einvoice.example',
    phone: '+49 30 1234567',
    address,
    bank: { iban: 'DE89370400440532013000', accountName: 'Einvoice Works GmbH' },
  })
})
afterAll(() => t?.close())

describe('e-invoice routes', () => {
  it('exports a sent invoice as Factur-X (a PDF carrying the XML) and as XRechnung UBL and CII', async () => {
    const { id, number } = await sentInvoice([vatId])
    const facturX = await owner.client.get(`/api/v1/invoices/${id}/e-invoice`)
    expect(facturX.statusCode, facturX.body).toBe(200)
    expect(facturX.headers['content-type']).toBe('application/pdf')
    expect(facturX.headers['content-disposition']).toContain('attachment')
    const pdf = facturX.rawPayload
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    // The attachment's file specification (Factur-X names it factur-x.xml).
    expect(pdf.toString('latin1')).toMatch(/factur-x\.xml/)

    for (const format of ['xrechnung-ubl', 'xrechnung-cii', 'ubl', 'cii'] as const) {
      const res = await owner.client.get(`/api/v1/invoices/${id}/e-invoice?format=${format}`)
      expect(res.statusCode, `${format}: ${res.body}`).toBe(200)
      expect(res.headers['content-type']).toMatch(/^application\/xml/)
      const xml = res.body
      expect(xml).toContain(number)
      expect(xml).toContain('Contoso Pharma GmbH')
      expect(xml).toContain('DE123456789')
      // 3 × 450.00 + 123.50 = 1473.50 net, 19 % VAT = 279.97, 1753.47 due.
      expect(xml).toContain('1753.47')
      if (format.startsWith('xrechnung')) expect(xml).toContain('urn:xeinkauf.de:kosit:xrechnung')
    }
  })

  it('refuses a draft (409), a quote-only format or unknown format (400), and data EN 16931 cannot carry (422)', async () => {
    const draft = await owner.client.post('/api/v1/invoices', {
      clientId,
      lines: [{ description: 'Draft work', unitPrice: 1000, taxRateIds: [vatId] }],
    })
    const asDraft = await owner.client.get(`/api/v1/invoices/${draft.json().id}/e-invoice`)
    expect(asDraft.statusCode).toBe(409)
    expect(asDraft.headers['content-type']).toMatch(/problem\+json/)
    expect(asDraft.json().errors[0].field).toBe('id')

    const { id } = await sentInvoice([vatId])
    const badFormat = await owner.client.get(`/api/v1/invoices/${id}/e-invoice?format=pdf`)
    expect(badFormat.statusCode).toBe(400)
    expect(JSON.stringify(badFormat.json())).toContain('format')

    // Two VAT rates on one line: EN 16931 allows one category per line.
    const reduced = await owner.client.post('/api/v1/tax-rates', { name: 'Other 7 %', percent: '7' })
    const twoTaxes = await sentInvoice([vatId, reduced.json().id])
    const refused = await owner.client.get(`/api/v1/invoices/${twoTaxes.id}/e-invoice?format=ubl`)
    expect(refused.statusCode, refused.body).toBe(422)
    expect(refused.headers['content-type']).toMatch(/problem\+json/)
    expect(refused.json().errors[0].field).toMatch(/^lines\[0\]\.taxes$/)
  })

  it('is tenant-scoped: another workspace gets 404', async () => {
    const { id } = await sentInvoice([vatId])
    const res = await outsider.client.get(`/api/v1/invoices/${id}/e-invoice`)
    expect(res.statusCode).toBe(404)
  })
})
