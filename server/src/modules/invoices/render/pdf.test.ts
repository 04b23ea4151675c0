import { extractLinks, extractText } from 'unpdf'
import { describe, expect, it } from 'vitest'
import { sampleDocument } from './fixtures.ts'
import { money } from './format.ts'
import { renderPdf } from './pdf.ts'

async function pages(pdf: Uint8Array): Promise<string[]> {
  const { text } = await extractText(new Uint8Array(pdf), { mergePages: false })
  // pdf.js separates some glyph runs with spaces or line breaks: compare on collapsed whitespace.
  return text.map((t) => t.replace(/\s+/g, ' '))
}

describe('invoice PDF', () => {
  it('shows the number, the client, the total and the amount due in the document locale', async () => {
    const doc = sampleDocument({ paid: 10000 })
    const pdf = await renderPdf(doc)
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-')
    const [text] = await pages(pdf)
    expect(text).toContain('INV-2025-00042')
    expect(text).toContain('Acme Trading Ltd')
    expect(text).toContain('Nordlicht Studio GmbH')
    expect(text).toContain('DE123456789')
    // de-DE: "7.210,32 €"; formatted through Intl like the renderer, compared without its narrow spaces.
    const total = money(doc.totals.total, 'EUR', 'de-DE').replace(/\s+/g, ' ')
    expect(total).toMatch(/^\d{1,3}(\.\d{3})*,\d{2} €$/)
    expect(text).toContain(total)
    expect(text).toContain(money(doc.totals.amountDue, 'EUR', 'de-DE').replace(/\s+/g, ' '))
    expect(text).toContain('Offener Betrag')
    expect(text).toContain('14.03.2025')
    expect(text).toContain('Seite 1 von 1')
    expect(text).toContain('DE89370400440532013000')
    const { links } = await extractLinks(new Uint8Array(pdf))
    expect(links).toContain('https://atrium.example/pay/inv_abc')
  })

  it('formats amounts and dates for other locales and zero-digit currencies', async () => {
    const doc = sampleDocument({ locale: 'en-US', currency: 'JPY' })
    const [text] = await pages(await renderPdf(doc))
    expect(text).toContain('Mar 14, 2025')
    expect(text).toContain(money(doc.totals.total, 'JPY', 'en-US'))
    expect(text).toContain('Page 1 of 1')
  })

  it('draws Cyrillic, Greek and CJK names with embedded Unicode fonts', async () => {
    const names = ['Иван Петров', 'Γιώργος Παπαδόπουλος', '山田太郎', '株式会社さくら']
    const base = sampleDocument()
    const doc = sampleDocument({
      buyer: {
        ...base.buyer,
        name: names[0]!,
        legalName: `${names[1]} · ${names[2]}`,
        contactName: names[3],
      },
      lines: base.lines.map((l, i) => (i === 0 ? { ...l, description: 'Дизайн · Σχέδιο · デザイン' } : l)),
    })
    const pdf = await renderPdf(doc)
    const [text] = await pages(pdf)
    const compact = text.replace(/\s+/g, '')
    for (const name of names) expect(compact).toContain(name.replace(/\s+/g, ''))
    expect(compact).toContain('Дизайн·Σχέδιο·デザイン')
    // Only embedded fonts: no standard (non-embedded) PDF font is referenced.
    expect(Buffer.from(pdf).includes('/Helvetica')).toBe(false)
  })

  it('repeats the table header and numbers the pages of a long invoice', async () => {
    const doc = sampleDocument({ lineCount: 150 })
    const text = await pages(await renderPdf(doc))
    expect(text.length).toBeGreaterThanOrEqual(4)
    text.forEach((page, i) => {
      expect(page).toContain(`Seite ${i + 1} von ${text.length}`)
      if (i > 0) expect(page).toContain('INV-2025-00042 (Fortsetzung)')
    })
    // The table header appears on every page that carries lines (all but possibly the last).
    const withLines = text.filter((p) => /\(\d+\)/.test(p))
    expect(withLines.length).toBeGreaterThanOrEqual(text.length - 1)
    for (const page of withLines) expect(page).toMatch(/BESCHREIBUNG.*MENGE.*EINZELPREIS.*BETRAG/)
    expect(text.join(' ')).toContain('(150)')
    expect(text.at(-1)).toContain(money(doc.totals.total, 'EUR', 'de-DE').replace(/\s+/g, ' '))
  })

  it.each(['classic', 'modern', 'compact'] as const)('renders the %s template', async (template) => {
    const doc = sampleDocument({ template, locale: 'en-GB' })
    const [text] = await pages(await renderPdf(doc))
    expect(text).toContain('INVOICE')
    expect(text).toContain('INV-2025-00042')
    expect(text).toContain('Acme Trading Ltd')
    expect(text).toContain(money(doc.totals.total, 'EUR', 'en-GB'))
  })

  it('marks drafts and labels quotes and credit notes', async () => {
    const draft = await pages(
      await renderPdf(sampleDocument({ number: null, status: 'draft', locale: 'en' })),
    )
    expect(draft[0]).toContain('DRAFT')
    const quote = await pages(
      await renderPdf(sampleDocument({ kind: 'quote', number: 'Q-7', status: 'sent', locale: 'fr-FR' })),
    )
    expect(quote[0]).toContain('DEVIS')
    expect(quote[0]).toContain("Valable jusqu'au")
    expect(quote[0]).not.toContain('Reste à payer')
    const credit = await pages(
      await renderPdf(
        sampleDocument({
          kind: 'credit_note',
          number: 'CN-3',
          status: 'issued',
          locale: 'en',
          creditedInvoiceNumber: 'INV-2025-00042',
        }),
      ),
    )
    expect(credit[0]).toContain('CREDIT NOTE')
    expect(credit[0]).toContain('Credit for invoice')
    expect(credit[0]).toContain('INV-2025-00042')
  })
})
