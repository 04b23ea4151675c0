import { type SQL, sql } from 'drizzle-orm'
import type { DocumentKind } from '../../../../contracts/invoices.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import type { RecordType } from '../../kernel/search/index.ts'
import { declaredFilters, facetCondition, listValues, searchText } from '../../kernel/search/list.ts'
import { type FieldDef, facetFilterValue, loadFieldDefs, rangeTypes } from '../custom-fields/index.ts'
import { type DocumentRow, visibleDocuments } from './documents.ts'
import { documentRecords, invoiceOnlyFilters } from './search.ts'

/**
 * The WHERE conditions of a document list from its query parameters: the kind, the member rule, the
 * record type's declared filters (status, client, currency, issue and due days, created, total and
 * balance ranges, overdue) and invoices' custom fields; bad values are one 400 naming each parameter.
 */
export async function documentListConditions(
  tx: Tx,
  ctx: Pick<ServiceContext, 'actor'>,
  kind: DocumentKind,
  q: Record<string, unknown>,
): Promise<{ conditions: SQL[]; search: string | null }> {
  const defs = needsFieldDefs(kind, q) ? await loadFieldDefs(tx, 'invoice') : []
  return listConditionsWith(ctx, kind, q, defs)
}

/** Whether a filter names custom fields (whose definitions are read first). */
export const needsFieldDefs = (kind: DocumentKind, q: Record<string, unknown>) =>
  kind === 'invoice' && Object.keys(q).some((k) => k.startsWith('cf.'))

/** `documentListConditions` with the custom field definitions given (none when no `cf.` is asked). */
export function listConditionsWith(
  ctx: Pick<ServiceContext, 'actor'>,
  kind: DocumentKind,
  q: Record<string, unknown>,
  defs: FieldDef[],
): { conditions: SQL[]; search: string | null } {
  const errors: FieldError[] = []
  const type = documentRecords[kind]
  if (kind !== 'invoice')
    for (const param of invoiceOnlyFilters)
      if (q[param] !== undefined && q[param] !== '')
        errors.push({ field: param, message: 'applies to invoices only' })
  const conditions = declaredFilters(type, { userId: ctx.actor.userId, seesAll: true }, q, errors)
  const search = searchText(q.q) || null
  // A search joins the matches of this kind's record type only, so it needs no kind condition, and
  // with no other condition it asks the index for just the page instead of its best thousand.
  if (search === null) conditions.unshift(sql`d.kind = ${kind}`)
  const vis = visibleDocuments(ctx)
  if (vis) conditions.push(vis)
  conditions.push(...customFieldFilters(type, q, defs, errors))
  if (errors.length) throw problems.validation(errors, 'The filter is not valid.')
  return { conditions, search }
}

/**
 * The columns a list page reads in its one statement, in forms both engines return alike (money as
 * float8, which holds every amount up to 10^15 exactly; days as text; instants as epoch milliseconds).
 */
export const listColumns = sql.raw(`d.id, d.workspace_id, d.kind, d.status, d.number, d.client_id,
  d.client_name, d.currency, d.base_currency, d.exchange_rate::text as exchange_rate,
  d.issue_date::text as issue_date, d.due_date::text as due_date, d.po_number, d.notes, d.terms,
  d.footer, d.discount, d.shipping::float8 as shipping, d.subtotal::float8 as subtotal,
  d.discount_total::float8 as discount_total, d.tax_total::float8 as tax_total,
  d.total::float8 as total, d.paid::float8 as paid, d.credited::float8 as credited,
  d.balance::float8 as balance, d.custom, d.quote_id, d.invoice_id, d.void_reason, d.accepted_by,
  d.decline_reason, ${['sent_at', 'viewed_at', 'accepted_at', 'declined_at', 'paid_at', 'voided_at', 'last_reminder_at', 'created_at', 'updated_at'].map((c) => `(extract(epoch from d.${c}) * 1000)::float8 as ${c}`).join(', ')}`)

export type ListRow = Record<string, unknown> & { id: string; v: string | Date | null }

const at = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)))
const num = (v: unknown) => Number(v)

/** A row read with `listColumns` as the stored document (the fields a summary shows). */
export function documentFromListRow(r: ListRow): DocumentRow {
  return {
    id: r.id,
    workspaceId: r.workspace_id as string,
    kind: r.kind as DocumentRow['kind'],
    status: r.status as string,
    number: r.number as string | null,
    clientId: r.client_id as string,
    clientName: r.client_name as string,
    currency: r.currency as string,
    baseCurrency: r.base_currency as string,
    exchangeRate: r.exchange_rate as string | null,
    issueDate: r.issue_date as string | null,
    dueDate: r.due_date as string | null,
    poNumber: r.po_number as string | null,
    notes: r.notes as string | null,
    terms: r.terms as string | null,
    footer: r.footer as string | null,
    discount: r.discount as DocumentRow['discount'],
    shipping: num(r.shipping),
    subtotal: num(r.subtotal),
    discountTotal: num(r.discount_total),
    taxTotal: num(r.tax_total),
    total: num(r.total),
    paid: num(r.paid),
    credited: num(r.credited),
    balance: num(r.balance),
    custom: (r.custom ?? {}) as Record<string, unknown>,
    quoteId: r.quote_id as string | null,
    invoiceId: r.invoice_id as string | null,
    voidReason: r.void_reason as string | null,
    acceptedBy: r.accepted_by as string | null,
    declineReason: r.decline_reason as string | null,
    viewTokenHash: null,
    snapshot: null,
    sentAt: at(r.sent_at),
    viewedAt: at(r.viewed_at),
    acceptedAt: at(r.accepted_at),
    declinedAt: at(r.declined_at),
    paidAt: at(r.paid_at),
    voidedAt: at(r.voided_at),
    lastReminderAt: at(r.last_reminder_at),
    createdBy: null,
    createdAt: at(r.created_at) as Date,
    updatedAt: at(r.updated_at) as Date,
  }
}

/** Custom field filters of invoices: `cf.<key>=a,b` (any of them) and `cf.<key>.min` / `.max` ranges. */
function customFieldFilters(
  type: RecordType,
  q: Record<string, unknown>,
  defs: FieldDef[],
  errors: FieldError[],
) {
  const conditions: SQL[] = []
  const byKey = new Map(defs.map((d) => [d.key, d]))
  for (const [param, raw] of Object.entries(q)) {
    if (!param.startsWith('cf.') || raw === undefined || raw === '') continue
    const m = /^cf\.([a-z][a-z0-9_]{0,39})(?:\.(min|max))?$/.exec(param)
    const def = m ? byKey.get(m[1]!) : undefined
    if (!m || !def) {
      errors.push({ field: param, message: 'is not a custom field of invoices' })
      continue
    }
    const values = listValues(raw).map((v) => facetFilterValue(def, v))
    if (!values.length || values.some((v) => v === null)) {
      errors.push({ field: param, message: 'is not a valid value for this field' })
      continue
    }
    if (m[2]) {
      if (!rangeTypes.includes(def.type))
        errors.push({ field: param, message: 'ranges apply to number, money and date fields' })
      else
        conditions.push(
          ...facetCondition(type, `cf.${def.key}`, [values[0]!], 'all', m[2] === 'min' ? '>=' : '<='),
        )
    } else conditions.push(...facetCondition(type, `cf.${def.key}`, values as string[], 'any'))
  }
  return conditions
}
