import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify/sync'
import { type SQL, sql } from 'drizzle-orm'
import type { FastifyReply } from 'fastify'
import { currencyDigits } from '../../../../contracts/money.ts'
import { assertCan } from '../../kernel/access/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { copyCsvInWorkspace, withWorkspace } from '../../kernel/tenancy/index.ts'
import type { FieldDef } from '../custom-fields/index.ts'
import { clientPageQuery, loadFieldDefs } from './service.ts'

/**
 * Rows per page (tests make pages small): each page costs a statement built and parsed, whose garbage
 * outlived young collections; at 2,000 rows a page the server's heap stays flat, at 500 its old space
 * grew by ~40 MB per 100,000 rows between full collections. Each page is read in its own short transaction (keyset
 * cursor) and arrives as a few texts of CSV lines: PostgreSQL writes them, so the server holds no
 * object per client. `lines` per text keeps each well below V8's large-object size (~128 KB, half
 * that in characters outside Latin-1): large objects are freed only by full collections.
 */
export const exportOptions = { page: 2000, lines: 50 }
/** The limit that reads a whole view in one statement (search depth stays a 32-bit integer). */
const WHOLE_VIEW = 1_000_000_000
const ADDRESS = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const

const headerOf = (defs: FieldDef[]) => [
  'id',
  'name',
  'kind',
  'legal_name',
  'email',
  'phone',
  'website',
  'tax_id',
  'status',
  'tags',
  'owner',
  'assignees',
  'currency',
  'language',
  'payment_terms_days',
  ...ADDRESS.map((a) => `billing_${a.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`),
  'primary_contact',
  'primary_contact_email',
  'created_at',
  'updated_at',
  ...defs.map((d) => d.key),
]

// What a JavaScript `\s` matches, for the same rule as `isFormula` (kernel/http/csv.ts).
const SPACE = String.raw`\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff`
const SIGNED_NUMBER = `^[+-][0-9${SPACE}()./-]*[0-9][0-9${SPACE}()./-]*$`

/**
 * A text value as `neutralise` writes it: a formula-like value gets a leading `'` (a sign followed
 * only by number punctuation is a number and stays). `v` is a column name.
 */
const neutralised = (v: string) =>
  `(case when ${v} ~ '^[=@\\t\\r]' or (${v} ~ '^[+-]' and ${v} !~ '${SIGNED_NUMBER}')
    then '''' || ${v} else ${v} end)`

/**
 * One CSV cell from a text value, as `neutralise` and csv-stringify write it: neutralised, and quoted
 * with its quotes doubled when it holds a quote, comma or line break.
 */
function cell(v: string): string {
  return `case when ${v} is null then ''
    when ${v} !~ '^[=@\\t\\r+-]|[",\\n\\r]' then ${v}
    when ${v} ~ '[",\\n\\r]' then '"' || replace(${neutralised(v)}, '"', '""') || '"'
    else ${neutralised(v)} end`
}

/** A custom value as `displayValue` shows it: money with its currency's digits, lists joined by `; `. */
function customValue(d: FieldDef): SQL {
  const v = sql`(c.custom -> ${d.key})`
  if (d.type === 'money') {
    const digits = currencyDigits(d.currency)
    return sql`case when jsonb_typeof(${v}) = 'number' and ${v}::numeric = trunc(${v}::numeric)
        and abs(${v}::numeric) <= 9007199254740991
      then round(${v}::numeric / ${sql.raw(String(10 ** digits))}, ${sql.raw(String(digits))})::text end`
  }
  return sql`case jsonb_typeof(${v})
      when 'array' then (select string_agg(e.v, '; ' order by e.n) from jsonb_array_elements_text(${v}) with ordinality e(v, n))
      when 'null' then null
      else ${v} #>> '{}' end`
}

/**
 * The page's cells as text, in the header's order (null for an empty cell), then its keys. Computed
 * once per row below a window function, so the cells' expressions are not inlined and run again.
 */
function cellsOf(page: SQL, defs: FieldDef[]): { select: SQL; names: string[] } {
  const values: SQL[] = [
    sql`c.id`,
    sql`c.name`,
    sql`c.kind::text`,
    sql`c.legal_name`,
    sql`c.email`,
    sql`c.phone`,
    sql`c.website`,
    sql`c.tax_id`,
    sql`c.status::text`,
    sql`array_to_string(c.tags, '; ')`,
    sql`c.owner ->> 'email'`,
    sql`(select string_agg(a.v ->> 'email', '; ' order by a.n) from json_array_elements(c.assignees) with ordinality a(v, n))`,
    sql`c.currency`,
    sql`c.language`,
    sql`c.payment_terms_days::text`,
    ...ADDRESS.map((a) => sql`c.billing_address ->> ${a}`),
    sql`c.primary_contact ->> 'name'`,
    sql`c.primary_contact ->> 'email'`,
    sql`to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    sql`to_char(c.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    ...defs.map(customValue),
  ]
  const names = values.map((_, i) => `v${i}`)
  const select = sql`select ${sql.join(
    values.map((v, i) => sql`${v} as ${sql.raw(names[i]!)}`),
    sql`, `,
  )}, row_number() over () as n, c.id, c.sort_name, c.created_at, c.updated_at from (${page}) c`
  return { select, names }
}

async function* prepend(first: string, rest: AsyncIterable<Buffer>) {
  yield first
  yield* rest
}

/**
 * `GET /clients/export`: every client of a view as CSV (every field, custom fields as columns, formula
 * cells neutralised). On PostgreSQL the view is one statement whose CSV PostgreSQL writes (`COPY … TO
 * STDOUT`), read from the connection only as fast as the client takes it. On PGlite, pages are read as the client reads the file: the response stream holds at most
 * one page of text beyond what the socket takes, so memory stays flat whatever the size. Each page is
 * one statement whose answer is the page's row count with the keys of its last row (for the next
 * cursor), then its CSV lines, 50 to a text. The first page is read before the answer starts, so a failing
 * query still answers with a problem.
 */
export async function exportClients(
  ctx: ServiceContext,
  query: Record<string, unknown> & { sort?: string },
  reply: FastifyReply,
): Promise<FastifyReply> {
  assertCan(ctx.actor, 'clients:export')
  const { sort, ...filter } = query
  const defs = await withWorkspace(ctx, (tx) => loadFieldDefs(tx))
  const header = stringify([headerOf(defs)])
  reply
    .type('text/csv; charset=utf-8')
    .header(
      'content-disposition',
      `attachment; filename="clients-${new Date().toISOString().slice(0, 10)}.csv"`,
    )
  // PostgreSQL: the whole view in one statement, its CSV written by COPY and streamed as the client
  // reads it. An empty cell is written NULL, so COPY leaves it unquoted as csv-stringify does.
  const { statement } = clientPageQuery(ctx, { ...filter, sort, limit: WHOLE_VIEW }, defs)
  const { select, names } = cellsOf(statement, defs)
  const copy = await copyCsvInWorkspace(
    ctx,
    sql`select ${sql.raw(names.map((n) => `nullif(${neutralised(`r.${n}`)}, '')`).join(', '))}
      from (${select}) r order by r.n`,
  )
  if (copy) return reply.send(Readable.from(prepend(header, copy), { objectMode: false }))
  const PAGE = exportOptions.page
  const LINES = exportOptions.lines
  const read = async (cursor: string | undefined) => {
    const { statement, page } = clientPageQuery(ctx, { ...filter, sort, limit: PAGE, cursor }, defs)
    const { select, names } = cellsOf(statement, defs)
    const line = sql.raw(`concat_ws(',', ${names.map((n) => cell(`r.${n}`)).join(', ')}) || E'\\n'`)
    // First row: the page's row count and its last kept row's keys; then its lines, LINES at a time.
    const r = await withWorkspace(ctx, (tx) =>
      tx.execute(sql`with r as materialized (${select})
        select -1 as g, json_build_object('rows', count(*), 'last', (array_agg(json_build_object(
            'id', r.id, 'sort_name', r.sort_name, 'created_at', r.created_at, 'updated_at', r.updated_at)
            order by r.n desc) filter (where r.n <= ${PAGE}))[1])::text as text
          from r
        union all
        select (r.n - 1) / ${LINES}, string_agg(${line}, '' order by r.n) from r where r.n <= ${PAGE} group by 1
        order by 1`),
    )
    const [meta, ...chunks] = (r as unknown as { rows: { text: string }[] }).rows.map((x) => x.text)
    const { rows, last } = JSON.parse(meta!) as { rows: number; last: unknown }
    // The cursor as the list computes it, which reads only how many rows came and the last kept one.
    const { nextCursor } = page(Array.from({ length: rows }, () => last) as never)
    return { chunks, next: nextCursor }
  }
  let page: { chunks: string[]; next: string | null } | null = await read(undefined)
  page.chunks.unshift(header)
  const body = Readable.from(
    (async function* () {
      while (page) {
        const { chunks, next } = page
        page = null
        yield* chunks
        if (next) page = await read(next)
      }
    })(),
    // Bytes, not objects: the next page is read only once the socket has taken this one's text.
    { objectMode: false },
  )
  return reply.send(body)
}
