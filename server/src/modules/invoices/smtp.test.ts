import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { extractText } from 'unpdf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'

/**
 * Sending through a real SMTP server: SMTP_URL points at an SMTP server listening on a local port, the
 * mail job delivers over the wire, and the message is parsed as a mail client would.
 */
let t: TestApp
let owner: TestUser
let smtp: SMTPServer
const received: ParsedMail[] = []

async function nextMessage(to: string): Promise<ParsedMail> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    const found = received.find((m) =>
      (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a?.text.includes(to)),
    )
    if (found) return found
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no message to ${to} arrived over SMTP`)
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail)
          done()
        })
        .catch(done)
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  const { port } = smtp.server.address() as AddressInfo
  t = await createTestApp({
    SIGNIN_RATE_LIMIT: '1000',
    SESSION_CACHE_MS: '0',
    SMTP_URL: `smtp://127.0.0.1:${port}`,
  })
  owner = await t.user({ workspace: 'Smtp Works' })
})
afterAll(async () => {
  await t?.close()
  await new Promise<void>((resolve) => smtp?.close(() => resolve()))
})

describe('invoice email over SMTP', () => {
  it('arrives with HTML, plain text, the view link and the PDF attached', async () => {
    const client = await owner.client.post('/api/v1/clients', {
      name: 'Northwind Traders',
      currency: 'EUR',
      email: 'ap@northwind.example',
    })
    expect(client.statusCode, client.body).toBe(201)
    const inv = await owner.client.post('/api/v1/invoices', {
      clientId: client.json().id,
      lines: [{ description: 'Design sprint', quantity: '2', unitPrice: 125000 }],
    })
    expect(inv.statusCode, inv.body).toBe(201)
    const sent = await owner.client.post(`/api/v1/invoices/${inv.json().id}/send`, { email: true })
    expect(sent.statusCode, sent.body).toBe(200)
    const number = sent.json().number as string

    const mail = await nextMessage('ap@northwind.example')
    expect(mail.subject).toContain(number)
    expect(mail.text).toContain(number)
    expect(mail.html || '').toContain(number)
    const link = /https?:\/\/\S+\/(?:i|view|invoices)\/\S+/.exec(mail.text ?? '')?.[0]
    expect(link, mail.text).toBeTruthy()

    const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf')
    expect(pdf?.filename).toBe(`${number}.pdf`)
    const text = (await extractText(new Uint8Array(pdf!.content), { mergePages: true })).text
    expect(text).toContain(number)
    expect(text).toContain('Northwind Traders')
  })
})
