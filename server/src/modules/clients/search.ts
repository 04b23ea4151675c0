import { sql } from 'drizzle-orm'
import { clientStatuses } from '../../../../contracts/clients.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { defineRecordType, type SearchDocument } from '../../kernel/search/index.ts'
import { displayValue, type FieldDef, facetValues, loadFieldDefs } from '../custom-fields/index.ts'

const SEARCHABLE: FieldDef['type'][] = ['text', 'email', 'url', 'select', 'multi_select']

type ClientSource = {
  id: string
  name: string
  legalName: string | null
  email: string | null
  tags: string[]
  ownerId: string | null
  assigneeIds: string[]
  custom: Record<string, unknown>
}

/** What search and filters know of a client: its name, other text, and facet values. */
export function clientDocument(
  c: ClientSource,
  contactsOf: readonly { name: string; email: string | null }[],
  defs: readonly FieldDef[],
): SearchDocument {
  const text: (string | null)[] = [c.legalName, c.email, ...c.tags]
  for (const k of contactsOf) text.push(k.name, k.email)
  const facets = new Map<string, readonly [string, string]>()
  const add = (key: string, value: string) => facets.set(`${key}\u0000${value}`, [key, value])
  for (const t of c.tags) add('tag', t)
  if (c.ownerId) add('access', c.ownerId)
  for (const a of c.assigneeIds) {
    add('assignee', a)
    add('access', a)
  }
  for (const d of defs) {
    if (SEARCHABLE.includes(d.type)) text.push(displayValue(d, c.custom[d.key]))
    for (const v of facetValues(d, c.custom[d.key])) add(`cf.${d.key}`, v)
  }
  return { id: c.id, title: c.name, text, facets: [...facets.values()] }
}

/**
 * Clients as a record type: search finds them by name first, then by legal name, email, tags,
 * contacts and text-like custom fields; filters and sorts as the list API documents them.
 */
export const clientRecords = defineRecordType({
  name: 'client',
  table: 'clients',
  alias: 'c',
  facets: { table: 'client_facets', recordColumn: 'client_id' },
  sorts: {
    created: { column: 'created_at', kind: 'timestamp' },
    updated: { column: 'updated_at', kind: 'timestamp' },
    name: { column: 'sort_name', kind: 'text' },
  },
  defaultSort: '-created',
  filters: {
    status: { kind: 'enum', column: 'status', values: clientStatuses },
    tag: { kind: 'facet', key: 'tag', lowercase: true, matchParam: 'tagMatch', column: 'tags' },
    owner: { kind: 'user', column: 'owner_id' },
    assignee: { kind: 'facet', key: 'assignee', user: true },
    createdFrom: { kind: 'date', column: 'created_at', bound: 'from' },
    createdTo: { kind: 'date', column: 'created_at', bound: 'to' },
    updatedFrom: { kind: 'date', column: 'updated_at', bound: 'from' },
    updatedTo: { kind: 'date', column: 'updated_at', bound: 'to' },
  },
  accessFacet: 'access',
  async documents(tx: Tx, ids: readonly string[]) {
    // Each client and its contacts by key (one lookup per id), as one JSON value: a growing workspace
    // may still look empty to the planner, which would then read all of it for every batch.
    const r = await tx.execute(sql`select coalesce(jsonb_agg(jsonb_build_object(
        'id', c.id, 'name', c.name, 'legalName', c.legal_name, 'email', c.email, 'tags', to_jsonb(c.tags),
        'ownerId', c.owner_id, 'assigneeIds', to_jsonb(c.assignee_ids), 'custom', c.custom, 'contacts', k.list)),
        '[]')::text as docs
      from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) i(id)
      cross join lateral (select c.id, c.name, c.legal_name, c.email, c.tags, c.owner_id, c.assignee_ids, c.custom
                          from clients c where c.id = i.id limit 1) c
      cross join lateral (select coalesce(jsonb_agg(jsonb_build_object('name', k.name, 'email', k.email)), '[]') as list
                          from contacts k where k.client_id = c.id) k`)
    const rows = JSON.parse(
      (r as unknown as { rows: { docs: string }[] }).rows[0]?.docs ?? '[]',
    ) as (ClientSource & {
      contacts: { name: string; email: string | null }[]
    })[]
    if (!rows.length) return []
    const defs = await loadFieldDefs(tx, 'client')
    return rows.map((r) => clientDocument(r, r.contacts, defs))
  },
})
