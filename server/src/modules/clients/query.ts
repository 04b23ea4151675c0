import { type SQL, sql } from 'drizzle-orm'
import { clientStatuses } from '../../../../contracts/clients.ts'
import { can } from '../../kernel/access/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import { type FieldDef, facetFilterValue, rangeTypes, sortableTypes } from './fields.ts'

/** A client view's filters, as parsed from query parameters (or a bulk action's `filter`). */
export type ClientFilter = {
  q?: string
  status?: string[]
  tag?: string[]
  tagMatch?: 'all' | 'any'
  owner?: string[]
  assignee?: string[]
  createdFrom?: string
  createdTo?: string
  updatedFrom?: string
  updatedTo?: string
  [custom: `cf.${string}`]: string | string[] | undefined
}

const KNOWN = new Set([
  'q',
  'status',
  'tag',
  'tagMatch',
  'owner',
  'assignee',
  'createdFrom',
  'createdTo',
  'updatedFrom',
  'updatedTo',
  'sort',
  'limit',
  'cursor',
])

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [])
    .map((s) => String(s).trim())
    .filter(Boolean)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const DAY = /^\d{4}-\d{2}-\d{2}$/

function instant(v: string | undefined, field: string, end: boolean, errors: FieldError[]): Date | undefined {
  if (!v) return undefined
  const d = DAY.test(v) ? new Date(`${v}T${end ? '23:59:59.999' : '00:00:00.000'}Z`) : new Date(v)
  if (Number.isNaN(d.getTime())) {
    errors.push({ field, message: 'must be a date or an ISO 8601 timestamp' })
    return undefined
  }
  return d
}

/** Search text as the search function takes it, or '' when it holds no letter or digit to search for. */
export const normaliseSearch = (q: string | undefined) => {
  const text = (q ?? '').replace(/\s+/g, ' ').trim().slice(0, 200)
  return /[\p{L}\p{N}]/u.test(text) ? text : ''
}

const facetIn = (key: string, value: string) =>
  sql`c.id in (select f.client_id from client_facets f where f.key = ${key} and f.value = ${value})`

/**
 * Builds the WHERE conditions of a filter. Every condition is either a leakproof comparison on an
 * indexed column or a semi-join on the facets table, so row-level security leaves the indexes usable.
 */
export function filterConditions(
  ctx: ServiceContext,
  filter: Record<string, unknown>,
  defs: FieldDef[],
): { conditions: SQL[]; search: string | null } {
  const errors: FieldError[] = []
  const conditions: SQL[] = []
  const me = ctx.actor.userId
  if (!can(ctx.actor, 'clients:read_all')) conditions.push(facetIn('access', me))

  const statuses = list(filter.status)
  for (const s of statuses)
    if (!(clientStatuses as readonly string[]).includes(s))
      errors.push({ field: 'status', message: `must be one of ${clientStatuses.join(', ')}` })
  if (statuses.length)
    conditions.push(
      sql`c.status in (${sql.join(
        statuses.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    )

  const tags = list(filter.tag).map((tag) => tag.toLowerCase())
  const tagMatch = filter.tagMatch ?? 'all'
  if (tagMatch !== 'all' && tagMatch !== 'any')
    errors.push({ field: 'tagMatch', message: 'must be all or any' })
  if (tagMatch === 'any' && tags.length)
    conditions.push(
      sql`c.id in (select f.client_id from client_facets f where f.key = 'tag' and f.value in (${sql.join(
        tags.map((tag) => sql`${tag}`),
        sql`, `,
      )}))`,
    )
  else for (const tag of tags) conditions.push(facetIn('tag', tag))

  const owners = list(filter.owner)
  if (owners.length) {
    const ids = owners.filter((o) => o !== 'none').map((o) => (o === 'me' ? me : o))
    for (const id of ids)
      if (!UUID.test(id)) errors.push({ field: 'owner', message: 'must be user ids, me or none' })
    const parts: SQL[] = []
    if (ids.length)
      parts.push(
        sql`c.owner_id in (${sql.join(
          ids.map((i) => sql`${i}::uuid`),
          sql`, `,
        )})`,
      )
    if (owners.includes('none')) parts.push(sql`c.owner_id is null`)
    conditions.push(sql`(${sql.join(parts, sql` or `)})`)
  }
  for (const a of list(filter.assignee)) {
    const id = a === 'me' ? me : a
    if (!UUID.test(id)) errors.push({ field: 'assignee', message: 'must be user ids or me' })
    else conditions.push(facetIn('assignee', id))
  }

  const ranges: [string, 'created_at' | 'updated_at', '>=' | '<='][] = [
    ['createdFrom', 'created_at', '>='],
    ['createdTo', 'created_at', '<='],
    ['updatedFrom', 'updated_at', '>='],
    ['updatedTo', 'updated_at', '<='],
  ]
  for (const [param, column, op] of ranges) {
    const d = instant(filter[param] as string | undefined, param, op === '<=', errors)
    if (d) conditions.push(sql`c.${sql.raw(column)} ${sql.raw(op)} ${d.toISOString()}::timestamptz`)
  }

  const byKey = new Map(defs.map((d) => [d.key, d]))
  for (const [param, raw] of Object.entries(filter)) {
    if (raw === undefined || KNOWN.has(param)) continue
    const m = /^cf\.([a-z][a-z0-9_]{0,39})(?:\.(min|max))?$/.exec(param)
    if (!m) continue
    const [, key = '', bound] = m
    const def = byKey.get(key)
    if (!def) {
      errors.push({ field: param, message: 'is not a custom field of this workspace' })
      continue
    }
    const facetKey = `cf.${key}`
    if (bound) {
      if (!rangeTypes.includes(def.type)) {
        errors.push({ field: param, message: 'ranges apply to number, money and date fields' })
        continue
      }
      const v = facetFilterValue(def, list(raw)[0] ?? '')
      if (v === null)
        errors.push({ field: param, message: `must be a ${def.type === 'date' ? 'date' : 'number'}` })
      else
        conditions.push(
          sql`c.id in (select f.client_id from client_facets f where f.key = ${facetKey} and f.value ${sql.raw(bound === 'min' ? '>=' : '<=')} ${v})`,
        )
      continue
    }
    const values = list(raw).map((r) => facetFilterValue(def, r))
    if (!values.length || values.some((v) => v === null)) {
      errors.push({ field: param, message: 'is not a valid value for this field' })
      continue
    }
    conditions.push(
      sql`c.id in (select f.client_id from client_facets f where f.key = ${facetKey} and f.value in (${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )}))`,
    )
  }

  const search = normaliseSearch(filter.q as string | undefined)
  if (errors.length) throw problems.validation(errors, 'The filter is not valid.')
  return { conditions, search: search || null }
}

/**
 * How many matches to ask the search function for: with nothing else to filter, just the page (the
 * prefix tier then answers from a btree in well under a millisecond); otherwise the best thousand.
 */
export function searchDepth(conditions: SQL[], pageEnd: number): number {
  return conditions.length === 0 ? pageEnd : SEARCH_LIMIT
}

export const SEARCH_LIMIT = 1000

/** The FROM of a client query: with search text, joined to the best matches (`s.score`). */
export function searchFrom(search: string | null, depth: number): SQL {
  return search === null
    ? sql`clients c`
    : sql`clients c join search_records('client', ${search}, ${depth}) s on s.record_id = c.id`
}

export type Sort = {
  key: string
  column: SQL
  desc: boolean
  kind: 'keyset' | 'offset'
  /** For custom-field sorts: the facet key to join. */
  facet?: string
}

const COLUMNS: Record<string, string> = { created: 'created_at', updated: 'updated_at', name: 'sort_name' }

export function parseSort(raw: string | undefined, defs: FieldDef[], searching: boolean): Sort | null {
  if (!raw)
    return searching ? null : { key: '-created', column: sql.raw('c.created_at'), desc: true, kind: 'keyset' }
  const desc = raw.startsWith('-')
  const name = desc ? raw.slice(1) : raw
  const column = COLUMNS[name]
  if (column) return { key: raw, column: sql.raw(`c.${column}`), desc, kind: searching ? 'offset' : 'keyset' }
  const m = /^cf\.([a-z][a-z0-9_]{0,39})$/.exec(name)
  const def = m ? defs.find((d) => d.key === m[1]) : undefined
  if (!def || !sortableTypes.includes(def.type))
    throw problems.badRequest('Sort by name, created, updated or a single-valued custom field.', 'sort')
  return { key: raw, column: sql.raw('sf.value'), desc, kind: 'offset', facet: `cf.${def.key}` }
}

type KeysetCursor = { s: string; v: string; id: string }
type OffsetCursor = { s: string; o: number }

export function encodeListCursor(c: KeysetCursor | OffsetCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url')
}

export function decodeListCursor(
  raw: string | undefined,
  sortKey: string,
): KeysetCursor | OffsetCursor | null {
  if (!raw) return null
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
    if (c?.s === sortKey && typeof c.id === 'string' && typeof c.v === 'string') return c
    if (c?.s === sortKey && Number.isInteger(c.o) && c.o >= 0 && c.o <= 100000) return c
  } catch {}
  throw problems.badRequest('The cursor is not valid for this view.', 'cursor')
}
