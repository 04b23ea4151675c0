import { type SQL, sql } from 'drizzle-orm'
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

const CLIENT_ID = /^cli_[0-9a-f]{32}$/
const CURRENCY = /^[A-Z]{3}$/

/** An open invoice past its due date with something left to pay (today in UTC). */
const overdue = (d: SQL) =>
  sql`(${d}.status in ('sent', 'viewed', 'partially_paid', 'overdue') and ${d}.due_date < ${new Date().toISOString().slice(0, 10)}::date and ${d}.balance > 0)`

/** The filters of invoices only: what is due, and overdue. */
export const invoiceOnlyFilters = ['balanceMin', 'balanceMax', 'overdue'] as const

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
      client: { kind: 'values', column: 'client_id', pattern: CLIENT_ID, message: 'must be client ids' },
      currency: { kind: 'values', column: 'currency', pattern: CURRENCY, message: 'must be currency codes' },
      issuedFrom: { kind: 'day', column: 'issue_date', bound: 'from' },
      issuedTo: { kind: 'day', column: 'issue_date', bound: 'to' },
      dueFrom: { kind: 'day', column: 'due_date', bound: 'from' },
      dueTo: { kind: 'day', column: 'due_date', bound: 'to' },
      createdFrom: { kind: 'date', column: 'created_at', bound: 'from' },
      createdTo: { kind: 'date', column: 'created_at', bound: 'to' },
      totalMin: { kind: 'amount', column: 'total', bound: 'from', currencyParam: 'currency' },
      totalMax: { kind: 'amount', column: 'total', bound: 'to', currencyParam: 'currency' },
      ...(kind === 'invoice'
        ? ({
            balanceMin: { kind: 'amount', column: 'balance', bound: 'from', currencyParam: 'currency' },
            balanceMax: { kind: 'amount', column: 'balance', bound: 'to', currencyParam: 'currency' },
            overdue: { kind: 'flag', condition: overdue },
          } as const)
        : {}),
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
        // The number leads the title (typing it finds the document); the client's name then the
        // number is a second key, so typing a client's name finds its documents in the title tier too.
        return {
          id: d.id,
          title: `${d.number ?? ''} ${d.client_name}`.trim(),
          titleKeys: [`${d.client_name} ${d.number ?? ''}`.trim()],
          text,
          facets,
        }
      })
    },
  })
}

export const documentRecords: Record<DocumentKind, RecordType> = {
  invoice: documentRecordType('invoice', invoiceStatuses),
  quote: documentRecordType('quote', quoteStatuses),
  credit_note: documentRecordType('credit_note', creditNoteStatuses),
}
