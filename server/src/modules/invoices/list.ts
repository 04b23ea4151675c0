import { type SQL, sql } from 'drizzle-orm'
import type { Tx } from '../../kernel/db/index.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { RecordType } from '../../kernel/search/index.ts'
import {
  afterCursor,
  declaredSort,
  decodeListCursor,
  encodeListCursor,
  keysetCursor,
  SEARCH_LIMIT,
  searchDepth,
  searchFrom,
} from '../../kernel/search/list.ts'

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows

export type ListPage = { ids: string[]; nextCursor: string | null }

type PageOptions = {
  conditions: SQL[]
  search: string | null
  sort: string | undefined
  extraSorts?: Record<string, SQL>
  limit: number
  cursor: string | undefined
}

/**
 * One page of a record type's list through the kernel engine, as one statement selecting `columns`
 * (and the sort value `v`): its declared sorts page by keyset, `extraSorts` (nullable or computed
 * columns) and relevance by offset; search text joins the best matches of `search_records`. `page`
 * reads the statement's rows into the page and its next cursor. Bad sorts and cursors throw first.
 */
export function listPageStatement(type: RecordType, opts: PageOptions, columns: SQL) {
  const a = sql.identifier(type.alias)
  const where = [...opts.conditions]
  const raw = opts.sort ?? (opts.search ? undefined : type.defaultSort)
  const desc = raw?.startsWith('-') ?? false
  const dir = sql.raw(desc ? 'desc' : 'asc')
  const declared = raw ? declaredSort(type, raw) : null
  const extra = raw ? opts.extraSorts?.[raw.replace(/^-/, '')] : undefined
  if (raw && !declared && !extra) throw problems.badRequest('This sort is not offered here.', 'sort')
  const keyset = declared !== null && opts.search === null
  const sortKey = raw ?? 'relevance'
  const cursor = decodeListCursor(opts.cursor, sortKey, keyset ? declared.field.kind : 'offset')
  let offset = 0
  if (cursor && 'o' in cursor) offset = cursor.o
  else if (cursor && declared) where.push(afterCursor(type, declared, cursor))
  let order: SQL
  let value: SQL = sql`null`
  if (!raw) order = sql`s.score desc, ${a}.id`
  else if (declared) {
    order = sql`${declared.column} ${dir}, ${a}.id ${dir}`
    value = declared.column
  } else order = sql`${extra} ${dir} nulls last, ${a}.id ${dir}`
  const depth = raw ? SEARCH_LIMIT : searchDepth(opts.conditions, offset + opts.limit + 1)
  const from = searchFrom(type, opts.search, depth)
  const whereSql = where.length ? sql` where ${sql.join(where, sql` and `)}` : sql``
  const statement = sql`select ${columns}, ${value} as v from ${from}${whereSql} order by ${order} limit ${opts.limit + 1} offset ${offset}`
  const page = <R extends { id: string; v: string | Date | null }>(rows: R[]) => {
    const more = rows.length > opts.limit
    const list = more ? rows.slice(0, opts.limit) : rows
    const last = list[list.length - 1]
    let nextCursor: string | null = null
    if (more && last) {
      if (keyset && declared && last.v !== null)
        nextCursor = keysetCursor(
          declared,
          declared.field.kind === 'timestamp' ? new Date(last.v).toISOString() : String(last.v),
          last.id,
        )
      else nextCursor = encodeListCursor({ s: sortKey, o: offset + opts.limit })
    }
    return { rows: list, nextCursor }
  }
  return { statement, page }
}

/** One page of a record type's list (`listPageStatement`) in the caller's transaction: its ids in order. */
export async function listPage(tx: Tx, type: RecordType, opts: PageOptions): Promise<ListPage> {
  const { statement, page } = listPageStatement(type, opts, sql`${sql.identifier(type.alias)}.id`)
  const p = page(rowsOf<{ id: string; v: string | Date | null }>(await tx.execute(statement)))
  return { ids: p.rows.map((r) => r.id), nextCursor: p.nextCursor }
}

/** How many records match, searching at most the best thousand. */
export async function countMatching(tx: Tx, type: RecordType, conditions: SQL[], search: string | null) {
  const from = searchFrom(type, search, SEARCH_LIMIT)
  const whereSql = conditions.length ? sql` where ${sql.join(conditions, sql` and `)}` : sql``
  const r = await tx.execute(sql`select count(*)::int as n from ${from}${whereSql}`)
  return Number(rowsOf<{ n: number }>(r)[0]?.n ?? 0)
}
