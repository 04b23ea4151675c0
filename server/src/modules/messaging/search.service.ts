import { inArray, type SQL, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type { SearchQuerySchema } from '../../../../contracts/messaging.ts'
import { assertCan } from '../../kernel/access/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import {
  afterCursor,
  declaredFilters,
  declaredSort,
  decodeListCursor,
  encodeListCursor,
  keysetCursor,
  searchNewest,
  searchText,
} from '../../kernel/search/list.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { readableConversations } from './access.ts'
import { serializeMessages } from './messages.service.ts'
import { messages } from './schema.ts'
import { messageRecords } from './search.ts'

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows

/** The cursor of a search with words: newest matches first, continued below an id. */
const MATCH_SORT = 'match'

type Hit = {
  id: string
  conversation_id: string
  conversation_kind: string
  conversation_name: string | null
  created_at: string | Date
}

/**
 * Messages the actor may read that match the words and filters, newest first: with words, the newest
 * matches (`searchNewest`, keyset by id), checked in batches against visibility and filters; without,
 * the newest messages (keyset by creation time). Never a message of a conversation they cannot read.
 */
export async function searchMessages(ctx: ServiceContext, q: z.output<typeof SearchQuerySchema>) {
  assertCan(ctx.actor, 'messaging:read')
  const errors: FieldError[] = []
  const filter: Record<string, unknown> = {
    conversation: q.conversation,
    author: q.author,
    hasAttachment: q.hasAttachment,
    from: q.from,
    to: q.to,
  }
  const conditions = [
    ...declaredFilters(messageRecords, { userId: ctx.actor.userId, seesAll: true }, filter, errors),
    readableConversations(ctx.actor, sql`m.conversation_id`),
    sql`m.deleted_at is null`,
  ]
  if (errors.length) throw problems.validation(errors, 'The filter is not valid.')
  const search = searchText(q.q) || null
  const sort = declaredSort(messageRecords, '-created')
  if (!sort) throw new Error('messages sort by creation')
  const cursor = decodeListCursor(q.cursor, search ? MATCH_SORT : sort.key, search ? 'id' : 'timestamp')
  return withWorkspace(ctx, async (tx) => {
    const select = (where: SQL[], order: SQL, limit: number) =>
      sql`select m.id, m.conversation_id, c.kind as conversation_kind, c.name as conversation_name, m.created_at
        from messages m join conversations c on c.id = m.conversation_id
        where ${sql.join(where, sql` and `)}
        order by ${order} limit ${limit}`
    let page: Hit[]
    let nextCursor: string | null
    if (search) {
      const found = await searchNewest(tx, messageRecords, search, {
        before: cursor && 'id' in cursor ? cursor.id : null,
        limit: q.limit,
        keep: async (ids, want) =>
          rowsOf<Hit>(
            await tx.execute(select([sql`m.id = any(${ids})`, ...conditions], sql`m.id desc`, want)),
          ),
      })
      page = found.rows
      nextCursor = found.next ? encodeListCursor({ s: MATCH_SORT, v: found.next, id: found.next }) : null
    } else {
      if (cursor && 'v' in cursor) conditions.push(afterCursor(messageRecords, sort, cursor))
      const rows = rowsOf<Hit>(
        await tx.execute(select(conditions, sql`m.created_at desc, m.id desc`, q.limit + 1)),
      )
      page = rows.slice(0, q.limit)
      const last = page[page.length - 1]
      nextCursor =
        rows.length > q.limit && last ? keysetCursor(sort, new Date(last.created_at), last.id) : null
    }
    const full = page.length
      ? await tx
          .select()
          .from(messages)
          .where(
            inArray(
              messages.id,
              page.map((h) => h.id),
            ),
          )
      : []
    const out = await serializeMessages(tx, ctx.actor, full)
    const byId = new Map(out.map((m) => [m.id, m]))
    return {
      data: page.flatMap((h) => {
        const message = byId.get(h.id)
        return message
          ? [
              {
                message,
                conversation: {
                  id: h.conversation_id,
                  kind: h.conversation_kind as 'channel_public',
                  name: h.conversation_name,
                },
              },
            ]
          : []
      }),
      nextCursor,
    }
  })
}
