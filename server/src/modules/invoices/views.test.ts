import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { auditLogs } from '../../kernel/audit/index.ts'

/** Saved views of the invoice and quote lists (the kernel's saved views, per record type). */
let t: TestApp
let owner: TestUser
let member: TestUser

type Res = { statusCode: number; body: string; json(): unknown }
type View = { id: string; name: string; query: Record<string, string>; display: Record<string, unknown> }
const ok = <T = View>(res: Res, status = 200) => {
  expect(res.statusCode, res.body).toBe(status)
  return res.json() as T
}

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Views Co' })
  member = await joinWorkspace(t, owner.workspaceId!, 'member', 'Mia Member')
})
afterAll(() => t?.close())

describe('saved invoice views', () => {
  it('saves, lists and deletes the caller’s own views, per list, audited', async () => {
    const v = ok(
      await owner.client.post('/api/v1/invoices/views', {
        name: 'Overdue',
        query: { overdue: 'true', sort: '-due', cursor: 'x' },
        display: { columns: ['number', 'client', 'balance'], density: 'compact' },
      }),
      201,
    )
    expect(v.id).toMatch(/^view_/)
    expect(v.query).toEqual({ overdue: 'true', sort: '-due' })
    const q = ok(
      await owner.client.post('/api/v1/quotes/views', { name: 'Open quotes', query: { status: 'sent' } }),
      201,
    )
    const c = ok(
      await owner.client.post('/api/v1/clients/views', { name: 'Leads', query: { status: 'lead' } }),
      201,
    )
    const names = async (url: string, u = owner) =>
      ok<{ data: View[] }>(await u.client.get(url)).data.map((x) => x.name)
    expect(await names('/api/v1/invoices/views')).toEqual(['Overdue'])
    expect(await names('/api/v1/quotes/views')).toEqual(['Open quotes'])
    expect(await names('/api/v1/clients/views')).toEqual(['Leads'])
    expect(await names('/api/v1/invoices/views', member)).toEqual([])
    expect((await member.client.del(`/api/v1/invoices/views/${v.id}`)).statusCode).toBe(404)
    // A view of another list is not this list's.
    expect((await owner.client.del(`/api/v1/invoices/views/${q.id}`)).statusCode).toBe(404)
    expect((await owner.client.del(`/api/v1/invoices/views/${c.id}`)).statusCode).toBe(404)
    expect((await owner.client.del(`/api/v1/invoices/views/${v.id}`)).statusCode).toBe(204)
    expect(await names('/api/v1/invoices/views')).toEqual([])
    expect(await names('/api/v1/clients/views')).toEqual(['Leads'])
    const audit = await t.database.db
      .select({ action: auditLogs.action })
      .from(auditLogs)
      .where(and(eq(auditLogs.workspaceId, owner.workspaceId!), eq(auditLogs.targetId, v.id)))
    expect(audit.map((a) => a.action).sort()).toEqual(['invoice_view.created', 'invoice_view.deleted'])
  })

  it('refuses a query the list would refuse, naming the parameter', async () => {
    for (const [query, field] of [
      [{ sort: 'bogus' }, 'query.sort'],
      [{ dueFrom: '2026-02-30' }, 'query.dueFrom'],
      [{ totalMin: 'lots' }, 'query.totalMin'],
    ] as const) {
      const r = await owner.client.post('/api/v1/invoices/views', { name: 'Bad', query })
      expect(r.statusCode, r.body).toBe(400)
      expect((r.json() as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(field)
    }
  })
})
