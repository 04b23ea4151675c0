import { and, eq } from 'drizzle-orm'
import { extractText } from 'unpdf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { auditLogs } from '../../kernel/audit/index.ts'
import { mailMessages } from '../../kernel/mail/schema.ts'
import { documents } from './schema.ts'
import { hashToken } from './view-links.ts'

/** The public view page: tokens made on send, rotated and revoked, and the first open audited once. */
let t: TestApp
let owner: TestUser
let member: TestUser
let other: TestUser
let clientId: string
let memberClientId: string

async function sentInvoice(user: TestUser, client: string) {
  const d = await user.client.post('/api/v1/invoices', {
    clientId: client,
    lines: [{ description: 'Design sprint', quantity: '2', unitPrice: 125000 }],
  })
  expect(d.statusCode, d.body).toBe(201)
  const s = await user.client.post(`/api/v1/invoices/${d.json().id}/send`)
  expect(s.statusCode, s.body).toBe(200)
  return s.json() as { id: string; number: string; total: number }
}

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'View Co' })
  member = await joinWorkspace(t, owner.workspaceId!, 'member')
  other = await t.user({ workspace: 'Elsewhere Ltd' })
  clientId = (
    await owner.client.post('/api/v1/clients', { name: 'Northwind Traders', currency: 'EUR' })
  ).json().id
  memberClientId = (
    await owner.client.post('/api/v1/clients', {
      name: 'Member Client',
      currency: 'EUR',
      assigneeIds: [member.id],
    })
  ).json().id
  await owner.client.put('/api/v1/invoice-settings', {
    ...((await owner.client.get('/api/v1/invoice-settings')).json() as object),
    baseCurrency: 'EUR',
    updatedAt: undefined,
  })
})
afterAll(() => t?.close())

describe('view links', () => {
  it('are made on send, stored hashed, and open the public view; the first open sets viewed once', async () => {
    const inv = await sentInvoice(owner, clientId)
    const [row] = await t.database.db.select().from(documents).where(eq(documents.id, inv.id))
    expect(row!.viewTokenHash).toMatch(/^[0-9a-f]{64}$/)

    const link = await owner.client.post(`/api/v1/invoices/${inv.id}/view-link`)
    expect(link.statusCode, link.body).toBe(200)
    const { url, token } = link.json()
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(url).toBe(`http://localhost:3000/view/${token}`)
    const [after] = await t.database.db.select().from(documents).where(eq(documents.id, inv.id))
    expect(after!.viewTokenHash).toBe(hashToken(token))
    expect(after!.viewTokenHash).not.toBe(row!.viewTokenHash)

    const anon = t.client()
    const open = await anon.get(`/api/v1/public/invoices/${token}`)
    expect(open.statusCode, open.body).toBe(200)
    const view = open.json()
    expect(view.number).toBe(inv.number)
    expect(view.buyer.name).toBe('Northwind Traders')
    expect(view.totals.total).toBe(inv.total)
    expect(view.status).toBe('viewed')
    expect(view.viewedAt).not.toBeNull()
    expect(JSON.stringify(view)).not.toContain(inv.id)

    const again = await anon.get(`/api/v1/public/invoices/${token}`)
    expect(again.json().viewedAt).toBe(view.viewedAt)
    const viewed = await t.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.targetId, inv.id), eq(auditLogs.action, 'invoice.viewed')))
    expect(viewed).toHaveLength(1)
    expect(viewed[0]!.actorId).toBeNull()
    expect(viewed[0]!.actorLabel).toMatch(/anonymous/i)
    const doc = (await owner.client.get(`/api/v1/invoices/${inv.id}`)).json()
    expect(doc.status).toBe('viewed')
  })

  it('a rotated token refuses the old one; a revoked one answers 404', async () => {
    const inv = await sentInvoice(owner, clientId)
    const first = (await owner.client.post(`/api/v1/invoices/${inv.id}/view-link`)).json().token
    const second = (await owner.client.post(`/api/v1/invoices/${inv.id}/view-link`)).json().token
    const anon = t.client()
    expect((await anon.get(`/api/v1/public/invoices/${first}`)).statusCode).toBe(404)
    expect((await anon.get(`/api/v1/public/invoices/${second}`)).statusCode).toBe(200)
    const rev = await owner.client.del(`/api/v1/invoices/${inv.id}/view-link`)
    expect(rev.statusCode, rev.body).toBe(204)
    const gone = await anon.get(`/api/v1/public/invoices/${second}`)
    expect(gone.statusCode).toBe(404)
    expect(gone.headers['content-type']).toMatch(/problem\+json/)
    const audits = await t.database.db.select().from(auditLogs).where(eq(auditLogs.targetId, inv.id))
    const actions = audits.map((a) => a.action)
    expect(actions.filter((a) => a === 'invoice.view_link_rotated')).toHaveLength(2)
    expect(actions).toContain('invoice.view_link_revoked')
  })

  it('works for quotes; drafts have no link; bad tokens name the field', async () => {
    const q = await owner.client.post('/api/v1/quotes', {
      clientId,
      lines: [{ description: 'Audit', unitPrice: 5000 }],
    })
    const draftLink = await owner.client.post(`/api/v1/quotes/${q.json().id}/view-link`)
    expect(draftLink.statusCode).toBe(409)
    await owner.client.post(`/api/v1/quotes/${q.json().id}/send`)
    const token = (await owner.client.post(`/api/v1/quotes/${q.json().id}/view-link`)).json().token
    const open = await t.client().get(`/api/v1/public/invoices/${token}`)
    expect(open.statusCode, open.body).toBe(200)
    expect(open.json().kind).toBe('quote')
    const bad = await t.client().get('/api/v1/public/invoices/short')
    expect(bad.statusCode).toBe(400)
    expect(JSON.stringify(bad.json().errors)).toContain('token')
    const unknown = await t.client().get(`/api/v1/public/invoices/${'A'.repeat(43)}`)
    expect(unknown.statusCode).toBe(404)
  })

  it('other workspaces and members without the client cannot rotate or revoke', async () => {
    const inv = await sentInvoice(owner, clientId)
    expect((await other.client.post(`/api/v1/invoices/${inv.id}/view-link`)).statusCode).toBe(404)
    expect((await other.client.del(`/api/v1/invoices/${inv.id}/view-link`)).statusCode).toBe(404)
    expect((await member.client.post(`/api/v1/invoices/${inv.id}/view-link`)).statusCode).toBe(404)
    const mine = await sentInvoice(owner, memberClientId)
    const link = await member.client.post(`/api/v1/invoices/${mine.id}/view-link`)
    expect(link.statusCode, link.body).toBe(200)
    expect((await member.client.del(`/api/v1/invoices/${mine.id}/view-link`)).statusCode).toBe(204)
  })

  it('limits opens per address', async () => {
    const anon = t.client({ ip: '10.9.8.7' })
    let last = 0
    for (let i = 0; i < 61; i++)
      last = (await anon.get(`/api/v1/public/invoices/${'B'.repeat(43)}`)).statusCode
    expect(last).toBe(429)
  })
})

describe('sending by email', () => {
  it('emails the view link once, with the send; the link opens the document', async () => {
    const c = (
      await owner.client.post('/api/v1/clients', {
        name: 'Mailed Co',
        email: 'billing@mailed.example',
        currency: 'EUR',
      })
    ).json().id
    const d = await owner.client.post('/api/v1/invoices', {
      clientId: c,
      lines: [{ description: 'Retainer', unitPrice: 99000 }],
    })
    const s = await owner.client.post(`/api/v1/invoices/${d.json().id}/send`, { email: true })
    expect(s.statusCode, s.body).toBe(200)
    const mail = await t.mail('billing@mailed.example', new RegExp(`Invoice ${s.json().number}`))
    expect(mail.text).toContain(s.json().number)
    expect(mail.text).toContain('990.00')
    const token = mail.text.match(/\/view\/([A-Za-z0-9_-]{43})/)![1]!
    const open = await t.client().get(`/api/v1/public/invoices/${token}`)
    expect(open.statusCode, open.body).toBe(200)
    expect(open.json().number).toBe(s.json().number)
    // The same send never emails twice: a second send is refused and queues nothing.
    expect(
      (await owner.client.post(`/api/v1/invoices/${d.json().id}/send`, { email: true })).statusCode,
    ).toBe(409)
    await new Promise((r) => setTimeout(r, 1500))
    const sent = await t.database.db
      .select()
      .from(mailMessages)
      .where(eq(mailMessages.to, 'billing@mailed.example'))
    expect(sent).toHaveLength(1)
    const [pdf] = sent[0]!.attachments
    expect(pdf!.filename).toBe(`${s.json().number}.pdf`)
    expect(pdf!.contentType).toBe('application/pdf')
    const bytes = new Uint8Array(Buffer.from(pdf!.content, 'base64'))
    const { text } = await extractText(bytes, { mergePages: true })
    expect(text).toContain(s.json().number)
    expect(text).toContain('Mailed Co')
    expect(sent[0]!.html).toContain(`/view/${token}`)
  })

  it('sends to another address; refuses a bad one or a client without email, changing nothing', async () => {
    const d = await owner.client.post('/api/v1/quotes', {
      clientId,
      lines: [{ description: 'Plan', unitPrice: 100 }],
    })
    const bad = await owner.client.post(`/api/v1/quotes/${d.json().id}/send`, { to: 'not-an-address' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].field).toBe('to')
    const none = await owner.client.post(`/api/v1/quotes/${d.json().id}/send`, { email: true })
    expect(none.statusCode).toBe(400)
    expect(none.json().errors[0].field).toBe('to')
    expect((await owner.client.get(`/api/v1/quotes/${d.json().id}`)).json().status).toBe('draft')
    const ok = await owner.client.post(`/api/v1/quotes/${d.json().id}/send`, {
      to: 'buyer@northwind.example',
    })
    expect(ok.statusCode, ok.body).toBe(200)
    const mail = await t.mail('buyer@northwind.example', /Quote/)
    expect(mail.subject).toContain(`${ok.json().number}`)
    expect(mail.subject).toContain('View Co')
  })
})
