import type { SQL } from 'drizzle-orm'
import type { Tx } from '../db/index.ts'

/** What the search index keeps for one record: built by its record type from the record's own data. */
export type SearchDocument = {
  id: string
  /** The record's name: its words rank first, in order (typing a name finds it first). */
  title: string
  /**
   * Other starts a user types to find the record, each a key of `search_titles` beside the title's:
   * an invoice titled by its number is also found as its client's name then its number. Typing the
   * start of any key finds the record in the title tier (one index range, at any size). At most
   * `MAX_TITLE_KEYS - 1`; the rest are ignored.
   */
  titleKeys?: readonly (string | null | undefined)[]
  /** Everything else search finds it by: other names, emails, tags, contacts, custom field values. */
  text: readonly (string | null | undefined)[]
  /** Filter values as `[key, value]` pairs (`tag`, `assignee`, `cf.<field>`...): equality joins. */
  facets: readonly (readonly [string, string])[]
}

/** The most `search_titles` keys a record has: its title's and up to three `titleKeys`. */
export const MAX_TITLE_KEYS = 4

/** The record's title keys as written: the title first, then its other keys, at most `MAX_TITLE_KEYS`. */
export const titleKeysOf = (d: Pick<SearchDocument, 'title' | 'titleKeys'>): string[] =>
  [
    d.title,
    ...(d.titleKeys ?? []).filter((k): k is string => typeof k === 'string' && k.trim() !== ''),
  ].slice(0, MAX_TITLE_KEYS)

/** A sortable field: a column of the record's table, on a btree index that starts with workspace_id. */
export type SortField = { column: string; kind: 'text' | 'timestamp' }

/** A list filter of a record type, read from a query parameter of the same name. */
export type FilterField =
  /** One of a fixed set of values in a column (comma-separated: any of them). */
  | { kind: 'enum'; column: string; values: readonly string[] }
  /**
   * Facet values of one key; comma-separated values must all match, or any with `matchParam=any`.
   * `column` names a `text[]` column of the record's table holding the same values (the facets are
   * derived from it): the list then also tests the row it has read, so a walk in another index's
   * order probes the facets only for rows that hold the values (see `declaredFilters`).
   */
  | { kind: 'facet'; key: string; lowercase?: boolean; user?: boolean; matchParam?: string; column?: string }
  /** A user id column: user ids, `me`, or `none` for no one. */
  | { kind: 'user'; column: string }
  /** A bound on a timestamp column: a date (whole day, UTC) or an ISO 8601 instant. */
  | { kind: 'date'; column: string; bound: 'from' | 'to' }
  /** A bound on a `date` column: a day (YYYY-MM-DD). */
  | { kind: 'day'; column: string; bound: 'from' | 'to' }
  /**
   * A bound on an integer money column: minor units (`1250`), or a decimal amount (`12.50`) when the
   * parameter `currencyParam` names exactly one currency, read with that currency's digits.
   */
  | { kind: 'amount'; column: string; bound: 'from' | 'to'; currencyParam?: string }
  /** Values of a text column (ids, codes) that must match `pattern`; comma-separated: any of them. */
  | { kind: 'values'; column: string; pattern: RegExp; message: string }
  /** `true` keeps the records meeting the condition, `false` the others (`alias` is the table's). */
  | { kind: 'flag'; condition: (alias: SQL) => SQL }

/**
 * The declaration of a record type, from which the index, search, filters, sorts and cursors follow.
 * The table has `id` (text, prefixed), `workspace_id` and row-level security; its facets table has `(workspace_id, <record column>, key, value)` with a lookup index on
 * `(workspace_id, key, value, <record column>)`.
 */
export type RecordType = {
  /** The record type's name in the index (`client`). */
  name: string
  /** Its table, and the alias its list queries give it. */
  table: string
  alias: string
  facets: { table: string; recordColumn: string }
  sorts: Readonly<Record<string, SortField>>
  /** The sort of a list without `sort` and without search text (`-created`: newest first). */
  defaultSort: string
  filters: Readonly<Record<string, FilterField>>
  /** A facet key that makes a record visible to a user (`access`), for visibility conditions. */
  accessFacet?: string
  /** The documents of these records, read inside the writer's transaction; absent ids were deleted. */
  documents: (tx: Tx, ids: readonly string[]) => Promise<SearchDocument[]>
}

/** Identity for the type checker: a record type declared once, beside its module's tables. */
export function defineRecordType<const T extends RecordType>(type: T): T {
  return type
}
