import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'

let t: TestApp
let owner: TestUser

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000' })
  owner = await t.user({ workspace: 'Resume Co' })
})
afterAll(() => t?.close())

const ROWS = 2500

describe('an import that fails part-way', () => {
  it('resumes after the last saved batch when its job is retried, creating every client once', async () => {
    // An injected failure: the first insert of row 2300 fails once (a sequence survives the rollback),
    // after the first batch of 2,000 rows has committed.
    await t.database.query('create sequence import_fault_once')
    await t.database.query('grant usage on sequence import_fault_once to atrium_app')
    await t.database.query(`create function import_fault() returns trigger language plpgsql as $$
      begin
        if new.name = 'Resume 2300' and nextval('import_fault_once') = 1 then
          raise exception 'injected failure';
        end if;
        return new;
      end $$`)
    await t.database.query(
      'create trigger import_fault before insert on clients for each row execute function import_fault()',
    )
    const lines = ['Name,Email']
    for (let i = 1; i <= ROWS; i++) lines.push(`Resume ${i},resume${i}@example.com`)
    const up = await owner.client.request({
      method: 'POST',
      url: '/api/v1/clients/import?filename=resume.csv',
      headers: { 'content-type': 'text/csv' },
      payload: lines.join('\n'),
    })
    expect(up.statusCode).toBe(201)
    const { id, mapping } = up.json()
    expect(
      (await owner.client.post(`/api/v1/clients/import/${id}/run`, { mapping, duplicates: 'create' }))
        .statusCode,
    ).toBe(202)
    const deadline = Date.now() + 120_000
    let i: { status: string; processedRows: number; created: number; failed: number }
    for (;;) {
      i = (await owner.client.get(`/api/v1/clients/import/${id}`)).json()
      if (i.status === 'completed' || i.status === 'failed') break
      if (Date.now() > deadline) throw new Error(`import still ${i.status} at ${i.processedRows}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    const [{ n: attempts }] = await t.database.query<{ n: number }>(
      "select nextval('import_fault_once')::int - 1 as n",
    )
    expect(attempts).toBeGreaterThanOrEqual(2)
    expect(i).toMatchObject({ status: 'completed', processedRows: ROWS, created: ROWS, failed: 0 })
    const [{ n }] = await t.database.query<{ n: number }>(
      "select count(*)::int as n from clients where name like 'Resume %'",
    )
    expect(n).toBe(ROWS)
    const [{ d }] = await t.database.query<{ d: number }>(
      "select count(*)::int as d from (select name from clients where name like 'Resume %' group by name having count(*) > 1) x",
    )
    expect(d).toBe(0)
  })
})
