import { extractText } from 'unpdf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatMoney } from '../../../../contracts/money.ts'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'

/** The PDF of every document, from the API and by the view link, read back with unpdf. */
let t: TestApp
let owner: TestUser
let clientId: string

const textOf = async (body: Buffer) => (await extractText(new Uint8Array(body), { mergePages: true })).text

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Pdf Works' })
  clientId = (await owner.client.post('/api/v1/clients', { name: 'Contoso Pharma', currency: 'EUR' })).json()
    .id
  await owner.client.put('/api/v1/invoice-settings', {
    ...((await owner.client.get('/api/v1/invoice-settings')).json() as object),
    baseCurrency: 'EUR',
    updatedAt: undefined,
  })
})
afterAll(() => t?.close())

describe('document PDFs', () => {
  it('renders invoices, quotes and credit notes with number, client and total', async () => {
    const inv = await owner.client.post('/api/v1/invoices', {
      clientId,
      lines: [
        { description: 'Consulting', quantity: '3', unitPrice: 45000 },
        { description: 'Travel', unitPrice: 12350 },
      ],
    })
    const draft = await owner.client.get(`/api/v1/invoices/${inv.json().id}/pdf`)
    expect(draft.statusCode, draft.body).toBe(200)
    expect(draft.headers['content-type']).toBe('application/pdf')
    expect(await textOf(draft.rawPayload)).toContain('Contoso Pharma')

    const sent = (await owner.client.post(`/api/v1/invoices/${inv.json().id}/send`)).json()
    const res = await owner.client.get(`/api/v1/invoices/${sent.id}/pdf`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-disposition']).toContain(`${sent.number}.pdf`)
    const text = await textOf(res.rawPayload)
    expect(text).toContain(sent.number)
    expect(text).toContain('Contoso Pharma')
    expect(text.replace(/\s/g, '')).toContain(formatMoney(sent.total, 'EUR', 'en').replace(/\s/g, ''))

    const q = await owner.client.post('/api/v1/quotes', {
      clientId,
      lines: [{ description: 'Plan', unitPrice: 7700 }],
    })
    const qs = (await owner.client.post(`/api/v1/quotes/${q.json().id}/send`)).json()
    const qpdf = await owner.client.get(`/api/v1/quotes/${qs.id}/pdf`)
    expect(qpdf.statusCode).toBe(200)
    expect(await textOf(qpdf.rawPayload)).toContain(qs.number)

    const cn = await owner.client.post('/api/v1/credit-notes', { invoiceId: sent.id })
    expect(cn.statusCode, cn.body).toBe(201)
    const issued = (await owner.client.post(`/api/v1/credit-notes/${cn.json().id}/issue`)).json()
    const cpdf = await owner.client.get(`/api/v1/credit-notes/${issued.id}/pdf`)
    expect(cpdf.statusCode).toBe(200)
    const ctext = await textOf(cpdf.rawPayload)
    expect(ctext).toContain(issued.number)
    expect(ctext).toContain('Contoso Pharma')
  })

  it('a sent invoice shows what was sent; the view link serves it; others get 404', async () => {
    const inv = await owner.client.post('/api/v1/invoices', {
      clientId,
      lines: [{ description: 'Audit', unitPrice: 10000 }],
    })
    const sent = (await owner.client.post(`/api/v1/invoices/${inv.json().id}/send`)).json()
    await owner.client.patch(`/api/v1/clients/${clientId}`, { name: 'Renamed Later GmbH' })
    const text = await textOf((await owner.client.get(`/api/v1/invoices/${sent.id}/pdf`)).rawPayload)
    expect(text).toContain('Contoso Pharma')
    expect(text).not.toContain('Renamed Later')
    const token = (await owner.client.post(`/api/v1/invoices/${sent.id}/view-link`)).json().token
    const pub = await t.client().get(`/api/v1/public/invoices/${token}/pdf`)
    expect(pub.statusCode).toBe(200)
    expect(await textOf(pub.rawPayload)).toContain(sent.number)
    expect((await owner.client.get(`/api/v1/invoices/${sent.id}`)).json().status).toBe('viewed')
    const stranger = await t.user({ workspace: 'Stranger' })
    expect((await stranger.client.get(`/api/v1/invoices/${sent.id}/pdf`)).statusCode).toBe(404)
    expect((await t.client().get(`/api/v1/invoices/${sent.id}/pdf`)).statusCode).toBe(401)
  })
})
