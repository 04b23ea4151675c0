/**
 * The notification email, one notification or a digest of several: a React Email layout carrying the
 * workspace's name as its header, with an HTML part and a plain-text part rendered from the same
 * markup. Loaded on first use (`delivery.ts`), like the invoices' templates.
 */
import {
  Body,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Link,
  Preview,
  Section,
  Text,
} from '@react-email/components'
import { render } from '@react-email/render'
import { createElement as h } from 'react'

export type EmailItem = { title: string; summary: string; url: string | null; at: Date }
export type EmailBranding = { workspaceName: string; brandColor: string }

const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

export async function renderNotificationEmail(
  items: EmailItem[],
  branding: EmailBranding,
  recipientName: string,
  settingsUrl: string,
): Promise<{ subject: string; html: string; text: string }> {
  const brand = /^#[0-9a-f]{6}$/i.test(branding.brandColor) ? branding.brandColor : '#1f4e79'
  const single = items.length === 1 ? items[0]! : null
  const subject = single
    ? `${single.title} – ${branding.workspaceName}`
    : `${items.length} new notifications – ${branding.workspaceName}`
  const email = h(
    Html,
    { lang: 'en' },
    h(Head, null),
    h(Preview, null, single ? single.summary || single.title : subject),
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
          h(
            Text,
            { style: { fontSize: '18px', fontWeight: 700, color: brand, margin: 0 } },
            branding.workspaceName,
          ),
        ),
        h(
          Section,
          { style: { padding: '8px 32px' } },
          h(
            Heading,
            { as: 'h1', style: { fontSize: '20px', margin: '16px 0 8px' } },
            single ? single.title : `${items.length} new notifications`,
          ),
          h(Text, { style: { fontSize: '15px', lineHeight: '22px' } }, `Hello ${recipientName},`),
          ...items.map((it, i) =>
            h(
              Section,
              { key: String(i), style: { borderTop: '1px solid #e5e7eb', padding: '8px 0' } },
              h(
                Text,
                { style: { fontSize: '15px', fontWeight: 600, margin: '4px 0' } },
                it.url ? h(Link, { href: it.url, style: { color: brand } }, it.title) : it.title,
              ),
              it.summary
                ? h(Text, { style: { fontSize: '14px', color: '#374151', margin: '4px 0' } }, it.summary)
                : null,
              h(
                Text,
                { style: { fontSize: '12px', color: '#6b7280', margin: '4px 0' } },
                `${it.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
              ),
            ),
          ),
        ),
        h(Hr, { style: { borderColor: '#e5e7eb', margin: '8px 32px' } }),
        h(
          Section,
          { style: { padding: '0 32px 24px' } },
          h(
            Text,
            { style: { fontSize: '12px', color: '#6b7280', margin: 0 } },
            'Choose which notifications you get by email: ',
            h(Link, { href: settingsUrl, style: { color: '#6b7280' } }, settingsUrl),
          ),
        ),
      ),
    ),
  )
  const html = await render(email)
  const text = await render(email, { plainText: true })
  return { subject, html, text }
}
