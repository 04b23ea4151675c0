import { type SQL, sql } from 'drizzle-orm'
import pg from 'pg'
import { toMinorUnits } from '../../../../contracts/money.ts'
import type { Tx } from '../db/index.ts'
import { type FieldError, problems } from '../http/problem.ts'
import { textArray } from './indexer.ts'
import type { RecordType, SortField } from './record-type.ts'

/** The most matches a search joins: a search lists, counts and acts on its best thousand at most. */
export const SEARCH_LIMIT = 1000

/** Comma-separated or repeated query parameter values, trimmed, empty ones dropped. */
export const listValues = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [])
    .map((s) => String(s).trim())
    .filter(Boolean)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const DAY = /^\d{4}-\d{2}-\d{2}$/
// What PostgreSQL's timestamptz holds and a person means: years 1 to 9999.
const MIN_TIME = Date.parse('0001-01-01T00:00:00.000Z')
const MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z')

/** A date (the whole day, UTC) or an ISO 8601 instant between the years 1 and 9999, or undefined. */
export function parseInstant(v: string, end: boolean): Date | undefined {
  const day = DAY.test(v)
  if (!day && !/^\d{4}-\d{2}-\d{2}T/.test(v)) return undefined
  const d = new Date(day ? `${v}T${end ? '23:59:59.999' : '00:00:00.000'}Z` : v)
  const t = d.getTime()
  if (Number.isNaN(t) || t < MIN_TIME || t > MAX_TIME) return undefined
  if (day && d.toISOString().slice(0, 10) !== v) return undefined
  return d
}

/** Search text as `search_records` takes it, or '' when it holds no letter or digit to search for. */
export function searchText(q: unknown): string {
  const text = (typeof q === 'string' ? q : '').replace(/\s+/g, ' ').trim().slice(0, 200)
  return /[\p{L}\p{N}]/u.test(text) ? text : ''
}

const alias = (type: RecordType) => sql.identifier(type.alias)

/**
 * A filter value written into the statement as a quoted literal (`pg`'s escaping) instead of a
 * parameter, so that a prepared list statement is planned for its own values (see `declaredFilters`).
 */
const lit = (value: string): SQL => sql.raw(pg.escapeLiteral(value))

/** `<alias>.id in (records with these facet values)`: all of them (`all`) or any one (`any`). */
export function facetCondition(
  type: RecordType,
  key: string,
  values: readonly string[],
  match: 'all' | 'any' = 'all',
  op: '=' | '>=' | '<=' = '=',
): SQL[] {
  const f = sql.identifier(type.facets.table)
  const r = sql.identifier(type.facets.recordColumn)
  const one = (cond: SQL) =>
    sql`${alias(type)}.id in (select f.${r} from ${f} f where f.key = ${lit(key)} and ${cond})`
  if (op !== '=') return values.map((v) => one(sql`f.value ${sql.raw(op)} ${lit(v)}`))
  if (match === 'any' && values.length > 1)
    return [
      one(
        sql`f.value in (${sql.join(
          values.map((v) => lit(v)),
          sql`, `,
        )})`,
      ),
    ]
  return values.map((v) => one(sql`f.value = ${lit(v)}`))
}

/**
 * The same test on the row's own `text[]` column, beside a facet condition: a list walking an index in
 * its sort order (`?status=active&tag=priority&sort=name`) reads each row anyway, and rows without the
 * values then skip their facet probe (26 probes instead of 95 for a page at a million clients). Wrapped
 * in `coalesce` so that the planner does not count it as a second, independent restriction (estimated
 * at one half, not the column's statistics again): the facet semi-join still decides the plan, and a
 * rare value is still found through the facets index. `@>` and `&&` are not leakproof: under row-level
 * security this is a filter, evaluated after the tenant condition, never an index condition.
 */
function rowHolds(type: RecordType, column: string, values: readonly string[], match: 'all' | 'any'): SQL {
  const array = sql`array[${sql.join(
    values.map((v) => lit(v)),
    sql`, `,
  )}]::text[]`
  return sql`coalesce(${alias(type)}.${sql.identifier(column)} ${sql.raw(match === 'any' ? '&&' : '@>')} ${array}, true)`
}

export type Viewer = { userId: string; seesAll: boolean }

/**
 * The WHERE conditions of the record type's declared filters, read from query parameters. Each is a
 * leakproof comparison on an indexed column or a semi-join on the facets table, so row-level security
 * leaves the indexes usable. Unknown parameters are left to the caller; bad values add field errors.
 * Enum, facet and user values are written as literals (`lit`): a prepared list statement is
 * then planned for its own values (how many clients are `active` and tagged `priority`), once per
 * connection, where a generic plan would guess the same for every value.
 */
export function declaredFilters(
  type: RecordType,
  viewer: Viewer,
  filter: Record<string, unknown>,
  errors: FieldError[],
): SQL[] {
  const conditions: SQL[] = []
  const a = alias(type)
  if (!viewer.seesAll && type.accessFacet)
    conditions.push(...facetCondition(type, type.accessFacet, [viewer.userId]))
  for (const [param, spec] of Object.entries(type.filters)) {
    const raw = filter[param]
    if (raw === undefined || raw === '') continue
    const values = listValues(raw)
    switch (spec.kind) {
      case 'enum': {
        if (values.some((v) => !spec.values.includes(v)))
          errors.push({ field: param, message: `must be one of ${spec.values.join(', ')}` })
        else if (values.length)
          conditions.push(
            sql`${a}.${sql.identifier(spec.column)} in (${sql.join(
              values.map((v) => lit(v)),
              sql`, `,
            )})`,
          )
        break
      }
      case 'facet': {
        const match = spec.matchParam ? (filter[spec.matchParam] ?? 'all') : 'all'
        if (match !== 'all' && match !== 'any') {
          errors.push({ field: spec.matchParam as string, message: 'must be all or any' })
          break
        }
        const wanted = values.map((v) =>
          spec.user && v === 'me' ? viewer.userId : spec.lowercase ? v.toLowerCase() : v,
        )
        if (spec.user && wanted.some((v) => !UUID.test(v))) {
          errors.push({ field: param, message: 'must be user ids or me' })
          break
        }
        conditions.push(...facetCondition(type, spec.key, wanted, match))
        if (spec.column) conditions.push(rowHolds(type, spec.column, wanted, match))
        break
      }
      case 'user': {
        const ids = values.filter((v) => v !== 'none').map((v) => (v === 'me' ? viewer.userId : v))
        if (ids.some((i) => !UUID.test(i))) {
          errors.push({ field: param, message: 'must be user ids, me or none' })
          break
        }
        const column = sql`${a}.${sql.identifier(spec.column)}`
        const parts: SQL[] = []
        if (ids.length)
          parts.push(
            sql`${column} in (${sql.join(
              ids.map((i) => sql`${lit(i)}::uuid`),
              sql`, `,
            )})`,
          )
        if (values.includes('none')) parts.push(sql`${column} is null`)
        if (parts.length) conditions.push(sql`(${sql.join(parts, sql` or `)})`)
        break
      }
      case 'date': {
        const d = typeof raw === 'string' ? parseInstant(raw, spec.bound === 'to') : undefined
        if (!d)
          errors.push({
            field: param,
            message: 'must be a date (YYYY-MM-DD) or an ISO 8601 timestamp between the years 1 and 9999',
          })
        else
          conditions.push(
            sql`${a}.${sql.identifier(spec.column)} ${sql.raw(spec.bound === 'to' ? '<=' : '>=')} ${d.toISOString()}::timestamptz`,
          )
        break
      }
      case 'day': {
        const d = typeof raw === 'string' && DAY.test(raw) ? parseInstant(raw, false) : undefined
        if (!d) errors.push({ field: param, message: 'must be a date (YYYY-MM-DD)' })
        else
          conditions.push(
            sql`${a}.${sql.identifier(spec.column)} ${sql.raw(spec.bound === 'to' ? '<=' : '>=')} ${raw}::date`,
          )
        break
      }
      case 'amount': {
        const minor = amountValue(raw, spec.currencyParam ? listValues(filter[spec.currencyParam]) : [])
        if (minor === null)
          errors.push({
            field: param,
            message: spec.currencyParam
              ? `must be minor units (1250), or an amount (12.50) with one currency in ${spec.currencyParam}`
              : 'must be a whole number of minor units',
          })
        else
          conditions.push(
            sql`${a}.${sql.identifier(spec.column)} ${sql.raw(spec.bound === 'to' ? '<=' : '>=')} ${minor}::bigint`,
          )
        break
      }
      case 'values': {
        if (!values.length || values.some((v) => !spec.pattern.test(v)))
          errors.push({ field: param, message: spec.message })
        else
          conditions.push(
            sql`${a}.${sql.identifier(spec.column)} in (${sql.join(
              values.map((v) => sql`${v}`),
              sql`, `,
            )})`,
          )
        break
      }
      case 'flag': {
        if (raw !== 'true' && raw !== 'false') errors.push({ field: param, message: 'must be true or false' })
        else {
          const c = spec.condition(sql`${a}`)
          conditions.push(raw === 'true' ? c : sql`not ${c}`)
        }
        break
      }
    }
  }
  return conditions
}

const MAX_AMOUNT = 1_000_000_000_000_000

/** An amount filter's value in minor units: digits as they are, a decimal in the one currency named. */
function amountValue(raw: unknown, currencies: string[]): number | null {
  if (typeof raw !== 'string') return null
  let minor: number | null = null
  if (/^\d{1,16}$/.test(raw)) minor = Number(raw)
  else if (/^\d{1,16}\.\d{1,4}$/.test(raw) && currencies.length === 1)
    minor = toMinorUnits(raw, currencies[0])
  return minor !== null && minor >= 0 && minor <= MAX_AMOUNT ? minor : null
}

/** The FROM of a list: the record table, joined to its best search matches (`s.score`) when searching. */
export function searchFrom(type: RecordType, search: string | null, depth: number): SQL {
  const table = sql`${sql.identifier(type.table)} ${alias(type)}`
  return search === null
    ? table
    : sql`${table} join search_records(${type.name}, ${search}, ${depth}) s on s.record_id = ${alias(type)}.id`
}

/** Each call of `searchNewest` asks `search_records_newest` for at most this many matches. */
const NEWEST_BATCH = 1000

/** The most matches `searchNewest` reads for one page before it answers with what it found so far. */
export const NEWEST_READ_LIMIT = 5000

/**
 * A page of the records matching every word of `search`, newest first (ids descending: a type prefix
 * and a UUIDv7, so creation order), read through `search_records_newest` in growing batches: `keep`
 * gets each batch's ids (a `text[]` literal, newest first) and answers the records the caller shows —
 * its own visibility rule and filters applied by key — newest first, at most `want`. The cost follows the
 * page, not how many records hold the words. `next` is the keyset cursor's id: the page's last record,
 * or, when the page did not fill within `NEWEST_READ_LIMIT` matches (a rare filter, records the viewer
 * may not read) or within the function's budget of records read (words that seldom meet), where the
 * reading stopped, so the next page continues below it.
 */
export async function searchNewest<T extends { id: string }>(
  tx: Tx,
  type: RecordType,
  search: string,
  opts: {
    before: string | null
    limit: number
    keep: (ids: SQL, want: number) => Promise<T[]>
    readLimit?: number
  },
): Promise<{ rows: T[]; next: string | null }> {
  const want = opts.limit + 1
  const readLimit = opts.readLimit ?? NEWEST_READ_LIMIT
  const rows: T[] = []
  let before = opts.before
  let read = 0
  let batch = Math.min(want, NEWEST_BATCH)
  for (;;) {
    const found = (
      (await tx.execute(
        sql`select record_id, hit from search_records_newest(${type.name}, ${search}, ${before}::text, ${batch}::int)`,
      )) as unknown as { rows: { record_id: string; hit: boolean }[] }
    ).rows
    const ids = found.filter((f) => f.hit).map((f) => f.record_id)
    const stop = found.find((f) => !f.hit)?.record_id ?? null
    read += ids.length
    if (ids.length) rows.push(...(await opts.keep(textArray(ids), want - rows.length)))
    if (rows.length >= want) {
      const page = rows.slice(0, opts.limit)
      return { rows: page, next: page[page.length - 1]?.id ?? null }
    }
    // The function spent its budget of records read (words that seldom meet): answer what was found.
    if (stop !== null) return { rows, next: stop }
    if (ids.length < batch) return { rows, next: null }
    before = ids[ids.length - 1] ?? null
    if (read >= readLimit) return { rows, next: before }
    batch = Math.min(batch * 4, NEWEST_BATCH)
  }
}

/**
 * How many matches to ask the search for: with nothing else to filter, just the page (a word's best
 * postings answer it); otherwise the best thousand, which the other conditions then narrow.
 */
export const searchDepth = (conditions: readonly SQL[], pageEnd: number) =>
  conditions.length === 0 ? pageEnd : SEARCH_LIMIT

export type DeclaredSort = {
  key: string
  field: SortField
  column: SQL
  desc: boolean
}

/** A declared sort (`name`, `-created`...), or null when `raw` names none of them. */
export function declaredSort(type: RecordType, raw: string): DeclaredSort | null {
  const desc = raw.startsWith('-')
  const field = type.sorts[desc ? raw.slice(1) : raw]
  if (!field) return null
  return { key: raw, field, column: sql`${alias(type)}.${sql.identifier(field.column)}`, desc }
}

// ---- cursors ------------------------------------------------------------------------------------

/** After a row in a keyset order (`v` its sort value, `id` its id), or skipping `o` rows of a ranking. */
export type ListCursor = { s: string; v: string; id: string } | { s: string; o: number }

const MAX_OFFSET = 100_000
const ID = /^[a-z]{2,8}_[0-9a-f]{32}$/

export function encodeListCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url')
}

/**
 * A cursor as the client sent it back: it must belong to this sort, and its values must be what this
 * sort's cursors hold (a valid instant for dates, an id of the right shape), or the answer is a 400
 * naming `cursor`. `kind` is the sort's keyset field kind, 'offset' for ranked and computed orders, or
 * 'id' for an order by id alone (`searchNewest`: the cursor holds the id to continue below).
 */
export function decodeListCursor(
  raw: string | undefined,
  sortKey: string,
  kind: SortField['kind'] | 'offset' | 'id',
): ListCursor | null {
  if (!raw) return null
  let c: Record<string, unknown> | null = null
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {}
  if (c && typeof c === 'object' && c.s === sortKey) {
    if (kind === 'id') {
      if (typeof c.id === 'string' && ID.test(c.id)) return { s: sortKey, v: c.id, id: c.id }
    } else if (kind === 'offset') {
      if (Number.isInteger(c.o) && (c.o as number) >= 0 && (c.o as number) <= MAX_OFFSET)
        return { s: sortKey, o: c.o as number }
    } else if (typeof c.id === 'string' && ID.test(c.id) && typeof c.v === 'string' && c.v.length <= 1000) {
      if (kind === 'text' && !c.v.includes('\u0000')) return { s: sortKey, v: c.v, id: c.id }
      if (kind === 'timestamp' && /^\d{4}-\d{2}-\d{2}T/.test(c.v) && parseInstant(c.v, false))
        return { s: sortKey, v: c.v, id: c.id }
    }
  }
  throw problems.badRequest('The cursor is not valid for this view.', 'cursor')
}

/** The keyset condition after a cursor: `(column, id)` past the cursor's row in the sort's direction. */
export function afterCursor(type: RecordType, sort: DeclaredSort, cursor: { v: string; id: string }): SQL {
  const value = sort.field.kind === 'timestamp' ? sql`${cursor.v}::timestamptz` : sql`${cursor.v}`
  return sql`(${sort.column}, ${alias(type)}.id) ${sql.raw(sort.desc ? '<' : '>')} (${value}, ${cursor.id})`
}

/** The cursor after the last row of a keyset page. */
export function keysetCursor(sort: DeclaredSort, value: string | Date, id: string): string {
  const v = value instanceof Date ? value.toISOString() : value
  return encodeListCursor({ s: sort.key, v, id })
}
