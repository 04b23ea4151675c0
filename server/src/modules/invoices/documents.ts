import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm'
import type { DocumentKind } from '../../../../contracts/invoices.ts'
import type { AuditMeta } from '../../kernel/audit/index.ts'
import { record } from '../../kernel/audit/index.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { EventSink } from '../../kernel/events/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { visibleClientCondition } from '../clients/index.ts'
import { trimPercent } from './catalog.service.ts'
import { documentLines, documents } from './schema.ts'

/** What services that write documents need of the kernel (the seed passes a no-op event sink). */
export type Deps = { events: EventSink }

export type DocumentRow = typeof documents.$inferSelect
export type LineRowStored = typeof documentLines.$inferSelect

export const prefixOf: Record<DocumentKind, string> = { invoice: 'inv', quote: 'quo', credit_note: 'crn' }
export const nounOf: Record<DocumentKind, string> = {
  invoice: 'Invoice',
  quote: 'Quote',
  credit_note: 'Credit note',
}

/** Today's date in UTC, `YYYY-MM-DD`. */
export const today = () => new Date().toISOString().slice(0, 10)
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

const iso = (d: Date | null) => d?.toISOString() ?? null

export function serializeLine(l: LineRowStored) {
  return {
    id: l.id,
    productId: l.productId,
    description: l.description,
    quantity: trimPercent(l.quantity),
    unit: l.unit,
    unitCode: l.unitCode,
    unitPrice: l.unitPrice,
    discount: l.discount ?? null,
    amount: l.amount,
    lineDiscount: l.lineDiscount,
    documentDiscount: l.documentDiscount,
    net: l.net,
    tax: l.tax,
    total: l.total,
    taxes: l.taxes,
    creditedLineId: l.creditedLineId,
  }
}

export function serializeSummary(d: DocumentRow) {
  return {
    id: d.id,
    kind: d.kind,
    number: d.number,
    status: d.status,
    client: { id: d.clientId, name: d.clientName },
    currency: d.currency,
    exchangeRate: d.exchangeRate === null ? null : trimPercent(d.exchangeRate),
    baseCurrency: d.baseCurrency,
    issueDate: d.issueDate,
    dueDate: d.dueDate,
    poNumber: d.poNumber,
    notes: d.notes,
    terms: d.terms,
    footer: d.footer,
    discount: d.discount ?? null,
    shipping: d.shipping,
    subtotal: d.subtotal,
    discountTotal: d.discountTotal,
    taxTotal: d.taxTotal,
    total: d.total,
    paid: d.paid,
    credited: d.credited,
    balance: d.kind === 'invoice' && d.status !== 'void' ? d.balance : 0,
    custom: d.custom,
    quoteId: d.quoteId,
    invoiceId: d.invoiceId,
    voidReason: d.voidReason,
    acceptedBy: d.acceptedBy,
    declineReason: d.declineReason,
    sentAt: iso(d.sentAt),
    viewedAt: iso(d.viewedAt),
    acceptedAt: iso(d.acceptedAt),
    paidAt: iso(d.paidAt),
    voidedAt: iso(d.voidedAt),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  }
}

export function serializeDocument(d: DocumentRow, lines: readonly LineRowStored[]) {
  const summary = new Map<
    string,
    { taxRateId: string; name: string; percent: string; base: number; amount: number }
  >()
  for (const l of lines) {
    let before = 0
    for (const t of l.taxes) {
      const base = t.compound ? l.net + before : l.net
      const row = summary.get(t.taxRateId) ?? {
        taxRateId: t.taxRateId,
        name: t.name,
        percent: t.percent,
        base: 0,
        amount: 0,
      }
      row.base += base
      row.amount += t.amount
      summary.set(t.taxRateId, row)
      before += t.amount
    }
  }
  return { ...serializeSummary(d), lines: lines.map(serializeLine), taxSummary: [...summary.values()] }
}
export type DocumentView = ReturnType<typeof serializeDocument>

/** The fields an audit entry shows for a document, so diffs read naturally. */
export function auditView(d: Partial<DocumentRow>, lineCount?: number): Record<string, unknown> {
  return {
    status: d.status,
    number: d.number,
    clientId: d.clientId,
    currency: d.currency,
    exchangeRate: d.exchangeRate,
    issueDate: d.issueDate,
    dueDate: d.dueDate,
    poNumber: d.poNumber,
    discount: d.discount,
    shipping: d.shipping,
    total: d.total,
    paid: d.paid,
    credited: d.credited,
    voidReason: d.voidReason,
    acceptedBy: d.acceptedBy,
    custom: d.custom,
    ...(lineCount === undefined ? {} : { lines: lineCount }),
  }
}

/** The member-visibility rule on documents: those of the clients the actor may see. */
export const visibleDocuments = (ctx: Pick<ServiceContext, 'actor'>, alias = 'd'): SQL | undefined =>
  visibleClientCondition(ctx, sql`${sql.identifier(alias)}.client_id`)

/** A document of this kind the actor may see (404 otherwise), locked for update when asked. */
export async function loadDocument(
  tx: Tx,
  ctx: Pick<ServiceContext, 'actor'>,
  kind: DocumentKind,
  id: string,
  lock = false,
): Promise<DocumentRow> {
  const vis = visibleClientCondition(ctx, sql`${documents.clientId}`)
  const q = tx
    .select()
    .from(documents)
    .where(and(eq(documents.id, id), eq(documents.kind, kind), vis))
  const [row] = lock ? await q.for('update') : await q
  if (!row) throw problems.notFound(nounOf[kind])
  return row
}

export async function loadLines(tx: Tx, documentId: string): Promise<LineRowStored[]> {
  return tx
    .select()
    .from(documentLines)
    .where(eq(documentLines.documentId, documentId))
    .orderBy(asc(documentLines.position))
}

export async function loadDocuments(tx: Tx, ids: readonly string[]): Promise<DocumentRow[]> {
  if (!ids.length) return []
  const rows = await tx
    .select()
    .from(documents)
    .where(inArray(documents.id, [...ids]))
  const byId = new Map(rows.map((r) => [r.id, r]))
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []))
}

/** Writes a document's transition: the audit entry, in the caller's transaction. */
export async function auditTransition(
  tx: Tx,
  scope: { workspaceId: string; meta: AuditMeta },
  action: string,
  before: Partial<DocumentRow> | null,
  after: Partial<DocumentRow> | null,
  label: { id: string; kind: DocumentKind; number: string | null; clientName: string },
) {
  await record(tx, scope.workspaceId, scope.meta, {
    action,
    targetType: label.kind,
    targetId: label.id,
    targetLabel: label.number ?? `Draft ${nounOf[label.kind].toLowerCase()} for ${label.clientName}`,
    before: before ? auditView(before) : null,
    after: after ? auditView(after) : null,
  })
}

export const ref = (d: DocumentRow) => ({ documentId: d.id, clientId: d.clientId, number: d.number })
export const amounts = (d: DocumentRow) => ({ total: d.total, balance: d.balance, currency: d.currency })
