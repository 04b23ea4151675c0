import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { auditLogs } from '../../kernel/audit/index.ts'
import { mailMessages } from '../../kernel/mail/schema.ts'

/** Emailing a sent invoice or quote again: the send's email, a fresh link, audited, refused when it cannot be. */
let t: TestApp
let owner: TestUser
let member: TestUser
let other: TestUser
let mailedClient: string
let silentClient: string

async function draft(user: TestUser, clientId: string, kind: 'invoices' | 'quotes' = 'invoices') {
  const d = await user.client.post(`/api/v1/${kind}`, {
    clientId,
    lines: [{ description: 'Workshop', quantity: '2', unitPrice: 40000 }],
  })
  expect(d.statusCode, d.body).toBe(201)
  return d.json() as { id: string }
}

async function sent(user: TestUser, clientId: string, kind: 'invoices' | 'quotes' = 'invoices') {
  const d = await draft(user, clientId, kind)
  const s = await user.client.post(`/api/v1/${kind}/${d.id}/send`)
  expect(s.statusCode, s.body).toBe(200)
  return s.json() as { id: string; number: string }
}

const mailsTo = (to: string) => t.database.db.select().from(mailMessages).where(eq(mailMessages.to, to))

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Resend Co' })
  member = await joinWorkspace(t, owner.workspaceId!, 'member')
  other = await t.user({ workspace: 'Other Ltd' })
  mailedClient = (
    await owner.client.post('/api/v1/clients', {
      name: 'Mailed Again GmbH',
      email: 'ap@again.example',
      currency: 'EUR',
    })
  ).json().id
  silentClient = (await owner.client.post('/api/v1/clients', { name: 'No Mail Ltd', currency: 'EUR' })).json()
    .id
  await owner.client.put('/api/v1/invoice-settings', {
    ...((await owner.client.get('/api/v1/invoice-settings')).json() as object),
    baseCurrency: 'EUR',
    updatedAt: undefined,
  })
})
afterAll(() => t?.close())

describe('POST /api/v1/invoices/{id}/email', () => {
  it('emails the sent invoice again with its PDF and a fresh view link; the old link stops working', async () => {
    const inv = await sent(owner, mailedClient)
    const first = await owner.client.post(`/api/v1/invoices/${inv.id}/view-link`)
    const oldToken = first.json().token as string

    const res = await owner.client.post(`/api/v1/invoices/${inv.id}/email`, {})
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({ to: 'ap@again.example' })
    const mail = await t.mail('ap@again.example', new RegExp(`Invoice ${inv.number}`))
    const token = mail.text.match(/\/view\/([A-Za-z0-9_-]{43})/)![1]!
    expect(token).not.toBe(oldToken)
    expect((await t.client().get(`/api/v1/public/invoices/${token}`)).statusCode).toBe(200)
    expect((await t.client().get(`/api/v1/public/invoices/${oldToken}`)).statusCode).toBe(404)

    const [stored] = await mailsTo('ap@again.example')
    expect(stored!.attachments[0]!.filename).toBe(`${inv.number}.pdf`)
    expect(Buffer.from(stored!.attachments[0]!.content, 'base64').subarray(0, 5).toString('latin1')).toBe(
      '%PDF-',
    )

    const audit = await t.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.targetId, inv.id), eq(auditLogs.action, 'invoice.emailed')))
    expect(audit).toHaveLength(1)

    // Again, to another address: a second message, a second entry.
    const again = await owner.client.post(`/api/v1/invoices/${inv.id}/email`, { to: 'cfo@again.example' })
    expect(again.statusCode, again.body).toBe(200)
    await t.mail('cfo@again.example', new RegExp(`Invoice ${inv.number}`))
    const entries = await t.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.targetId, inv.id), eq(auditLogs.action, 'invoice.emailed')))
    expect(entries).toHaveLength(2)
  })

  it('refuses a draft or void invoice (409 status), no address (400 to) and a bad address (400 to)', async () => {
    const d = await draft(owner, mailedClient)
    const onDraft = await owner.client.post(`/api/v1/invoices/${d.id}/email`, {})
    expect(onDraft.statusCode).toBe(409)
    expect(onDraft.json().errors[0].field).toBe('status')

    const voided = await sent(owner, mailedClient)
    const v = await owner.client.post(`/api/v1/invoices/${voided.id}/void`, { reason: 'Wrong client' })
    expect(v.statusCode, v.body).toBe(200)
    const onVoid = await owner.client.post(`/api/v1/invoices/${voided.id}/email`, {})
    expect(onVoid.statusCode).toBe(409)
    expect(onVoid.json().errors[0].field).toBe('status')

    const silent = await sent(owner, silentClient)
    const none = await owner.client.post(`/api/v1/invoices/${silent.id}/email`)
    expect(none.statusCode).toBe(400)
    expect(none.json().errors[0].field).toBe('to')
    const bad = await owner.client.post(`/api/v1/invoices/${silent.id}/email`, { to: 'nope' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].field).toBe('to')
    const extra = await owner.client.post(`/api/v1/invoices/${silent.id}/email`, { cc: 'x@y.example' })
    expect(extra.statusCode).toBe(400)
    const audit = await t.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.targetId, silent.id), eq(auditLogs.action, 'invoice.emailed')))
    expect(audit).toHaveLength(0)
  })

  it('hides clients a member may not see, keeps to its workspace, needs a session', async () => {
    const inv = await sent(owner, mailedClient)
    expect((await member.client.post(`/api/v1/invoices/${inv.id}/email`, {})).statusCode).toBe(404)
    expect((await other.client.post(`/api/v1/invoices/${inv.id}/email`, {})).statusCode).toBe(404)
    expect((await t.client().post(`/api/v1/invoices/${inv.id}/email`, {})).statusCode).toBe(401)

    const own = (
      await owner.client.post('/api/v1/clients', {
        name: 'Member Owned',
        email: 'member-owned@again.example',
        currency: 'EUR',
        assigneeIds: [member.id],
      })
    ).json().id
    const mine = await sent(owner, own)
    const ok = await member.client.post(`/api/v1/invoices/${mine.id}/email`, {})
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json().to).toBe('member-owned@again.example')
  })
})

describe('POST /api/v1/quotes/{id}/email', () => {
  it('emails a sent quote again; a draft quote answers 409', async () => {
    const q = await sent(owner, mailedClient, 'quotes')
    const res = await owner.client.post(`/api/v1/quotes/${q.id}/email`, { to: 'quotes@again.example' })
    expect(res.statusCode, res.body).toBe(200)
    const mail = await t.mail('quotes@again.example', /Quote/)
    expect(mail.subject).toContain(q.number)
    const d = await draft(owner, mailedClient, 'quotes')
    expect((await owner.client.post(`/api/v1/quotes/${d.id}/email`, {})).statusCode).toBe(409)
  })
})
