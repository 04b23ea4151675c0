import { inflateSync } from 'node:zlib'
import { InvoiceService } from '@e-invoice-eu/core'
import { getDocumentProxy } from 'unpdf'
import { describe, expect, it } from 'vitest'
import type { RenderableDocument } from './document.ts'
import { EInvoiceError, renderEInvoice, toEInvoiceData } from './einvoice.ts'
import { sampleDocument, summarize } from './fixtures.ts'

const silent = { log() {}, warn() {}, error() {} }
const decoder = new TextDecoder()

/** The value of the first element named `tag` (namespace prefix included) in the XML text. */
function value(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`).exec(xml)?.[1]
}

/**
 * The embedded files of a PDF, read from its bytes: file specification names and the inflated
 * /EmbeddedFile streams (pdf.js does not list attachments that are only referenced as associated files).
 */
function embeddedFiles(bytes: Uint8Array): { names: string[]; files: string[]; outputIntents: number } {
  const pdf = Buffer.from(bytes)
  const latin = pdf.toString('latin1')
  const stream = (type: string) =>
    [
      ...latin.matchAll(
        new RegExp(`/Type\\s*/${type}\\b[\\s\\S]*?/Length (\\d+)[\\s\\S]*?stream\\r?\\n`, 'g'),
      ),
    ].map((m) => {
      const start = m.index + m[0].length
      const raw = pdf.subarray(start, start + Number(m[1]))
      // /Filter may come before /Type in the dictionary: inflate whenever the data is a zlib stream.
      try {
        return inflateSync(raw)
      } catch {
        return raw
      }
    })
  // File specifications may sit in compressed object streams.
  const objects = [latin, ...stream('ObjStm').map((b) => b.toString('latin1'))].join('\n')
  const names = [...objects.matchAll(/\/Type\s*\/Filespec[\s\S]*?\/F\s*\(([^)]*)\)/g)].map((m) => m[1]!)
  const files = stream('EmbeddedFile').map((b) => decoder.decode(b))
  const outputIntents = objects.match(/\/Type\s*\/OutputIntent\b/g)?.length ?? 0
  return { names, files, outputIntents }
}

/** A document with a document-level discount and shipping, split over the two VAT rates. */
function withDiscountAndShipping(): RenderableDocument {
  const base = sampleDocument({ paid: 5000 })
  const rows = summarize(base.lines).map((r) => ({ ...r }))
  // 10.00 discount on the 19 % base, 4.90 shipping on the 7 % base; taxes recomputed per rate.
  rows[0]!.base -= 1000
  rows[0]!.amount = Math.round((rows[0]!.base * 19) / 100)
  rows[1]!.base += 490
  rows[1]!.amount = Math.round((rows[1]!.base * 7) / 100)
  const tax = rows.reduce((a, r) => a + r.amount, 0)
  const total = base.totals.subtotal - 1000 + 490 + tax
  return {
    ...base,
    taxSummary: rows,
    totals: { ...base.totals, discount: 1000, shipping: 490, tax, total, amountDue: total - 5000 },
  }
}

describe('EN 16931 e-invoices', () => {
  it('produces XRechnung UBL that passes the library validation, with exact totals', async () => {
    const doc = withDiscountAndShipping()
    const file = await renderEInvoice(doc, 'xrechnung-ubl')
    expect(file.mime).toBe('application/xml')
    const xml = decoder.decode(file.bytes)
    expect(value(xml, 'cbc:CustomizationID')).toContain('xrechnung_3.0')
    expect(value(xml, 'cbc:ID')).toBe('INV-2025-00042')
    expect(value(xml, 'cbc:InvoiceTypeCode')).toBe('380')
    expect(value(xml, 'cbc:BuyerReference')).toBe('04011000-12345-34')
    expect(value(xml, 'cbc:TaxInclusiveAmount')).toBe((doc.totals.total / 100).toFixed(2))
    expect(value(xml, 'cbc:PayableAmount')).toBe((doc.totals.amountDue / 100).toFixed(2))
    expect(value(xml, 'cbc:PrepaidAmount')).toBe('50.00')
    expect(value(xml, 'cbc:AllowanceTotalAmount')).toBe('10.00')
    expect(value(xml, 'cbc:ChargeTotalAmount')).toBe('4.90')
    expect(xml.match(/<cac:InvoiceLine>/g)).toHaveLength(doc.lines.length)
    expect(xml).toContain('DE89370400440532013000')
  })

  it('produces plain UBL and CII XML', async () => {
    const doc = sampleDocument()
    const ubl = decoder.decode((await renderEInvoice(doc, 'ubl')).bytes)
    expect(ubl).toContain('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"')
    const cii = decoder.decode((await renderEInvoice(doc, 'cii')).bytes)
    expect(cii).toContain('rsm:CrossIndustryInvoice')
    expect(cii).toContain('INV-2025-00042')
    expect(value(cii, 'ram:DuePayableAmount')).toBe((doc.totals.amountDue / 100).toFixed(2))
  })

  it('issues a credit note as UBL CreditNote referencing the invoice', async () => {
    const doc = sampleDocument({
      kind: 'credit_note',
      number: 'CN-2025-00003',
      status: 'issued',
      creditedInvoiceNumber: 'INV-2025-00042',
      creditedInvoiceDate: '2025-03-14',
    })
    const xml = decoder.decode((await renderEInvoice(doc, 'ubl')).bytes)
    expect(xml).toContain('<CreditNote')
    expect(value(xml, 'cbc:CreditNoteTypeCode')).toBe('381')
    expect(xml).toMatch(/<cac:InvoiceDocumentReference>\s*<cbc:ID>INV-2025-00042<\/cbc:ID>/)
  })

  it('embeds the CII XML in a Factur-X PDF/A-3', async () => {
    const doc = sampleDocument()
    const file = await renderEInvoice(doc, 'factur-x')
    expect(file.mime).toBe('application/pdf')
    const attached = embeddedFiles(file.bytes)
    expect(attached.names).toContain('factur-x.xml')
    expect(attached.files).toHaveLength(1)
    // PDF/A allows one output intent profile: the library adds it, the renderer must not add another.
    expect(attached.outputIntents).toBe(1)
    const text = attached.files[0]!
    expect(text).toContain('rsm:CrossIndustryInvoice')
    expect(text).toContain('INV-2025-00042')
    expect(text).toContain('urn:cen.eu:en16931:2017')
    const pdf = await getDocumentProxy(new Uint8Array(file.bytes))
    const { metadata } = await pdf.getMetadata()
    expect(metadata?.get('pdfaid:part')).toBe('3')
  })

  it('rejects documents that cannot be a valid EN 16931 invoice, naming the field', async () => {
    const base = sampleDocument()
    const twoTaxes = {
      ...base,
      lines: base.lines.map((l, i) => (i === 0 ? { ...l, taxes: [...l.taxes, ...l.taxes] } : l)),
    }
    expect(() => toEInvoiceData(twoTaxes)).toThrow(EInvoiceError)
    const wrongTotal = { ...base, totals: { ...base.totals, total: base.totals.total + 1 } }
    expect(() => toEInvoiceData(wrongTotal)).toThrowError(
      expect.objectContaining({ field: 'totals.total' }) as unknown as Error,
    )
    expect(() => toEInvoiceData({ ...base, number: null })).toThrow(EInvoiceError)
    expect(() => toEInvoiceData({ ...base, kind: 'quote' })).toThrow(EInvoiceError)
    // The library's own schema validation: an invalid country code is refused.
    const badCountry = {
      ...base,
      buyer: { ...base.buyer, address: { ...base.buyer.address, countryCode: 'XX' } },
    }
    await expect(renderEInvoice(badCountry, 'ubl')).rejects.toThrow(/validation/i)
  })

  it('maps data the library accepts for every EN 16931 format it offers', async () => {
    const data = toEInvoiceData(withDiscountAndShipping())
    const service = new InvoiceService(silent)
    for (const format of ['UBL', 'CII', 'XRECHNUNG-UBL', 'XRECHNUNG-CII'])
      await expect(service.generate(data, { format, lang: 'de-de', noWarnings: true })).resolves.toBeTruthy()
  })
})
