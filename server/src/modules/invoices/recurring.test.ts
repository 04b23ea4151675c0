import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { auditLogs } from '../../kernel/audit/index.ts'
import { mailMessages } from '../../kernel/mail/schema.ts'
import { periodStart } from './recurring.ts'
import { generateDueInvoices } from './recurring-job.ts'
import { documents, recurringProfiles, recurringRuns } from './schema.ts'

/** Recurring invoices: profiles through HTTP, and the job that writes one invoice per period. */
let t: TestApp
let owner: TestUser
let member: TestUser
let other: TestUser
let clientId: string
let memberClientId: string
let vat: string

const run = (today: string, hook?: (profileId: string, period: string) => void) =>
  generateDueInvoices(
    { database: t.database, events: t.kernel.events, jobs: t.kernel.jobs, appUrl: 'http://localhost:3000' },
    { today, hook },
  )

async function profile(body: Record<string, unknown>, user = owner) {
  const r = await user.client.post('/api/v1/recurring-invoices', {
    clientId,
    lines: [{ description: 'Retainer', quantity: '1', unitPrice: 100000, taxRateIds: [vat] }],
    frequency: 'monthly',
    ...body,
  })
  expect(r.statusCode, r.body).toBe(201)
  return r.json() as { id: string; nextDate: string | null; status: string; generated: number }
}

async function invoicesOf(profileId: string) {
  const runs = await t.database.db
    .select()
    .from(recurringRuns)
    .where(eq(recurringRuns.profileId, profileId))
    .orderBy(recurringRuns.periodStart)
  const docs = []
  for (const r of runs) {
    const [d] = await t.database.db.select().from(documents).where(eq(documents.id, r.invoiceId!))
    docs.push(d!)
  }
  return { periods: runs.map((r) => r.periodStart), docs }
}

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Recurring Co' })
  member = await joinWorkspace(t, owner.workspaceId!, 'member')
  other = await t.user({ workspace: 'Other Ltd' })
  clientId = (
    await owner.client.post('/api/v1/clients', {
      name: 'Northwind Traders',
      email: 'ap@northwind.example',
      currency: 'EUR',
    })
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
  vat = (await owner.client.post('/api/v1/tax-rates', { name: 'VAT', percent: '20' })).json().id
})
afterAll(() => t?.close())

describe('periods', () => {
  it('count months from the start, so the 31st clamps to each month’s end and comes back', () => {
    const months = [0, 1, 2, 3, 12, 13].map((k) => periodStart('2024-01-31', 'monthly', 1, k))
    expect(months).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
      '2025-01-31',
      '2025-02-28',
    ])
    expect(periodStart('2026-11-30', 'quarterly', 1, 1)).toBe('2027-02-28')
    expect(periodStart('2024-02-29', 'yearly', 1, 1)).toBe('2025-02-28')
    expect(periodStart('2026-01-05', 'weekly', 2, 3)).toBe('2026-02-16')
    expect(periodStart('2026-01-15', 'monthly', 2, 6)).toBe('2027-01-15')
  })
})

describe('recurring profiles', () => {
  it('are created with their lines checked and totals, listed, searched, read, changed and audited', async () => {
    const start = '2026-01-10'
    const p = await profile({ name: 'Hosting plan', startDate: start, count: 3, dueDays: 14 })
    expect(p.status).toBe('active')
    expect(p.nextDate).toBe(start)
    const got = (await owner.client.get(`/api/v1/recurring-invoices/${p.id}`)).json()
    expect(got.total).toBe(120000)
    expect(got.lines[0]).toMatchObject({ description: 'Retainer', unitPrice: 100000, taxRateIds: [vat] })
    const list = (await owner.client.get('/api/v1/recurring-invoices?status=active')).json()
    expect(list.data.map((x: { id: string }) => x.id)).toContain(p.id)
    const found = (await owner.client.get('/api/v1/recurring-invoices?q=hostng')).json()
    expect(found.data.map((x: { id: string }) => x.id)).toEqual([p.id])
    const patched = await owner.client.patch(`/api/v1/recurring-invoices/${p.id}`, {
      notes: 'Thanks!',
      count: 2,
    })
    expect(patched.statusCode, patched.body).toBe(200)
    expect(patched.json().notes).toBe('Thanks!')
    const audits = await t.database.db.select().from(auditLogs).where(eq(auditLogs.targetId, p.id))
    expect(audits.map((a) => a.action).sort()).toEqual([
      'recurring_invoice.created',
      'recurring_invoice.updated',
    ])
    const del = await owner.client.del(`/api/v1/recurring-invoices/${p.id}`)
    expect(del.statusCode, del.body).toBe(204)
    expect((await owner.client.get(`/api/v1/recurring-invoices/${p.id}`)).statusCode).toBe(404)
  })

  it('honour Idempotency-Key on create: a retry gets the first answer and makes nothing more', async () => {
    const body = {
      clientId,
      lines: [{ description: 'Support', unitPrice: 5000 }],
      frequency: 'yearly',
      startDate: '2026-06-01',
      count: 1,
    }
    const send = () =>
      owner.client.request({
        method: 'POST',
        url: '/api/v1/recurring-invoices',
        payload: body,
        headers: { 'idempotency-key': 'recurring-create-1' },
      })
    const before = await t.database.db.$count(recurringProfiles)
    const first = await send()
    const again = await send()
    expect(first.statusCode, first.body).toBe(201)
    expect(again.statusCode).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.json().id).toBe(first.json().id)
    expect(await t.database.db.$count(recurringProfiles)).toBe(before + 1)
  })

  it('refuse bad input naming the field, and change nothing', async () => {
    const before = await t.database.db.$count(recurringProfiles)
    const cases: [Record<string, unknown>, string][] = [
      [{ startDate: '2026-02-30' }, 'startDate'],
      [{ startDate: '2026-03-01', endDate: '2026-13-01' }, 'endDate'],
      [{ startDate: '2026-03-01', endDate: '2026-06-01', count: 3 }, 'count'],
      [{ startDate: '2026-03-01', endDate: '2026-02-01' }, 'endDate'],
      [{ startDate: '2026-03-01', frequency: 'daily' }, 'frequency'],
      [{ startDate: '2026-03-01', interval: 0 }, 'interval'],
      [{ startDate: '2026-03-01', lines: [] }, 'lines'],
      [
        {
          startDate: '2026-03-01',
          lines: [{ description: 'X', unitPrice: 1, taxRateIds: [`tax_${'0'.repeat(32)}`] }],
        },
        'lines.0.taxRateIds',
      ],
      [{ startDate: '2026-03-01', clientId: `cli_${'0'.repeat(32)}` }, 'clientId'],
      [{ startDate: '2026-03-01', currency: 'USD', autoSend: true }, 'autoSend'],
      [{ startDate: '2019-01-01' }, 'startDate'],
    ]
    for (const [body, field] of cases) {
      const r = await owner.client.post('/api/v1/recurring-invoices', {
        clientId,
        lines: [{ description: 'Retainer', unitPrice: 100 }],
        frequency: 'monthly',
        ...body,
      })
      expect(r.statusCode, `${JSON.stringify(body)} ${r.body}`).toBe(400)
      expect(r.headers['content-type']).toMatch(/problem\+json/)
      expect(
        r.json().errors.map((e: { field: string }) => e.field),
        r.body,
      ).toContain(field)
    }
    expect(await t.database.db.$count(recurringProfiles)).toBe(before)
    const p = await profile({ startDate: '2026-03-01', endDate: '2026-06-01' })
    const both = await owner.client.patch(`/api/v1/recurring-invoices/${p.id}`, { count: 2 })
    expect(both.statusCode).toBe(400)
    expect(both.json().errors[0].field).toBe('count')
    expect((await owner.client.get(`/api/v1/recurring-invoices/${p.id}`)).json().count).toBeNull()
  })

  it('are seen by members only for their clients; another workspace gets 404', async () => {
    const mine = await profile({ startDate: '2026-03-01', count: 1, clientId: memberClientId })
    const notMine = await profile({ startDate: '2026-03-01', count: 1 })
    const list = (await member.client.get('/api/v1/recurring-invoices?limit=200')).json()
    const ids = list.data.map((x: { id: string }) => x.id)
    expect(ids).toContain(mine.id)
    expect(ids).not.toContain(notMine.id)
    expect((await member.client.get(`/api/v1/recurring-invoices/${notMine.id}`)).statusCode).toBe(404)
    expect((await member.client.post(`/api/v1/recurring-invoices/${notMine.id}/pause`)).statusCode).toBe(404)
    expect(
      (
        await member.client.post('/api/v1/recurring-invoices', {
          clientId,
          lines: [{ description: 'X', unitPrice: 1 }],
          frequency: 'weekly',
          startDate: '2026-03-01',
        })
      ).statusCode,
    ).toBe(400)
    expect(
      (await member.client.patch(`/api/v1/recurring-invoices/${mine.id}`, { notes: 'ok' })).statusCode,
    ).toBe(200)
    expect((await member.client.del(`/api/v1/recurring-invoices/${mine.id}`)).statusCode).toBe(403)
    for (const r of [
      await other.client.get(`/api/v1/recurring-invoices/${mine.id}`),
      await other.client.patch(`/api/v1/recurring-invoices/${mine.id}`, { notes: 'x' }),
      await other.client.post(`/api/v1/recurring-invoices/${mine.id}/pause`),
      await other.client.del(`/api/v1/recurring-invoices/${mine.id}`),
    ])
      expect(r.statusCode).toBe(404)
    expect((await other.client.get('/api/v1/recurring-invoices')).json().data).toEqual([])
    expect((await owner.client.get(`/api/v1/recurring-invoices/${mine.id}`)).json().notes).toBe('ok')
  })
})

describe('the recurring job', () => {
  it('writes one invoice per period, once however often it runs; monthly on the 31st clamps; count ends it', async () => {
    const p = await profile({ startDate: '2026-01-31', count: 4, dueDays: 10 })
    expect(await run('2026-03-15')).toBeGreaterThanOrEqual(2)
    expect(await run('2026-03-15')).toBe(0)
    let got = await invoicesOf(p.id)
    expect(got.periods).toEqual(['2026-01-31', '2026-02-28'])
    expect(got.docs.map((d) => [d.status, d.issueDate, d.dueDate, d.total])).toEqual([
      ['draft', '2026-01-31', '2026-02-10', 120000],
      ['draft', '2026-02-28', '2026-03-10', 120000],
    ])
    await Promise.all([run('2026-12-31'), run('2026-12-31')])
    got = await invoicesOf(p.id)
    expect(got.periods).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30'])
    expect(new Set(got.docs.map((d) => d.id)).size).toBe(4)
    const after = (await owner.client.get(`/api/v1/recurring-invoices/${p.id}`)).json()
    expect(after).toMatchObject({
      status: 'completed',
      generated: 4,
      nextDate: null,
      lastInvoiceId: got.docs[3]!.id,
    })
    const generated = await t.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, 'invoice.created'), eq(auditLogs.targetId, got.docs[0]!.id)))
    expect(generated).toHaveLength(1)
    expect(generated[0]!.actorLabel).toBe('system')
    expect(
      await t.database.db.$count(
        auditLogs,
        and(eq(auditLogs.targetId, p.id), eq(auditLogs.action, 'recurring_invoice.completed')),
      ),
    ).toBe(1)
  })

  it('respects the end date', async () => {
    const p = await profile({
      startDate: '2026-01-05',
      frequency: 'weekly',
      interval: 2,
      endDate: '2026-02-16',
    })
    await run('2026-12-31')
    const got = await invoicesOf(p.id)
    expect(got.periods).toEqual(['2026-01-05', '2026-01-19', '2026-02-02', '2026-02-16'])
    expect((await owner.client.get(`/api/v1/recurring-invoices/${p.id}`)).json().status).toBe('completed')
  })

  it('fails part-way without a duplicate or a gap: the failed period rolls back and the next run resumes', async () => {
    const crashCo = (await owner.client.post('/api/v1/clients', { name: 'Crash Co', currency: 'EUR' })).json()
      .id
    const p = await profile({ startDate: '2026-01-01', count: 5, clientId: crashCo })
    let calls = 0
    const failing = (id: string, period: string) => {
      if (id === p.id && period === '2026-03-01') {
        calls++
        throw new Error('crash inside the transaction')
      }
    }
    await expect(run('2026-12-31', failing)).rejects.toThrow(/crash/)
    expect(calls).toBe(1)
    let got = await invoicesOf(p.id)
    expect(got.periods).toEqual(['2026-01-01', '2026-02-01'])
    const mid = (await owner.client.get(`/api/v1/recurring-invoices/${p.id}`)).json()
    expect(mid).toMatchObject({ status: 'active', generated: 2, nextDate: '2026-03-01' })
    expect(mid.lastError).toMatch(/tried again/)
    // The rolled-back period left no invoice behind.
    const drafts = await t.database.db.select().from(documents).where(eq(documents.clientId, crashCo))
    expect(drafts.map((d) => d.issueDate).sort()).toEqual(['2026-01-01', '2026-02-01'])
    await run('2026-12-31')
    await run('2026-12-31')
    got = await invoicesOf(p.id)
    expect(got.periods).toEqual(['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01'])
    expect(new Set(got.docs.map((d) => d.id)).size).toBe(5)
    expect((await owner.client.get(`/api/v1/recurring-invoices/${p.id}`)).json().lastError).toBeNull()
  })

  it('skips paused profiles; resuming skips the periods missed while paused', async () => {
    const p = await profile({ startDate: '2026-01-01' })
    const paused = await owner.client.post(`/api/v1/recurring-invoices/${p.id}/pause`)
    expect(paused.statusCode, paused.body).toBe(200)
    expect(paused.json().status).toBe('paused')
    await run('2026-12-31')
    expect((await invoicesOf(p.id)).periods).toEqual([])
    const resumed = (await owner.client.post(`/api/v1/recurring-invoices/${p.id}/resume`)).json()
    expect(resumed.status).toBe('active')
    expect(resumed.nextDate >= new Date().toISOString().slice(0, 10)).toBe(true)
    expect(resumed.nextDate.endsWith('-01')).toBe(true)
    const actions = (await t.database.db.select().from(auditLogs).where(eq(auditLogs.targetId, p.id))).map(
      (a) => a.action,
    )
    expect(actions).toContain('recurring_invoice.paused')
    expect(actions).toContain('recurring_invoice.resumed')
  })

  it('auto-sends: numbers the invoice and emails it through the send path', async () => {
    const p = await profile({ startDate: '2026-02-01', count: 1, autoSend: true, dueDays: 30 })
    expect(await run('2026-12-31')).toBeGreaterThanOrEqual(1)
    const [doc] = (await invoicesOf(p.id)).docs
    expect(doc!.status).not.toBe('draft')
    expect(doc!.number).toBeTruthy()
    expect(doc!.dueDate).toBe('2026-03-03')
    const mail = await t.mail('ap@northwind.example', new RegExp(`Invoice ${doc!.number}`))
    expect(mail.text).toContain('1,200.00')
    expect(mail.text).toMatch(/\/view\/[A-Za-z0-9_-]{43}/)
    await run('2026-12-31')
    const sent = await t.database.db
      .select()
      .from(mailMessages)
      .where(eq(mailMessages.to, 'ap@northwind.example'))
    expect(sent.filter((m) => m.subject.includes(doc!.number!))).toHaveLength(1)
  })

  it('keeps a profile whose client is gone in place, with the reason', async () => {
    const c = (await owner.client.post('/api/v1/clients', { name: 'Soon Gone', currency: 'EUR' })).json().id
    const p = await profile({ startDate: '2026-01-01', clientId: c })
    expect((await owner.client.del(`/api/v1/clients/${c}`)).statusCode).toBeLessThan(300)
    await run('2026-12-31')
    const after = (await owner.client.get(`/api/v1/recurring-invoices/${p.id}`)).json()
    expect(after.generated).toBe(0)
    expect(after.nextDate).toBe('2026-01-01')
    expect(after.lastError).toMatch(/clientId/)
  })
})
