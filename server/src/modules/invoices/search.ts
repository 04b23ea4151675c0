import { sql } from 'drizzle-orm'
import {
  creditNoteStatuses,
  type DocumentKind,
  invoiceStatuses,
  quoteStatuses,
} from '../../../../contracts/invoices.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { defineRecordType, type RecordType, type SearchDocument } from '../../kernel/search/index.ts'
import { displayValue, facetValues, loadFieldDefs } from '../custom-fields/index.ts'

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows
const ids = (list: readonly string[]) => sql`${JSON.stringify(list)}::jsonb`

/** Catalog items: found by name first, then description and unit; filtered by state and currency. */
export const productRecords = defineRecordType({
  name: 'product',
  table: 'invoice_products',
  alias: 'p',
  facets: { table: 'invoice_product_facets', recordColumn: 'product_id' },
  sorts: {
    name: { column: 'sort_name', kind: 'text' },
    created: { column: 'created_at', kind: 'timestamp' },
    updated: { column: 'updated_at', kind: 'timestamp' },
  },
  defaultSort: 'name',
  filters: {
    currency: { kind: 'facet', key: 'currency' },
    createdFrom: { kind: 'date', column: 'created_at', bound: 'from' },
    createdTo: { kind: 'date', column: 'created_at', bound: 'to' },
  },
  async documents(tx: Tx, list: readonly string[]): Promise<SearchDocument[]> {
    const r = await tx.execute(sql`select p.id, p.name, p.description, p.unit, p.currency, p.archived_at
      from jsonb_array_elements_text(${ids(list)}) i(id)
      join invoice_products p on p.id = i.id`)
    return rowsOf<{
      id: string
      name: string
      description: string | null
      unit: string | null
      currency: string
      archived_at: unknown
    }>(r).map((p) => ({
      id: p.id,
      title: p.name,
      text: [p.description, p.unit],
      facets: [
        ['currency', p.currency],
        ['state', p.archived_at ? 'archived' : 'active'],
      ],
    }))
  },
})

function documentRecordType(kind: DocumentKind, statuses: readonly string[]): RecordType {
  return defineRecordType({
    name: kind,
    table: 'invoice_documents',
    alias: 'd',
    facets: { table: 'invoice_document_facets', recordColumn: 'document_id' },
    sorts: {
      created: { column: 'created_at', kind: 'timestamp' },
      updated: { column: 'updated_at', kind: 'timestamp' },
    },
    defaultSort: '-created',
    filters: {
      status: { kind: 'enum', column: 'status', values: statuses },
      createdFrom: { kind: 'date', column: 'created_at', bound: 'from' },
      createdTo: { kind: 'date', column: 'created_at', bound: 'to' },
    },
    async documents(tx: Tx, list: readonly string[]): Promise<SearchDocument[]> {
      const r = await tx.execute(sql`select d.id, d.number, d.client_name, d.po_number, d.custom,
          (select string_agg(l.description, ' ' order by l.position) from (
             select l.description, l.position from invoice_document_lines l
             where l.document_id = d.id order by l.position limit 50) l) as lines
        from jsonb_array_elements_text(${ids(list)}) i(id)
        join invoice_documents d on d.id = i.id`)
      const rows = rowsOf<{
        id: string
        number: string | null
        client_name: string
        po_number: string | null
        custom: Record<string, unknown>
        lines: string | null
      }>(r)
      if (!rows.length) return []
      const defs = kind === 'invoice' ? await loadFieldDefs(tx, 'invoice') : []
      return rows.map((d) => {
        const text: (string | null)[] = [d.po_number, d.lines]
        const facets: [string, string][] = []
        for (const def of defs) {
          if (['text', 'email', 'url', 'select', 'multi_select'].includes(def.type))
            text.push(displayValue(def, d.custom[def.key]))
          for (const v of facetValues(def, d.custom[def.key])) facets.push([`cf.${def.key}`, v])
        }
        return { id: d.id, title: `${d.number ?? ''} ${d.client_name}`.trim(), text, facets }
      })
    },
  })
}

export const documentRecords: Record<DocumentKind, RecordType> = {
  invoice: documentRecordType('invoice', invoiceStatuses),
  quote: documentRecordType('quote', quoteStatuses),
  credit_note: documentRecordType('credit_note', creditNoteStatuses),
}
