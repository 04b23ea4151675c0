/**
 * The email that sends a quote, invoice or credit note: a branded HTML message built from React Email
 * components (table layouts and inline styles that mail clients render) with a plain-text part converted
 * from the same markup, so both say the same thing. Elements are created with createElement because
 * the server runs TypeScript through Node's type stripping, which has no JSX.
 */
import {
  Body,
  Button,
  Column,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Img,
  Link,
  Preview,
  Row,
  Section,
  Text,
} from '@react-email/components'
import { render } from '@react-email/render'
import { createElement as h, type ReactNode } from 'react'
import type { EmailBranding, RenderableDocument } from './document.ts'
import * as fmt from './format.ts'

export interface DocumentEmail {
  subject: string
  html: string
  text: string
}

const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

function contrast(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16)
  const y = 0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)
  return y > 160 ? '#111111' : '#ffffff'
}

function fact(label: string, value: string, strong = false): ReactNode {
  const children = [
    h(Column, { key: 'l', style: { padding: '4px 0', color: '#6b7280', fontSize: '14px' } }, label),
    h(
      Column,
      {
        key: 'v',
        align: 'right',
        style: { padding: '4px 0', fontSize: strong ? '18px' : '14px', fontWeight: strong ? 700 : 400 },
      },
      value,
    ),
  ]
  return h(Row, { key: label, children })
}

/** Wording that replaces the sending email's own: a payment reminder's subject, intro and preview line. */
export interface EmailWording {
  subject?: string
  intro?: string
  preview?: string
}

/**
 * Builds the subject, HTML and plain text of the email that sends `doc`, linking to `viewUrl`; `wording`
 * turns it into another message about the document (a payment reminder) with the same layout.
 */
export async function renderDocumentEmail(
  doc: RenderableDocument,
  branding: EmailBranding,
  viewUrl: string,
  wording: EmailWording = {},
): Promise<DocumentEmail> {
  const locale = fmt.safeLocale(doc.locale)
  const l = fmt.labels(locale)
  const brand = /^#[0-9a-f]{6}$/i.test(branding.brandColor) ? branding.brandColor : '#1f4e79'
  const kind = fmt.kindLabel(doc.kind, l)
  const number = doc.number ?? l.draft
  const title = `${kind} ${number}`
  const money = (minor: number) => fmt.money(minor, doc.currency, locale)
  const isQuote = doc.kind === 'quote'
  const amountLabel = isQuote ? l.total : l.amountDue
  const amount = money(isQuote ? doc.totals.total : doc.totals.amountDue)
  const due = doc.dueDate ? fmt.date(doc.dueDate, locale) : null
  const subject = wording.subject ?? `${title} – ${branding.workspaceName}`
  const greetingName = doc.buyer.contactName || doc.buyer.name

  const facts: ReactNode[] = [
    fact(l.issueDate, fmt.date(doc.issueDate, locale)),
    ...(due ? [fact(isQuote ? l.validUntil : l.dueDate, due)] : []),
    ...(doc.poNumber ? [fact(l.poNumber, doc.poNumber)] : []),
    fact(amountLabel, amount, true),
  ]

  const email = h(
    Html,
    { lang: locale },
    h(Head, null),
    h(
      Preview,
      null,
      wording.preview ?? `${title} · ${amountLabel} ${amount}${due ? ` · ${l.emailDue(due)}` : ''}`,
    ),
    h(
      Body,
      { style: { backgroundColor: '#f3f4f6', fontFamily: FONT, margin: 0, padding: '24px 0' } },
      h(
        Container,
        { style: { backgroundColor: '#ffffff', borderRadius: '8px', maxWidth: '560px', overflow: 'hidden' } },
        h(Section, { style: { backgroundColor: brand, height: '6px' } }),
        h(
          Section,
          { style: { padding: '24px 32px 0' } },
          branding.logoUrl
            ? h(Img, { src: branding.logoUrl, alt: branding.workspaceName, height: '40' })
            : h(
                Text,
                { style: { fontSize: '18px', fontWeight: 700, color: brand, margin: 0 } },
                branding.workspaceName,
              ),
        ),
        h(
          Section,
          { style: { padding: '8px 32px' } },
          h(Heading, { as: 'h1', style: { fontSize: '22px', margin: '16px 0 8px' } }, title),
          h(Text, { style: { fontSize: '15px', lineHeight: '22px' } }, `${greetingName},`),
          h(
            Text,
            { style: { fontSize: '15px', lineHeight: '22px' } },
            wording.intro ?? l.emailIntro(kind, number),
          ),
          h(
            Section,
            { style: { borderTop: '1px solid #e5e7eb', borderBottom: '1px solid #e5e7eb' } },
            ...facts,
          ),
          h(
            Section,
            { style: { textAlign: 'center', padding: '24px 0 8px' } },
            h(
              Button,
              {
                href: viewUrl,
                style: {
                  backgroundColor: brand,
                  color: contrast(brand),
                  borderRadius: '6px',
                  padding: '12px 24px',
                  fontSize: '15px',
                  fontWeight: 600,
                  textDecoration: 'none',
                },
              },
              l.emailButton(kind),
            ),
          ),
          doc.payUrl && !isQuote && doc.totals.amountDue > 0
            ? h(
                Section,
                { style: { textAlign: 'center', padding: '0 0 8px' } },
                h(
                  Button,
                  {
                    href: doc.payUrl,
                    style: {
                      backgroundColor: '#ffffff',
                      color: brand,
                      border: `2px solid ${brand}`,
                      borderRadius: '6px',
                      padding: '10px 24px',
                      fontSize: '15px',
                      fontWeight: 600,
                      textDecoration: 'none',
                    },
                  },
                  l.payNow,
                ),
              )
            : null,
          doc.paymentInstructions && !isQuote
            ? h(
                Text,
                { style: { fontSize: '13px', color: '#374151', lineHeight: '20px' } },
                `${l.paymentInstructions}: ${doc.paymentInstructions}`,
              )
            : null,
          h(
            Text,
            { style: { fontSize: '12px', color: '#6b7280', lineHeight: '18px' } },
            `${l.viewOnline}: `,
            h(Link, { href: viewUrl, style: { color: brand, wordBreak: 'break-all' } }, viewUrl),
          ),
        ),
        h(Hr, { style: { borderColor: '#e5e7eb', margin: '8px 32px' } }),
        h(
          Section,
          { style: { padding: '0 32px 24px' } },
          h(
            Text,
            { style: { fontSize: '12px', color: '#6b7280', lineHeight: '18px', margin: 0 } },
            [doc.seller.name, ...doc.seller.addressLines].filter(Boolean).join(' · '),
          ),
          branding.supportEmail
            ? h(
                Text,
                { style: { fontSize: '12px', color: '#6b7280', margin: '4px 0 0' } },
                h(
                  Link,
                  { href: `mailto:${branding.supportEmail}`, style: { color: '#6b7280' } },
                  branding.supportEmail,
                ),
              )
            : null,
        ),
      ),
    ),
  )

  const html = await render(email)
  const text = await render(email, { plainText: true })
  return { subject, html, text }
}
