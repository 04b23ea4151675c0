import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { auditLogs } from '../../kernel/audit/index.ts'
import { mailMessages } from '../../kernel/mail/schema.ts'
import { addDays, today } from './documents.ts'
import { sendInvoiceReminders } from './reminders.ts'
import { invoiceReminders } from './schema.ts'

/** Payment reminders: the workspace's schedule, one email per invoice and offset, through the mail queue. */
let t: TestApp
let owner: TestUser
let n = 0
const day = today()

const run = (on = day) =>
  sendInvoiceReminders(
    { database: t.database, events: t.kernel.events, jobs: t.kernel.jobs, appUrl: 'http://localhost:3000' },
    { today: on },
  )

async function schedule(reminders: { enabled: boolean; daysBefore: number[]; daysAfter: number[] }) {
  const current = (await owner.client.get('/api/v1/invoice-settings')).json()
  const r = await owner.client.put('/api/v1/invoice-settings', {
    ...current,
    reminders,
    updatedAt: undefined,
  })
  expect(r.statusCode, r.body).toBe(200)
}

/** A sent invoice of a new client with its own address, due `dueIn` days from today. */
async function sentInvoice(dueIn: number, unitPrice = 50000) {
  n++
  const email = `ap${n}@reminded.example`
  const clientId = (
    await owner.client.post('/api/v1/clients', { name: `Reminded ${n}`, email, currency: 'EUR' })
  ).json().id
  const d = await owner.client.post('/api/v1/invoices', {
    clientId,
    issueDate: addDays(day, Math.min(dueIn, 0) - 30),
    dueDate: addDays(day, dueIn),
    lines: [{ description: 'Consulting', unitPrice }],
  })
  expect(d.statusCode, d.body).toBe(201)
  const s = await owner.client.post(`/api/v1/invoices/${d.json().id}/send`)
  expect(s.statusCode, s.body).toBe(200)
  return { id: d.json().id as string, number: s.json().number as string, email }
}

const mailsTo = async (to: string) =>
  (await t.database.db.select().from(mailMessages).where(eq(mailMessages.to, to))).filter((m) =>
    /Reminder|Overdue/.test(m.subject),
  )
const settle = () => new Promise((r) => setTimeout(r, 1500))

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Reminding Co' })
  await owner.client.put('/api/v1/invoice-settings', {
    ...((await owner.client.get('/api/v1/invoice-settings')).json() as object),
    baseCurrency: 'EUR',
    updatedAt: undefined,
  })
})
afterAll(() => t?.close())

describe('reminders', () => {
  it('send nothing while the schedule is off', async () => {
    await schedule({ enabled: false, daysBefore: [3], daysAfter: [1] })
    const inv = await sentInvoice(-2)
    expect(await run()).toBe(0)
    await settle()
    expect(await mailsTo(inv.email)).toHaveLength(0)
  })

  it('email each reminder once, with the amount due and a working view link; paid and void invoices get none', async () => {
    await schedule({ enabled: true, daysBefore: [3], daysAfter: [1, 7, 14] })
    const late = await sentInvoice(-8, 123456)
    const soon = await sentInvoice(2)
    const notYet = await sentInvoice(10)
    const paid = await sentInvoice(-8)
    const pay = await owner.client.post('/api/v1/payments', {
      invoiceId: paid.id,
      method: 'bank_transfer',
      amount: 50000,
      paidOn: day,
    })
    expect(pay.statusCode, pay.body).toBe(201)
    const voided = await sentInvoice(-8)
    expect(
      (await owner.client.post(`/api/v1/invoices/${voided.id}/void`, { reason: 'Sent twice' })).statusCode,
    ).toBe(200)

    const [first, second] = [await run(), await run()]
    expect(first).toBeGreaterThanOrEqual(2)
    expect(second).toBe(0)

    const mail = await t.mail(late.email, /Overdue/)
    expect(mail.subject).toBe(`Overdue: invoice ${late.number} – Reminding Co`)
    expect(mail.text).toContain('1,234.56')
    expect(mail.text).toContain('8 days ago')
    const token = mail.text.match(/\/view\/([A-Za-z0-9_-]{43})/)![1]!
    const open = await t.client().get(`/api/v1/public/invoices/${token}`)
    expect(open.statusCode, open.body).toBe(200)
    expect(open.json().number).toBe(late.number)
    const soonMail = await t.mail(soon.email, /Reminder/)
    expect(soonMail.text).toContain('due in 2 days')

    await settle()
    expect(await mailsTo(late.email)).toHaveLength(1)
    expect(await mailsTo(soon.email)).toHaveLength(1)
    expect(await mailsTo(notYet.email)).toHaveLength(0)
    expect(await mailsTo(paid.email)).toHaveLength(0)
    expect(await mailsTo(voided.email)).toHaveLength(0)
    const rows = await t.database.db
      .select()
      .from(invoiceReminders)
      .where(eq(invoiceReminders.invoiceId, late.id))
    expect(rows.map((r) => r.offsetDays)).toEqual([7])
    const audits = await t.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.targetId, late.id), eq(auditLogs.action, 'invoice.reminder_sent')))
    expect(audits).toHaveLength(1)
    expect(audits[0]!.actorLabel).toBe('system')

    // A week later the +14 reminder goes out, once; the earlier ones are not repeated.
    expect(await run(addDays(day, 7))).toBeGreaterThanOrEqual(1)
    expect(await run(addDays(day, 7))).toBe(0)
    await t.mail(late.email, /Overdue.*/)
    await settle()
    const all = await t.database.db
      .select()
      .from(invoiceReminders)
      .where(eq(invoiceReminders.invoiceId, late.id))
    expect(all.map((r) => r.offsetDays).sort((a, b) => a - b)).toEqual([7, 14])
    expect(await mailsTo(late.email)).toHaveLength(2)
  })

  it('follow a schedule change', async () => {
    await schedule({ enabled: true, daysBefore: [], daysAfter: [30] })
    const inv = await sentInvoice(-5)
    expect(await run()).toBe(0)
    await schedule({ enabled: true, daysBefore: [], daysAfter: [2, 30] })
    expect(await run()).toBeGreaterThanOrEqual(1)
    await t.mail(inv.email, /Overdue/)
    const rows = await t.database.db
      .select()
      .from(invoiceReminders)
      .where(eq(invoiceReminders.invoiceId, inv.id))
    expect(rows.map((r) => r.offsetDays)).toEqual([2])
    await schedule({ enabled: false, daysBefore: [], daysAfter: [2, 30] })
    expect(await run(addDays(day, 40))).toBe(0)
  })
})
