import { type SQL, sql } from 'drizzle-orm'
import { can } from '../../kernel/access/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import type { RecordType } from '../../kernel/search/index.ts'
import {
  declaredFilters,
  declaredSort,
  decodeListCursor as decodeCursor,
  searchDepth as depth,
  facetCondition,
  searchFrom as from,
  SEARCH_LIMIT as LIMIT,
  type ListCursor,
  listValues,
  searchText,
} from '../../kernel/search/list.ts'
import { type FieldDef, facetFilterValue, rangeTypes, sortableTypes } from '../custom-fields/index.ts'
import { clientRecords } from './search.ts'

export { encodeListCursor } from '../../kernel/search/list.ts'
export const SEARCH_LIMIT = LIMIT

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

/** Search text as the search function takes it, or '' when it holds no letter or digit to search for. */
export const normaliseSearch = (q: string | undefined) => searchText(q)

/** Custom field filters: `cf.<key>=a,b` (any of the values) and `cf.<key>.min` / `.max` ranges. */
function customFieldFilters(filter: Record<string, unknown>, defs: FieldDef[], errors: FieldError[]): SQL[] {
  const conditions: SQL[] = []
  const byKey = new Map(defs.map((d) => [d.key, d]))
  for (const [param, raw] of Object.entries(filter)) {
    const m = raw === undefined ? null : /^cf\.([a-z][a-z0-9_]{0,39})(?:\.(min|max))?$/.exec(param)
    if (!m) continue
    const [, key = '', bound] = m
    const def = byKey.get(key)
    if (!def) {
      errors.push({ field: param, message: 'is not a custom field of this workspace' })
      continue
    }
    if (bound) {
      if (!rangeTypes.includes(def.type)) {
        errors.push({ field: param, message: 'ranges apply to number, money and date fields' })
        continue
      }
      const v = facetFilterValue(def, listValues(raw)[0] ?? '')
      if (v === null)
        errors.push({ field: param, message: `must be a ${def.type === 'date' ? 'date' : 'number'}` })
      else
        conditions.push(
          ...facetCondition(clientRecords, `cf.${key}`, [v], 'all', bound === 'min' ? '>=' : '<='),
        )
      continue
    }
    const values = listValues(raw).map((r) => facetFilterValue(def, r))
    if (!values.length || values.some((v) => v === null)) {
      errors.push({ field: param, message: 'is not a valid value for this field' })
      continue
    }
    conditions.push(...facetCondition(clientRecords, `cf.${key}`, values as string[], 'any'))
  }
  return conditions
}

/**
 * The WHERE conditions of a client view: the declared filters of the client record type, custom
 * fields, and what a member may see; plus the search text. Bad values answer 400 naming each one.
 */
export function filterConditions(
  ctx: ServiceContext,
  filter: Record<string, unknown>,
  defs: FieldDef[],
): { conditions: SQL[]; search: string | null } {
  const errors: FieldError[] = []
  const viewer = { userId: ctx.actor.userId, seesAll: can(ctx.actor, 'clients:read_all') }
  const conditions = [
    ...declaredFilters(clientRecords, viewer, filter, errors),
    ...customFieldFilters(filter, defs, errors),
  ]
  if (errors.length) throw problems.validation(errors, 'The filter is not valid.')
  return { conditions, search: searchText(filter.q) || null }
}

/** How many matches to ask the search function for (see `searchDepth` in the kernel). */
export const searchDepth = depth

/** The FROM of a client query: with search text, joined to the best matches (`s.score`). */
export const searchFrom = (search: string | null, n: number): SQL => from(clientRecords, search, n)

export type Sort = {
  key: string
  column: SQL
  desc: boolean
  kind: 'keyset' | 'offset'
  /** For custom-field sorts: the facet key to join. */
  facet?: string
}

export function parseSort(raw: string | undefined, defs: FieldDef[], searching: boolean): Sort | null {
  if (!raw && searching) return null
  const declared = declaredSort(clientRecords, raw || clientRecords.defaultSort)
  if (declared)
    return {
      key: declared.key,
      column: declared.column,
      desc: declared.desc,
      kind: searching ? 'offset' : 'keyset',
    }
  const key = raw as string
  const desc = key.startsWith('-')
  const m = /^cf\.([a-z][a-z0-9_]{0,39})$/.exec(desc ? key.slice(1) : key)
  const def = m ? defs.find((d) => d.key === m[1]) : undefined
  if (!def || !sortableTypes.includes(def.type))
    throw problems.badRequest('Sort by name, created, updated or a single-valued custom field.', 'sort')
  return { key, column: sql.raw('sf.value'), desc, kind: 'offset', facet: `cf.${def.key}` }
}

/**
 * A cursor of a client view, checked against its sort: ranked and custom-field orders page by offset,
 * the declared sorts by keyset with values of their kind. Anything else is a 400 naming `cursor`.
 */
export function decodeListCursor(raw: string | undefined, sortKey: string): ListCursor | null {
  if (!raw) return null
  const sorts: RecordType['sorts'] = clientRecords.sorts
  const field = sorts[sortKey.replace(/^-/, '')]
  try {
    return decodeCursor(raw, sortKey, 'offset')
  } catch (err) {
    if (!field) throw err
  }
  return decodeCursor(raw, sortKey, field.kind)
}
