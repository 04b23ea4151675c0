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

  it('two batches in flight: a failed batch takes the one after it down too, and the retry resumes after the last committed one', async () => {
    // Batches 2 and 3 (rows 2001–6000) are written at once on PostgreSQL. The first insert of row 3500
    // fails once; the fault of row 5500 looks like a deadlock (40P01) once, after which the job goes on
    // one batch at a time. Either way every client exists once.
    await t.database.query('create sequence import_fault_twice')
    await t.database.query('create sequence import_deadlock_once')
    await t.database.query('grant usage on sequence import_fault_twice, import_deadlock_once to atrium_app')
    await t.database.query(`create function import_fault_2() returns trigger language plpgsql as $$
      begin
        if new.name = 'Pair 3500' and nextval('import_fault_twice') = 1 then
          raise exception 'injected failure';
        end if;
        if new.name = 'Pair 5500' and nextval('import_deadlock_once') = 1 then
          raise exception 'injected deadlock' using errcode = '40P01';
        end if;
        return new;
      end $$`)
    await t.database.query(
      'create trigger import_fault_2 before insert on clients for each row execute function import_fault_2()',
    )
    const rows = 7000
    const lines = ['Name,Email,Tags']
    for (let i = 1; i <= rows; i++) lines.push(`Pair ${i},pair${i}@example.com,pair`)
    const up = await owner.client.request({
      method: 'POST',
      url: '/api/v1/clients/import?filename=pair.csv',
      headers: { 'content-type': 'text/csv' },
      payload: lines.join('\n'),
    })
    expect(up.statusCode).toBe(201)
    const { id, mapping } = up.json()
    expect(
      (await owner.client.post(`/api/v1/clients/import/${id}/run`, { mapping, duplicates: 'create' }))
        .statusCode,
    ).toBe(202)
    const deadline = Date.now() + 240_000
    let i: { status: string; processedRows: number; created: number; failed: number }
    for (;;) {
      i = (await owner.client.get(`/api/v1/clients/import/${id}`)).json()
      if (i.status === 'completed' || i.status === 'failed') break
      if (Date.now() > deadline) throw new Error(`import still ${i.status} at ${i.processedRows}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    expect(i).toMatchObject({ status: 'completed', processedRows: rows, created: rows, failed: 0 })
    const [faults] = await t.database.query<{ f: number; d: number }>(
      "select nextval('import_fault_twice')::int - 1 as f, nextval('import_deadlock_once')::int - 1 as d",
    )
    expect(faults!.f).toBeGreaterThanOrEqual(2)
    expect(faults!.d).toBeGreaterThanOrEqual(2)
    const [{ n, d, p }] = await t.database.query<{ n: number; d: number; p: number }>(
      `select count(*)::int as n, count(*)::int - count(distinct name)::int as d,
         (select count(*)::int from client_facets f where f.key = 'tag' and f.value = 'pair') as p
       from clients where name like 'Pair %'`,
    )
    expect({ n, d, p }).toEqual({ n: rows, d: 0, p: rows })
    const [{ a }] = await t.database.query<{ a: number }>(
      "select count(*)::int as a from audit_logs where action = 'client.created' and target_label like 'Pair %'",
    )
    expect(a).toBe(rows)
  })
})
