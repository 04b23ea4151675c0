import { type SQL, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { bulkIndexStatements } from '../../kernel/search/bulk.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'

// Enough rows in two workspaces for the planner to choose between indexes as it would in production.
let t: TestApp
let owner: TestUser
let other: TestUser
let member: TestUser

async function generate(workspaceId: string, ownerId: string, n: number, memberId = ownerId) {
  const words = `array['alpha','bright','cedar','delta','ember','falcon','granite','harbor','indigo','juniper','kestrel','lumen','meadow','nimbus','orchid','pioneer','quartz','river','summit','timber']`
  await t.database.query(
    `insert into clients (id, workspace_id, kind, name, status, tags, owner_id, created_at, updated_at)
     select 'cli_' || md5($1 || g), $1::uuid, 'company', x.name,
            (array['lead','active','archived'])[1 + g % 3], array[case when g % 1000 = 0 then 'rare' else 'tag' || (g % 50) end],
            case when g % 500 = 0 then $3::uuid else $2::uuid end,
            now() - g * interval '1 minute', now() - g * interval '1 minute'
     from generate_series(1, ${n}) g,
          lateral (select case when g % 2000 = 0 then 'Northwind Traders ' || g
            else initcap((${words})[1 + g % 20] || ' ' || (${words})[1 + (g / 20) % 20] || ' ' || (${words})[1 + (g / 400) % 20]) || ' ' || g end as name) x`,
    [workspaceId, ownerId, memberId],
  )
  await t.database.query(
    `insert into client_facets (workspace_id, client_id, key, value)
     select workspace_id, id, 'tag', tags[1] from clients where workspace_id = $1
     union all select workspace_id, id, 'access', owner_id::text from clients where workspace_id = $1`,
    [workspaceId],
  )
}

beforeAll(async () => {
  t = await createTestApp()
  owner = await t.user({ workspace: 'Plans' })
  other = await t.user({ workspace: 'Other plans' })
  member = await t.user({ workspace: false })
  await generate(owner.workspaceId as string, owner.id, 40000, member.id)
  await generate(other.workspaceId as string, other.id, 4000)
  await t.database.db.transaction(async (tx) => {
    const source = `select workspace_id, id, name as title, array_to_string(tags, ' ') as body from clients`
    for (const statement of bulkIndexStatements('client', source)) await tx.execute(sql.raw(statement))
  })
  for (const table of [
    'clients',
    'client_facets',
    'search_words',
    'search_postings',
    'search_titles',
    'search_word_variants',
  ])
    await t.database.query(`analyze ${table}`)
}, 120_000)
afterAll(() => t?.close())

async function explain(tx: Tx, q: SQL): Promise<string> {
  const r = (await tx.execute(sql`explain ${q}`)) as unknown as { rows: Record<string, string>[] }
  return r.rows.map((x) => Object.values(x)[0]).join('\n')
}

describe('query plans under row-level security', () => {
  it('list, filters and name prefix use their indexes as the application role', async () => {
    await withWorkspace({ db: t.database.db, workspaceId: owner.workspaceId as string }, async (tx) => {
      const role = (await tx.execute(sql`select current_user as u`)) as unknown as { rows: { u: string }[] }
      expect(role.rows[0]?.u).toBe('atrium_app')

      const list = await explain(
        tx,
        sql`select c.id from clients c order by c.created_at desc, c.id desc limit 26`,
      )
      expect(list).toMatch(/Index (Only )?Scan Backward using clients_ws_created_idx/)

      const status = await explain(
        tx,
        sql`select c.id from clients c where c.status in ('lead') order by c.created_at desc, c.id desc limit 26`,
      )
      expect(status).toMatch(/using clients_ws_status_created_idx/)
      expect(status).toMatch(/Index Cond: .*status = 'lead'/)

      const tag = await explain(
        tx,
        sql`select c.id from clients c where c.id in (select f.client_id from client_facets f where f.key = 'tag' and f.value = 'rare') order by c.created_at desc limit 26`,
      )
      expect(tag).toMatch(/(using|on) client_facets_lookup_idx/)
      expect(tag).toMatch(/Index Cond: .*value = 'rare'/)

      const mine = await explain(
        tx,
        sql`select c.id from clients c where c.id in (select f.client_id from client_facets f where f.key = 'access' and f.value = ${member.id}) limit 26`,
      )
      expect(mine).toMatch(/(using|on) client_facets_lookup_idx/)

      const prefix = await explain(
        tx,
        sql`select c.id from clients c where c.sort_name >= 'gr' and c.sort_name < 'gs' and c.sort_name like 'gr%' order by c.sort_name, c.id limit 26`,
      )
      expect(prefix, prefix).toMatch(/(using|on) clients_ws_name_idx/)
      expect(prefix, prefix).toMatch(/Index Cond: .*sort_name >= 'gr'/)
    })
  })

  it('the search function finds words in the dictionary and records by exact lookups', async () => {
    const ws = owner.workspaceId as string
    // The function's own statements, as its owner (the role it runs as), with its settings.
    const rollback = new Error('rollback')
    await t.database.db
      .transaction(async (tx) => {
        await tx.execute(
          sql`select set_config('app.workspace_id', ${ws}, true), set_config('pg_trgm.similarity_threshold', '0.2', true), set_config('enable_seqscan', 'off', true)`,
        )
        const inWs = sql`s.workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid and s.record_type = 'client'`
        const typo = await explain(
          tx,
          sql`select s.id from search_words s where ${inWs} and s.in_title and s.word % 'kestrl'`,
        )
        expect(typo, typo).toMatch(/Bitmap Index Scan on search_words_title_trgm_idx/)
        expect(typo, typo).toMatch(/Index Cond: .*workspace_id = .*% 'kestrl'/s)
        const prefix = await explain(
          tx,
          sql`select s.id from search_words s where ${inWs} and s.word > 'kes' and s.word < 'kes' || chr(1114111) order by s.word limit 30`,
        )
        expect(prefix, prefix).toMatch(/Index Scan using search_words_ws_type_word_idx/)
        expect(prefix, prefix).toMatch(/Index Cond: .*word > 'kes'/s)
        const variants = await explain(
          tx,
          sql`select v.word_id from search_word_variants v where v.workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid and v.record_type = 'client' and v.variant = any (array(select x.variant from search_word_deletes('kestrl') x))`,
        )
        // One btree lookup per deletion: an index scan, or a bitmap of the same index when few rows match.
        expect(variants, variants).toMatch(
          /(Index (Only )?Scan using|Bitmap Index Scan on) search_word_variants_\w+/,
        )
        expect(variants, variants).not.toMatch(/Seq Scan/)
        expect(variants, variants).toMatch(/Index Cond: .*variant = ANY/s)
        const titleWords = await explain(
          tx,
          sql`select s.id from search_words s where ${inWs} and s.in_title and s.word > 'kes' and s.word < 'kes' || chr(1114111) order by s.word limit 20`,
        )
        expect(titleWords, titleWords).toMatch(/Index Scan using search_words_title_word_idx/)
        const titles = await explain(
          tx,
          sql`select s.record_id from search_titles s where ${inWs} and s.title >= 'kestrel a' and s.title < 'kestrel a' || chr(1114111) order by s.title, s.record_id limit 26`,
        )
        expect(titles, titles).toMatch(/Index (Only )?Scan using search_titles_prefix_idx/)
        expect(titles, titles).toMatch(/Index Cond: .*title >= 'kestrel a'/s)
        const records = await explain(
          tx,
          sql`select p.record_id from search_postings p where p.word_id = 42 order by p.pos, p.record_id limit 26`,
        )
        expect(records, records).toMatch(
          /(Index (Only )?Scan using|Bitmap Index Scan on) search_postings_word_idx/,
        )
        const check = await explain(
          tx,
          sql`select s.word from search_postings p join search_words s on s.id = p.word_id where p.record_id = 'cli_x'`,
        )
        expect(check, check).toMatch(
          /(Index (Only )?Scan using|Bitmap Index Scan on) search_postings_record_id_word_id_pk/,
        )
        // The dictionary's key holds the word (0046): read from the index alone once the table is vacuumed.
        expect(check, check).toMatch(/Index (Only )?Scan using search_words_pkey/)
        const place = await explain(
          tx,
          sql`select p.pos from search_postings p where p.record_id = 'cli_x' and p.word_id = 42`,
        )
        expect(place, place).toMatch(/Index Scan using search_postings_record_id_word_id_pk/)
        expect(place, place).toMatch(/Index Cond: .*record_id = 'cli_x'.*word_id = 42/s)
        throw rollback
      })
      .catch((err) => {
        if (err !== rollback) throw err
      })
    await withWorkspace({ db: t.database.db, workspaceId: ws }, async (tx) => {
      const r = (await tx.execute(
        sql`select c.workspace_id::text as w, c.name from clients c join search_records('client', 'kestrl meadw', 50) s on s.record_id = c.id order by s.score desc`,
      )) as unknown as { rows: { w: string; name: string }[] }
      expect(r.rows.length).toBeGreaterThan(0)
      expect(r.rows.every((x) => x.w === ws)).toBe(true)
      expect(r.rows[0]?.name).toMatch(/^Kestrel Meadow/)
    })
  })

  it('the search function keeps generic plans and runs without JIT', async () => {
    // Re-planning per call (PostgreSQL's choice when custom plans look cheaper) was most of a search's
    // time, and JIT compiled the typo lookup (~30 ms): a later version of the function must keep both.
    const r = (await t.database.db.execute(
      sql`select proconfig from pg_proc where proname = 'search_records'`,
    )) as unknown as { rows: { proconfig: string[] }[] }
    expect(r.rows).toHaveLength(1)
    expect(r.rows[0]?.proconfig).toEqual(
      expect.arrayContaining(['plan_cache_mode=force_generic_plan', 'jit=off', 'enable_seqscan=off']),
    )
  })

  it('the search function sees nothing without a workspace, as the application role', async () => {
    const r = (await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'atrium_app', true)`)
      return tx.execute(sql`select count(*)::int as n from search_records('client', 'northwind', 10)`)
    })) as unknown as { rows: { n: number }[] }
    expect(r.rows[0]?.n).toBe(0)
  })
})
