import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { memberships } from '../../kernel/tenancy/index.ts'
import { bulkLimits } from './bulk.ts'

let t: TestApp
let owner: TestUser
let member: TestUser
const saved = { ...bulkLimits }

type Run = { id: string; status: string; total: number; processed: number; affected: number }

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Bulk Job Co' })
  member = await t.user({ workspace: false })
  await t.database.db
    .insert(memberships)
    .values({ workspaceId: owner.workspaceId as string, userId: member.id, role: 'member' })
  await member.client.put('/api/v1/me/active-workspace', { workspaceId: owner.workspaceId })
  // The same code as 5,000 and 1,000, on a handful of clients.
  bulkLimits.inline = 3
  bulkLimits.batch = 2
})
afterAll(async () => {
  Object.assign(bulkLimits, saved)
  await t?.close()
})

async function finish(u: TestUser, id: string): Promise<Run> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const r = (await u.client.get(`/api/v1/clients/bulk/${id}`)).json() as Run
    if (r.status === 'completed' || r.status === 'failed') return r
    if (Date.now() > deadline) throw new Error(`bulk run still ${r.status}`)
    await new Promise((res) => setTimeout(res, 100))
  }
}

describe('bulk actions above the threshold', () => {
  it('run as a job with progress, resume after a failure, and change each client once', async () => {
    const ids: string[] = []
    for (let i = 1; i <= 5; i++)
      ids.push((await owner.client.post('/api/v1/clients', { name: `Bulk ${i}`, tags: ['batch'] })).json().id)
    // Small selections still run in the request.
    const inline = await owner.client.post('/api/v1/clients/bulk', {
      action: 'tag',
      ids: ids.slice(0, 2),
      tags: ['early'],
    })
    expect(inline.statusCode).toBe(200)
    expect(inline.json()).toEqual({ affected: 2 })

    // An injected failure on the third client, once: the first batch has committed by then.
    await t.database.query('create sequence bulk_fault_once')
    await t.database.query('grant usage on sequence bulk_fault_once to atrium_app')
    await t.database.query(`create function bulk_fault() returns trigger language plpgsql as $$
      begin
        if new.name = 'Bulk 3' and 'late' = any(new.tags) and nextval('bulk_fault_once') = 1 then
          raise exception 'injected failure';
        end if;
        return new;
      end $$`)
    await t.database.query(
      'create trigger bulk_fault before update on clients for each row execute function bulk_fault()',
    )

    const res = await owner.client.post('/api/v1/clients/bulk', {
      action: 'tag',
      filter: { tag: 'batch' },
      tags: ['late'],
    })
    expect(res.statusCode).toBe(202)
    const { run } = res.json()
    expect(run).toMatchObject({
      id: expect.stringMatching(/^blk_/),
      status: 'queued',
      total: 5,
      processed: 0,
    })
    const done = await finish(owner, run.id)
    expect(done).toMatchObject({ status: 'completed', total: 5, processed: 5, affected: 5 })
    const [{ n: attempts }] = await t.database.query<{ n: number }>(
      "select nextval('bulk_fault_once')::int - 1 as n",
    )
    expect(attempts).toBeGreaterThanOrEqual(2)
    const tagged = (await owner.client.get('/api/v1/clients?tag=late')).json().data
    expect(tagged).toHaveLength(5)
    // One audit entry per client, shaped as any other update.
    for (const id of ids) {
      const activity = (await owner.client.get(`/api/v1/clients/${id}/activity`)).json().data
      const late = activity.filter((e: { changes: { after: { tags?: string[] } } }) =>
        e.changes.after?.tags?.includes('late'),
      )
      expect(late).toHaveLength(1)
      expect(late[0]).toMatchObject({ action: 'client.updated' })
    }
    const started = (await owner.client.get('/api/v1/audit-logs?action=client_bulk')).json().data
    expect(started[0]).toMatchObject({ action: 'client_bulk.started', targetId: run.id })
    // A run is its starter's only.
    expect((await member.client.get(`/api/v1/clients/bulk/${run.id}`)).statusCode).toBe(404)
  })

  it("keeps the rules of the one write path: a member's job sees only their clients", async () => {
    for (let i = 1; i <= 4; i++)
      await member.client.post('/api/v1/clients', { name: `Mine ${i}`, tags: ['member-batch'] })
    await owner.client.post('/api/v1/clients', { name: 'Not Theirs', tags: ['member-batch'] })
    const res = await member.client.post('/api/v1/clients/bulk', {
      action: 'tag',
      filter: { tag: 'member-batch' },
      tags: ['seen'],
    })
    expect(res.statusCode).toBe(202)
    const done = await finish(member, res.json().run.id)
    expect(done).toMatchObject({ status: 'completed', total: 4, affected: 4 })
    const seen = (await owner.client.get('/api/v1/clients?tag=seen'))
      .json()
      .data.map((c: { name: string }) => c.name)
    expect(seen.sort()).toEqual(['Mine 1', 'Mine 2', 'Mine 3', 'Mine 4'])
  })
})
