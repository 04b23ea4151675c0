import { type SQL, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { readableConversations } from './access.ts'

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
})
