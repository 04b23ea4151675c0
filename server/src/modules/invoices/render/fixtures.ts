/**
 * Sample documents for the renderer tests, the benchmark and the template preview: consistent totals
 * (19 % and 7 % VAT, exclusive), computed per line then summed, in integer minor units.
 */
import { crc32, deflateSync } from 'node:zlib'
import type { DocumentLine, RenderableDocument, TaxSummaryRow } from './document.ts'

/** A 180×60 RGB PNG (two colour blocks), built in memory so no binary file is checked in. */
export function sampleLogo(): { bytes: Uint8Array; mime: 'image/png' } {
  const w = 180
  const h = 60
  const raw = Buffer.alloc((w * 3 + 1) * h)
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1)
    for (let x = 0; x < w; x++) {
      const teal = x < 60 || (y > 20 && y < 40)
      raw.set(teal ? [15, 118, 110] : [255, 255, 255], row + 1 + x * 3)
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([len, body, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const bytes = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
  return { bytes, mime: 'image/png' }
}

const ITEMS = [
  { d: 'Website design and implementation', unit: 'hours', code: 'HUR', price: 9500, rate: '19' },
  { d: 'Hosting (monthly)', unit: 'months', code: 'MON', price: 2900, rate: '19' },
  { d: 'Printed brochures, A5, 250 g/m²', unit: 'pcs', code: 'C62', price: 185, rate: '7' },
  { d: 'Workshop day on site', unit: 'days', code: 'DAY', price: 120000, rate: '19' },
]

/** Per-line tax rounding: half up on the minor unit. */
function taxOf(net: number, percent: string): number {
  return Math.round((net * Number(percent)) / 100)
}

export function sampleLines(count: number): DocumentLine[] {
  const out: DocumentLine[] = []
  for (let i = 0; i < count; i++) {
    const item = ITEMS[i % ITEMS.length]!
    const qty = (i % 5) + 1
    const quantity = i % 7 === 3 ? `${qty}.5` : String(qty)
    const gross = Math.round(Number(quantity) * item.price)
    const discount = i % 6 === 5 ? Math.round(gross / 10) : 0
    const net = gross - discount
    const tax = taxOf(net, item.rate)
    out.push({
      description: count > 4 ? `${item.d} (${i + 1})` : item.d,
      details: i % 4 === 0 ? 'Delivered as agreed in the statement of work.' : null,
      quantity,
      unitName: item.unit,
      unitCode: item.code,
      unitPrice: item.price,
      discount,
      net,
      tax,
      total: net + tax,
      taxes: [
        {
          name: 'VAT',
          percent: item.rate,
          categoryCode: 'S',
          inclusive: false,
          compound: false,
          amount: tax,
        },
      ],
    })
  }
  return out
}

export function summarize(lines: DocumentLine[]): TaxSummaryRow[] {
  const rows = new Map<string, TaxSummaryRow>()
  for (const line of lines)
    for (const t of line.taxes) {
      const key = `${t.categoryCode}|${t.percent}`
      const row = rows.get(key) ?? {
        name: t.name,
        percent: t.percent,
        categoryCode: t.categoryCode,
        base: 0,
        amount: 0,
      }
      row.base += line.net
      row.amount += t.amount
      rows.set(key, row)
    }
  return [...rows.values()]
}

export function sampleDocument(
  options: { lineCount?: number; paid?: number } & Partial<RenderableDocument> = {},
): RenderableDocument {
  const { lineCount = 4, paid = 0, ...overrides } = options
  const lines = overrides.lines ?? sampleLines(lineCount)
  const taxSummary = overrides.taxSummary ?? summarize(lines)
  const subtotal = lines.reduce((a, l) => a + l.net, 0)
  const tax = taxSummary.reduce((a, r) => a + r.amount, 0)
  const total = subtotal + tax
  return {
    kind: 'invoice',
    number: 'INV-2025-00042',
    status: 'sent',
    issueDate: '2025-03-14',
    dueDate: '2025-04-13',
    poNumber: 'PO-7781',
    currency: 'EUR',
    locale: 'de-DE',
    template: 'classic',
    brandColor: '#0f766e',
    seller: {
      name: 'Nordlicht Studio GmbH',
      legalName: 'Nordlicht Studio GmbH',
      addressLines: [],
      address: { line1: 'Hafenstraße 12', city: 'Hamburg', postalCode: '20457', countryCode: 'DE' },
      taxId: '22/815/08151',
      vatId: 'DE123456789',
      registrationId: 'HRB 123456',
      email: 'billing@nordlicht.example',
      phone: '+49 40 1234567',
      logo: sampleLogo(),
      bank: { accountName: 'Nordlicht Studio GmbH', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
    },
    buyer: {
      name: 'Acme Trading Ltd',
      legalName: 'Acme Trading Limited',
      contactName: 'Jane Doe',
      address: { line1: '1 Market Street', city: 'Berlin', postalCode: '10115', countryCode: 'DE' },
      vatId: 'DE987654321',
      email: 'ap@acme.example',
      buyerReference: '04011000-12345-34',
    },
    lines,
    taxSummary,
    totals: {
      subtotal,
      discount: 0,
      shipping: 0,
      tax,
      total,
      paid,
      amountDue: total - paid,
    },
    notes: 'Thank you for your business.',
    terms: 'Payable within 30 days without deduction.',
    footer: 'Nordlicht Studio GmbH · Hafenstraße 12 · 20457 Hamburg · HRB 123456',
    paymentInstructions: 'Please transfer the amount due, quoting the invoice number.',
    payUrl: 'https://atrium.example/pay/inv_abc',
    viewUrl: 'https://atrium.example/v/2bUq8d0Yq3eHkPpA',
    ...overrides,
  }
}
