import { type SQL, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { bulkIndexStatements } from '../../kernel/search/bulk.ts'
import { searchNewest } from '../../kernel/search/list.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { readableConversations } from './access.ts'
import { messageRecords } from './search.ts'

// Enough messages in two workspaces for the planner to choose between indexes as in production.
let t: TestApp
let owner: TestUser
let other: TestUser

async function generate(workspaceId: string, userId: string, conversations: number, perConversation: number) {
  await t.database.query(
    `insert into conversations (id, workspace_id, kind, name, created_by, last_seq)
     select 'cnv_' || md5($1 || g), $1::uuid, case when g % 4 = 0 then 'channel_public' else 'channel_private' end,
            'room ' || g, $2::uuid, $3
     from generate_series(1, $4::int) g`,
    [workspaceId, userId, perConversation, conversations],
  )
  await t.database.query(
    `insert into conversation_participants (id, workspace_id, conversation_id, user_id, role)
     select 'cnp_' || md5($1 || g), $1::uuid, 'cnv_' || md5($1 || g), $2::uuid, 'owner'
     from generate_series(1, $3::int) g where g % 2 = 0`,
    [workspaceId, userId, conversations],
  )
  await t.database.query(
    `insert into messages (id, workspace_id, conversation_id, seq, author_id, body, created_at)
     select 'msg_' || md5($1 || g || '-' || s), $1::uuid, 'cnv_' || md5($1 || g), s, $2::uuid, 'message ' || s,
            now() - (g * $4::int + s) * interval '1 second'
     from generate_series(1, $3::int) g, generate_series(1, $4::int) s`,
    [workspaceId, userId, conversations, perConversation],
  )
  for (const table of ['conversations', 'conversation_participants', 'messages'])
    await t.database.query(`analyze ${table}`)
}

const WORDS = `array['alpha','bravo','cedar','delta','ember','falcon','granite','harbor','indigo','juniper','kestrel','lumen','meadow','nimbus','orchid','pioneer','quartz','river','summit','timber']`

/**
 * Searchable messages with ids in creation order (as UUIDv7 ids are): three words each from twenty,
 * so each word is in about one message in seven, 'zephyr' in one in a thousand; indexed as the message
 * record type indexes them.
 */
async function generateSearchable(workspaceId: string, userId: string, n: number) {
  await t.database.query(
    `insert into messages (id, workspace_id, conversation_id, seq, author_id, body, created_at)
     select 'msg_' || lpad(to_hex(g), 32, '0'), $1::uuid, 'cnv_' || md5($1::text || (1 + g % 200)), 1000 + g, $2::uuid,
            (${WORDS})[1 + g % 20] || ' ' || (${WORDS})[1 + (g / 20) % 20] || ' ' || (${WORDS})[1 + (g / 400) % 20]
              || case when g % 1000 = 0 then ' zephyr' else '' end,
            now() - interval '1 day' + g * interval '1 second'
     from generate_series(1, $3::int) g`,
    [workspaceId, userId, n],
  )
  await t.database.db.transaction(async (tx) => {
    const source = `select workspace_id, id, left(body, 80) as title, substr(body, 81) as body from messages
      where id like 'msg\\_0000000000000000%'`
    for (const statement of bulkIndexStatements('message', source)) await tx.execute(sql.raw(statement))
  })
  for (const table of [
    'messages',
    'search_words',
    'search_postings',
    'search_titles',
    'search_word_variants',
  ])
    await t.database.query(`analyze ${table}`)
}

async function explain(tx: Tx, q: SQL): Promise<string> {
  const r = (await tx.execute(sql`explain ${q}`)) as unknown as { rows: Record<string, string>[] }
  return r.rows.map((x) => Object.values(x)[0]).join('\n')
}

beforeAll(async () => {
  t = await createTestApp()
  owner = await t.user({ workspace: 'Chatty' })
  other = await t.user({ workspace: 'Other chat' })
  await generate(owner.workspaceId as string, owner.id, 200, 150)
  await generate(other.workspaceId as string, other.id, 20, 150)
  await generateSearchable(owner.workspaceId as string, owner.id, 20000)
}, 120_000)
afterAll(() => t?.close())

describe('messaging query plans under row-level security', () => {
  it('history pages, unread counts and the visibility rule use their indexes as the application role', async () => {
    const ws = owner.workspaceId as string
    const conv = (await t.database.query<{ id: string }>(`select 'cnv_' || md5($1 || 10) as id`, [ws]))[0]
      ?.id as string
    await withWorkspace({ db: t.database.db, workspaceId: ws }, async (tx) => {
      const role = (await tx.execute(sql`select current_user as u`)) as unknown as { rows: { u: string }[] }
      expect(role.rows[0]?.u).toBe('atrium_app')

      const history = await explain(
        tx,
        sql`select m.id from messages m where m.conversation_id = ${conv} and m.parent_id is null and m.seq < 100
          order by m.seq desc limit 51`,
      )
      expect(history, history).toMatch(/Index Scan Backward using messages_conversation_seq_idx/)
      expect(history, history).not.toMatch(/Seq Scan/)

      const unread = await explain(
        tx,
        sql`select count(*) from messages m where m.conversation_id = ${conv} and m.seq > 140
          and m.parent_id is null and m.deleted_at is null and (m.author_id is null or m.author_id <> ${owner.id}::uuid)`,
      )
      expect(unread, unread).toMatch(/messages_conversation_seq_idx/)
      expect(unread, unread).not.toMatch(/Seq Scan on messages/)

      const newest = await explain(
        tx,
        sql`select m.id from messages m where ${readableConversations({ userId: owner.id, role: 'member' }, sql`m.conversation_id`)}
          and m.deleted_at is null order by m.created_at desc, m.id desc limit 26`,
      )
      expect(newest, newest).toMatch(/Index Scan Backward using messages_workspace_created_idx/)
      expect(newest, newest).not.toMatch(/Seq Scan on messages/)
    })
  })

  it('search reads the driving word newest first by its index and checks the other words by range or key', async () => {
    const ws = owner.workspaceId as string
    // The function's own statements, as its owner (the role it runs as), with its settings.
    const rollback = new Error('rollback')
    await t.database.db
      .transaction(async (tx) => {
        await tx.execute(
          sql`select set_config('app.workspace_id', ${ws}, true), set_config('enable_seqscan', 'off', true)`,
        )
        // A word of this workspace's messages (one in seven holds it), as the function reads a real one.
        const word = await tx.execute<{ id: string }>(
          sql`select id::text as id from search_words where workspace_id = ${ws}::uuid and record_type = 'message' and word = 'alpha'`,
        )
        const alpha = sql.raw(String(Number((word.rows as { id: string }[])[0]?.id)))
        const places = await explain(
          tx,
          sql`select p.pos from search_postings p where p.word_id = ${alpha} and p.pos > 0 order by p.pos limit 1`,
        )
        expect(places, places).toMatch(/Index Only Scan using search_postings_word_idx/)
        const newest = await explain(
          tx,
          sql`select p.record_id from search_postings p where p.word_id = ${alpha} and p.pos = 1 and p.record_id < 'msg_x'
            order by p.record_id desc limit 100`,
        )
        expect(newest, newest).toMatch(/Index Only Scan Backward using search_postings_word_idx/)
        expect(newest, newest).toMatch(/Index Cond: .*record_id < 'msg_x'/s)
        const between = await explain(
          tx,
          sql`select p.record_id from search_postings p where p.word_id = ${alpha} and p.pos = 1
            and p.record_id >= 'msg_a' and p.record_id <= 'msg_x' limit 800`,
        )
        expect(between, between).toMatch(/Index Only Scan using search_postings_word_idx/)
        expect(between, between).toMatch(/Index Cond: .*record_id >= 'msg_a'.*record_id <= 'msg_x'/s)
        const check = await explain(
          tx,
          sql`select 1 from search_postings p join search_words s on s.id = p.word_id
            where p.record_id = 'msg_x' and starts_with(s.word, 'alpha')`,
        )
        expect(check, check).toMatch(
          /(Index (Only )?Scan using|Bitmap Index Scan on) search_postings_record_id_word_id_pk/,
        )
        throw rollback
      })
      .catch((err) => {
        if (err !== rollback) throw err
      })

    const actor = { userId: owner.id, role: 'member' as const }
    await withWorkspace({ db: t.database.db, workspaceId: ws }, async (tx) => {
      // The page's records by key, visibility as semi-joins: never a sequential scan of messages.
      const keep = await explain(
        tx,
        sql`select m.id, c.kind from messages m join conversations c on c.id = m.conversation_id
          where m.id = any('{msg_00000000000000000000000000000001,msg_00000000000000000000000000000002}'::text[])
            and ${readableConversations(actor, sql`m.conversation_id`)} and m.deleted_at is null
          order by m.id desc limit 21`,
      )
      expect(keep, keep).toMatch(/messages_pkey/)
      expect(keep, keep).not.toMatch(/Seq Scan on messages/)

      // The same answers as reading every body: newest first, every word, page after page.
      const expected = async (where: SQL, limit: number) =>
        (
          (await tx.execute(
            sql`select m.id from messages m where m.id like 'msg\\_0000000000000000%' and ${where}
              and ${readableConversations(actor, sql`m.conversation_id`)} order by m.id desc limit ${limit}`,
          )) as unknown as { rows: { id: string }[] }
        ).rows.map((r) => r.id)
      const keepReadable = async (ids: SQL, want: number) =>
        (
          (await tx.execute(
            sql`select m.id from messages m where m.id = any(${ids})
              and ${readableConversations(actor, sql`m.conversation_id`)} order by m.id desc limit ${want}`,
          )) as unknown as { rows: { id: string }[] }
        ).rows
      for (const [q, where] of [
        ['alpha', sql`m.body ~ '\\malpha\\M'`],
        ['zephyr', sql`m.body ~ '\\mzephyr\\M'`],
        ['alpha kestrel', sql`m.body ~ '\\malpha\\M' and m.body ~ '\\mkestrel\\M'`],
        ['zephr', sql`m.body ~ '\\mzephyr\\M'`],
      ] as const) {
        const all = await expected(where, 60)
        const first = await searchNewest(tx, messageRecords, q, {
          before: null,
          limit: 25,
          keep: keepReadable,
        })
        expect(
          first.rows.map((r) => r.id),
          q,
        ).toEqual(all.slice(0, 25))
        if (all.length > 25) {
          expect(first.next, q).toBe(all[24])
          const second = await searchNewest(tx, messageRecords, q, {
            before: first.next,
            limit: 25,
            keep: keepReadable,
          })
          expect(
            second.rows.map((r) => r.id),
            q,
          ).toEqual(all.slice(25, 50))
        } else expect(first.next, q).toBeNull()
      }
    })
  })

  it('the newest-first search sees nothing without a workspace, as the application role', async () => {
    const r = (await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'atrium_app', true)`)
      return tx.execute(
        sql`select count(*)::int as n from search_records_newest('message', 'alpha', null, 10)`,
      )
    })) as unknown as { rows: { n: number }[] }
    expect(r.rows[0]?.n).toBe(0)
  })
})
