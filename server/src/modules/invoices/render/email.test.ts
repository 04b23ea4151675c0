import { describe, expect, it } from 'vitest'
import { renderDocumentEmail } from './email.ts'
import { sampleDocument } from './fixtures.ts'
import { money } from './format.ts'

const branding = {
  workspaceName: 'Nordlicht Studio',
  brandColor: '#0f766e',
  logoUrl: 'https://atrium.example/files/logo.png',
  supportEmail: 'billing@nordlicht.example',
}
const viewUrl = 'https://atrium.example/v/2bUq8d0Yq3eHkPpA'

describe('document email', () => {
  it('has HTML and plain text with the number, the amount due and the view link', async () => {
    const doc = sampleDocument({ paid: 10000, locale: 'en-GB' })
    const mail = await renderDocumentEmail(doc, branding, viewUrl)
    const amount = money(doc.totals.amountDue, 'EUR', 'en-GB')
    expect(mail.subject).toBe('Invoice INV-2025-00042 – Nordlicht Studio')
    expect(mail.html).toMatch(/^<!DOCTYPE html/)
    expect(mail.html).toContain('INV-2025-00042')
    expect(mail.html).toContain(amount)
    expect(mail.html).toContain(`href="${viewUrl}"`)
    expect(mail.html).toContain('background-color:#0f766e')
    expect(mail.html).toContain('src="https://atrium.example/files/logo.png"')
    expect(mail.text).not.toContain('<')
    expect(mail.text).toContain('INV-2025-00042')
    expect(mail.text).toContain(amount)
    expect(mail.text).toContain(viewUrl)
    expect(mail.text).toContain('Amount due')
  })

  it('speaks the client language and escapes names', async () => {
    const base = sampleDocument()
    const doc = sampleDocument({ buyer: { ...base.buyer, contactName: 'Zoë <script>' } })
    const mail = await renderDocumentEmail(doc, { ...branding, logoUrl: null }, viewUrl)
    expect(mail.html).toContain('Rechnung INV-2025-00042')
    expect(mail.html).toContain(money(doc.totals.amountDue, 'EUR', 'de-DE'))
    expect(mail.html).toContain('Zoë &lt;script&gt;')
    expect(mail.html).not.toContain('<script>')
    expect(mail.text).toContain('Offener Betrag')
    expect(mail.text).toContain(viewUrl)
  })

  it('shows the total and validity for a quote', async () => {
    const doc = sampleDocument({ kind: 'quote', number: 'Q-2025-007', locale: 'en-US', currency: 'USD' })
    const mail = await renderDocumentEmail(doc, branding, viewUrl)
    expect(mail.subject).toContain('Quote Q-2025-007')
    expect(mail.text).toContain('Valid until')
    expect(mail.text).toContain(money(doc.totals.total, 'USD', 'en-US'))
  })
})
