import { type SQL, sql } from 'drizzle-orm'
import type { Tx } from '../../kernel/db/index.ts'
import { defineRecordType, type SearchDocument } from '../../kernel/search/index.ts'
import { plainText } from './markdown.ts'

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows

/**
 * Messages as a record type of the kernel's search: found by their words (typos tolerated), filtered
 * by conversation, author, attachment and date. A deleted message has no document, so search forgets
 * it. Who may see a message is not in the index: every query adds `readableConversations`.
 */
export const messageRecords = defineRecordType({
  name: 'message',
  table: 'messages',
  alias: 'm',
  facets: { table: 'message_facets', recordColumn: 'message_id' },
  sorts: { created: { column: 'created_at', kind: 'timestamp' } },
  defaultSort: '-created',
  filters: {
    conversation: {
      kind: 'values',
      column: 'conversation_id',
      pattern: /^cnv_[0-9a-f]{32}$/,
      message: 'must be conversation ids',
    },
    author: { kind: 'user', column: 'author_id' },
    hasAttachment: { kind: 'flag', condition: (a: SQL) => sql`${a}.has_attachments` },
    from: { kind: 'date', column: 'created_at', bound: 'from' },
    to: { kind: 'date', column: 'created_at', bound: 'to' },
  },
  async documents(tx: Tx, ids: readonly string[]): Promise<SearchDocument[]> {
    const r = await tx.execute(sql`select m.id, m.body, m.deleted_at,
        coalesce((select array_agg(f.name) from files f where f.record_type = 'message' and f.record_id = m.id and f.owner_id = m.author_id), '{}') as names
      from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) i(id)
      join messages m on m.id = i.id`)
    return rowsOf<{ id: string; body: string; deleted_at: unknown; names: string[] }>(r)
      .filter((m) => !m.deleted_at)
      .map((m) => {
        const words = plainText(m.body)
        return {
          id: m.id,
          title: words.slice(0, 80),
          text: [words.slice(80), ...m.names],
          facets: [],
        }
      })
  },
})
