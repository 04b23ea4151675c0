import { inArray } from 'drizzle-orm'
import { clientStatuses } from '../../../../contracts/clients.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { defineRecordType, type SearchDocument } from '../../kernel/search/index.ts'
import { displayValue, type FieldDef, facetValues, loadFieldDefs } from '../custom-fields/index.ts'
import { clients, contacts } from './schema.ts'

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
    tag: { kind: 'facet', key: 'tag', lowercase: true, matchParam: 'tagMatch' },
    owner: { kind: 'user', column: 'owner_id' },
    assignee: { kind: 'facet', key: 'assignee', user: true },
    createdFrom: { kind: 'date', column: 'created_at', bound: 'from' },
    createdTo: { kind: 'date', column: 'created_at', bound: 'to' },
    updatedFrom: { kind: 'date', column: 'updated_at', bound: 'from' },
    updatedTo: { kind: 'date', column: 'updated_at', bound: 'to' },
  },
  accessFacet: 'access',
  async documents(tx: Tx, ids: readonly string[]) {
    const rows = await tx
      .select({
        id: clients.id,
        name: clients.name,
        legalName: clients.legalName,
        email: clients.email,
        tags: clients.tags,
        ownerId: clients.ownerId,
        assigneeIds: clients.assigneeIds,
        custom: clients.custom,
      })
      .from(clients)
      .where(inArray(clients.id, [...ids]))
    if (!rows.length) return []
    const list = await tx
      .select({ clientId: contacts.clientId, name: contacts.name, email: contacts.email })
      .from(contacts)
      .where(
        inArray(
          contacts.clientId,
          rows.map((r) => r.id),
        ),
      )
    const defs = await loadFieldDefs(tx, 'client')
    const byClient = Map.groupBy(list, (k) => k.clientId)
    return rows.map((r) => clientDocument(r, byClient.get(r.id) ?? [], defs))
  },
})
