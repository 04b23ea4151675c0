import { and, eq, inArray, lt, sql } from 'drizzle-orm'
import type { DocumentKind } from '../../../../contracts/invoices.ts'
import { assertCan } from '../../kernel/access/index.ts'
import type { AuditMeta } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Database, Tx } from '../../kernel/db/index.ts'
import { entitlements } from '../../kernel/entitlements/index.ts'
import type { EventSink } from '../../kernel/events/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import { searchIndex } from '../../kernel/search/index.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { billingClient } from './documents.service.ts'
import {
  addDays,
  amounts,
  auditTransition,
  type Deps,
  type DocumentRow,
  loadDocument,
  loadLines,
  nounOf,
  ref,
  serializeDocument,
  today,
} from './documents.ts'
import { enqueueDocumentEmail, type SendEmailOptions } from './email.ts'
import { frozenLines, lineRows, totalsOf } from './lines.ts'
import { formatNumber, periodOf } from './numbering.ts'
import { documentLines, documents, numberCounters } from './schema.ts'
import { documentRecords } from './search.ts'
import { loadSettings, type Settings } from './settings.service.ts'
import { setViewToken } from './view-links.ts'

/**
 * The next number of a document type, taken in the caller's transaction: the counter row of the
 * workspace, type and period is created or incremented by one statement that holds its lock until the
 * transaction ends, so concurrent sends queue on it, numbers are consecutive, and a send that rolls
 * back leaves the counter as it was.
 */
export async function takeNumber(
  tx: Tx,
  workspaceId: string,
  kind: DocumentKind,
  issueDate: string,
  settings: Pick<Settings, 'numbering'>,
): Promise<string> {
  const n = settings.numbering[kind]
  const [row] = await tx
    .insert(numberCounters)
    .values({ workspaceId, kind, period: periodOf(n.reset, issueDate), value: 1 })
    .onConflictDoUpdate({
      target: [numberCounters.workspaceId, numberCounters.kind, numberCounters.period],
      set: { value: sql`${numberCounters.value} + 1` },
    })
    .returning({ value: numberCounters.value })
  return formatNumber(n.pattern, Number(row!.value), issueDate)
}

type Scope = { workspaceId: string; meta: AuditMeta }

/** Writes a document's new state, its audit entry and its search entry; returns the new row. */
async function transition(
  tx: Tx,
  scope: Scope,
  before: DocumentRow,
  action: string,
  set: Partial<typeof documents.$inferInsert>,
): Promise<DocumentRow> {
  const [after] = await tx
    .update(documents)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(documents.id, before.id))
    .returning()
  await auditTransition(tx, scope, action, before, after!, after!)
  if (set.number !== undefined) await searchIndex.update(tx, documentRecords[before.kind], [before.id])
  return after!
}

/**
 * What a document showed when it left draft, frozen: its own fields and lines, the seller's details,
 * template and colour, and the client's billing details. The PDF of a sent document is built from it.
 */
async function snapshotOf(tx: Tx, ctx: ServiceContext, d: DocumentRow, settings: Settings) {
  const client = await billingClient(tx, ctx, d.clientId)
  return {
    document: serializeDocument(d, await loadLines(tx, d.id)),
    seller: settings.legal,
    template: settings.template,
    brandColor: settings.brandColor,
    paymentInstructions: settings.paymentInstructions,
    buyer: client,
  }
}

/**
 * Sends a draft (quote, invoice) or issues a credit note: it gets its number, its issue date (today
 * unless set) and due or valid-until date (the client's or the workspace's terms), and a frozen
 * snapshot. The email that may carry it subscribes to the `*.sent` event.
 */
export async function finalise(
  tx: Tx,
  deps: Deps,
  ctx: ServiceContext,
  before: DocumentRow,
): Promise<DocumentRow> {
  if (before.status !== 'draft')
    throw problems.conflict(`This ${nounOf[before.kind].toLowerCase()} is not a draft.`, 'status')
  const count = await tx.$count(documentLines, eq(documentLines.documentId, before.id))
  if (!count) throw problems.badRequest('Add at least one line first.', 'lines')
  if (before.currency !== before.baseCurrency && !before.exchangeRate)
    throw problems.badRequest(
      `is required: the document is in ${before.currency}, the workspace’s base currency is ${before.baseCurrency}`,
      'exchangeRate',
    )
  const settings = await loadSettings(tx)
  const issueDate = before.issueDate ?? today()
  let dueDate = before.dueDate
  if (!dueDate && before.kind === 'invoice') {
    const client = await billingClient(tx, ctx, before.clientId)
    dueDate = addDays(issueDate, client.paymentTermsDays ?? settings.paymentTermsDays)
  }
  if (!dueDate && before.kind === 'quote') dueDate = addDays(issueDate, settings.quoteValidDays)
  const number = await takeNumber(tx, ctx.workspaceId, before.kind, issueDate, settings)
  const status = before.kind === 'credit_note' ? 'issued' : 'sent'
  const [numbered] = await tx
    .update(documents)
    .set({ number, issueDate, dueDate, status, sentAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(documents.id, before.id))
    .returning()
  const snapshot = await snapshotOf(tx, ctx, numbered!, settings)
  const after = await transition(tx, ctx, before, `${before.kind}.${status}`, { snapshot, number })
  if (after.kind === 'invoice')
    await deps.events.emit(tx, 'invoice.sent', ctx.workspaceId, { ...ref(after), ...amounts(after), dueDate })
  if (after.kind === 'quote')
    await deps.events.emit(tx, 'quote.sent', ctx.workspaceId, {
      ...ref(after),
      ...amounts(after),
      validUntil: dueDate,
    })
  return after
}

/**
 * Sends a draft quote or invoice: `finalise`, its view link, and, when asked (`email`, or a recipient
 * in `to`), the email carrying the link, enqueued in the same transaction.
 */
export async function sendDocument(
  deps: Deps,
  ctx: ServiceContext,
  kind: 'invoice' | 'quote',
  id: string,
  mail?: { jobs: Pick<Jobs, 'send'>; appUrl: string; options: SendEmailOptions },
) {
  assertCan(ctx.actor, 'invoices:write')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadDocument(tx, ctx, kind, id, true)
    const after = await finalise(tx, deps, ctx, before)
    // The view link is made with the send; its token reaches the client in the email.
    const token = await setViewToken(tx, id)
    if (mail) await enqueueDocumentEmail(tx, mail.jobs, ctx, mail.appUrl, after, token, mail.options)
    return serializeDocument(after, await loadLines(tx, id))
  })
}

/**
 * Records that the client saw a sent quote or invoice (its public page will call this): `viewed_at`
 * once, and the status moves from sent to viewed. Seeing it again changes nothing.
 */
export async function markViewed(deps: Deps, ctx: ServiceContext, kind: 'invoice' | 'quote', id: string) {
  assertCan(ctx.actor, 'invoices:write')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadDocument(tx, ctx, kind, id, true)
    if (before.status === 'draft') throw problems.conflict('A draft has not been sent yet.', 'status')
    let after = before
    if (!before.viewedAt) {
      after = await transition(tx, ctx, before, `${kind}.viewed`, {
        viewedAt: sql`now()` as never,
        ...(before.status === 'sent' ? { status: 'viewed' } : {}),
      })
      await deps.events.emit(tx, `${kind}.viewed`, ctx.workspaceId, ref(after))
    }
    return serializeDocument(after, await loadLines(tx, id))
  })
}

const OPEN = ['sent', 'viewed', 'overdue', 'partially_paid'] as const

/** Voids a sent invoice (owners and admins) with a reason; one with payments or credit notes cannot be. */
export async function voidInvoice(deps: Deps, ctx: ServiceContext, id: string, reason: string) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadDocument(tx, ctx, 'invoice', id, true)
    assertCan(ctx.actor, 'invoices:void')
    if (before.status === 'draft') throw problems.conflict('Delete a draft instead of voiding it.', 'status')
    if (!(OPEN as readonly string[]).includes(before.status))
      throw problems.conflict(`A ${before.status} invoice cannot be voided.`, 'status')
    if (before.paid !== 0 || before.credited !== 0)
      throw problems.conflict('Refund its payments and credit notes before voiding it.', 'status')
    const after = await transition(tx, ctx, before, 'invoice.voided', {
      status: 'void',
      voidReason: reason,
      voidedAt: sql`now()` as never,
    })
    await deps.events.emit(tx, 'invoice.voided', ctx.workspaceId, { ...ref(after), reason })
    return serializeDocument(after, await loadLines(tx, id))
  })
}

async function quoteStep(
  deps: Deps,
  ctx: ServiceContext,
  id: string,
  step: 'accepted' | 'declined',
  detail: string | null,
  check?: QuoteCheck,
) {
  assertCan(ctx.actor, 'invoices:write')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadDocument(tx, ctx, 'quote', id, true)
    check?.(before)
    if (before.status !== 'sent' && before.status !== 'viewed')
      throw problems.conflict(`A ${before.status} quote cannot be ${step}.`, 'status')
    if (before.dueDate && before.dueDate < today())
      throw problems.conflict('This quote has expired.', 'status')
    const after = await transition(
      tx,
      ctx,
      before,
      `quote.${step}`,
      step === 'accepted'
        ? { status: 'accepted', acceptedBy: detail, acceptedAt: sql`now()` as never }
        : { status: 'declined', declineReason: detail, declinedAt: sql`now()` as never },
    )
    if (step === 'accepted')
      await deps.events.emit(tx, 'quote.accepted', ctx.workspaceId, {
        ...ref(after),
        acceptedBy: detail ?? '',
      })
    else await deps.events.emit(tx, 'quote.declined', ctx.workspaceId, { ...ref(after), reason: detail })
    return serializeDocument(after, await loadLines(tx, id))
  })
}

/** Runs on the locked quote before the step, e.g. to check the view link it was reached by. */
export type QuoteCheck = (before: DocumentRow) => void

/** The client accepted the quote, typing their name. */
export const acceptQuote = (deps: Deps, ctx: ServiceContext, id: string, name: string, check?: QuoteCheck) =>
  quoteStep(deps, ctx, id, 'accepted', name, check)
export const declineQuote = (
  deps: Deps,
  ctx: ServiceContext,
  id: string,
  reason: string | null,
  check?: QuoteCheck,
) => quoteStep(deps, ctx, id, 'declined', reason, check)

/** An accepted quote becomes a draft invoice with the same lines (taxes as quoted); the quote is converted. */
export async function convertQuote(deps: Deps, ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'invoices:write')
  return withWorkspace(ctx, async (tx) => {
    const quote = await loadDocument(tx, ctx, 'quote', id, true)
    if (quote.status !== 'accepted')
      throw problems.conflict(
        `Only an accepted quote becomes an invoice; this one is ${quote.status}.`,
        'status',
      )
    await billingClient(tx, ctx, quote.clientId)
    await entitlements.assertWithin(tx, ctx.workspaceId, 'invoicesPerMonth')
    const settings = await loadSettings(tx)
    const invoiceId = newId('inv')
    const lines = frozenLines(await loadLines(tx, id))
    const totals = totalsOf(lines, quote.discount ?? null, quote.shipping)
    const [invoice] = await tx
      .insert(documents)
      .values({
        id: invoiceId,
        workspaceId: ctx.workspaceId,
        kind: 'invoice',
        status: 'draft',
        clientId: quote.clientId,
        clientName: quote.clientName,
        currency: quote.currency,
        baseCurrency: settings.baseCurrency,
        exchangeRate: quote.currency === settings.baseCurrency ? null : quote.exchangeRate,
        poNumber: quote.poNumber,
        notes: quote.notes,
        terms: quote.terms,
        footer: quote.footer,
        discount: quote.discount,
        shipping: quote.shipping,
        subtotal: totals.subtotal,
        discountTotal: totals.discount,
        taxTotal: totals.tax,
        total: totals.total,
        quoteId: quote.id,
        createdBy: ctx.actor.userId,
      })
      .returning()
    await tx.insert(documentLines).values(lineRows(ctx.workspaceId, invoiceId, lines, totals))
    await searchIndex.update(tx, documentRecords.invoice, [invoiceId], { created: [invoiceId] })
    await auditTransition(tx, ctx, 'invoice.created', null, invoice!, invoice!)
    await deps.events.emit(tx, 'invoice.created', ctx.workspaceId, ref(invoice!))
    const after = await transition(tx, ctx, quote, 'quote.converted', { status: 'converted', invoiceId })
    await deps.events.emit(tx, 'quote.converted', ctx.workspaceId, { ...ref(after), invoiceId })
    return serializeDocument(invoice!, await loadLines(tx, invoiceId))
  })
}

/**
 * An invoice's status after its paid or credited amount changed: paid at a zero balance, partially
 * paid when something came in, else sent, viewed or overdue as before. Emits the event of the change.
 */
export async function settleInvoice(
  tx: Tx,
  events: EventSink,
  scope: Scope,
  before: DocumentRow,
  action: string,
) {
  const [fresh] = await tx.select().from(documents).where(eq(documents.id, before.id))
  const d = fresh!
  let status = d.status
  if (d.status !== 'draft' && d.status !== 'void') {
    if (d.balance <= 0) status = 'paid'
    else if (d.paid > 0 || d.credited > 0) status = 'partially_paid'
    else if (d.dueDate && d.dueDate < today()) status = 'overdue'
    else status = d.viewedAt ? 'viewed' : 'sent'
  }
  const after = await transition(tx, scope, before, action, {
    status,
    paidAt: status === 'paid' ? (d.paidAt ?? (sql`now()` as never)) : null,
  })
  if (status !== before.status) {
    if (status === 'paid')
      await events.emit(tx, 'invoice.paid', scope.workspaceId, { ...ref(after), ...amounts(after) })
    else if (status === 'partially_paid')
      await events.emit(tx, 'invoice.partially_paid', scope.workspaceId, { ...ref(after), ...amounts(after) })
    else if (before.status === 'paid' || before.status === 'partially_paid')
      await events.emit(tx, 'invoice.reopened', scope.workspaceId, { ...ref(after), ...amounts(after) })
  }
  return after
}

const SYSTEM: AuditMeta = {
  actorId: null,
  actorLabel: 'system',
  ipAddress: null,
  userAgent: null,
  requestId: null,
}

/**
 * The scheduled sweep: sent or viewed invoices past their due date with a balance become overdue, and
 * sent or viewed quotes past their valid-until date expire. The scan runs as the owner across
 * workspaces (invoice_documents has row-level security enabled, not forced, for this); each document
 * then changes inside its own workspace transaction, re-checked under lock, so concurrent sweeps change
 * it once. Returns how many changed.
 */
export async function sweepDueDocuments(database: Pick<Database, 'db'>, events: EventSink, batch = 500) {
  const day = today()
  const due = await database.db
    .select({ id: documents.id, workspaceId: documents.workspaceId, kind: documents.kind })
    .from(documents)
    .where(
      and(
        inArray(documents.status, ['sent', 'viewed']),
        inArray(documents.kind, ['invoice', 'quote']),
        lt(documents.dueDate, day),
        sql`(${documents.kind} = 'quote' or ${documents.total} - ${documents.paid} - ${documents.credited} > 0)`,
      ),
    )
    .limit(batch)
  let changed = 0
  for (const { id, workspaceId, kind } of due) {
    const done = await withWorkspace({ db: database.db, workspaceId }, async (tx) => {
      const [before] = await tx.select().from(documents).where(eq(documents.id, id)).for('update')
      if (!before || !['sent', 'viewed'].includes(before.status) || !before.dueDate || before.dueDate >= day)
        return false
      const scope = { workspaceId, meta: SYSTEM }
      if (kind === 'invoice') {
        if (before.balance <= 0) return false
        const after = await transition(tx, scope, before, 'invoice.overdue', { status: 'overdue' })
        await events.emit(tx, 'invoice.overdue', workspaceId, {
          ...ref(after),
          ...amounts(after),
          dueDate: after.dueDate!,
        })
      } else {
        const after = await transition(tx, scope, before, 'quote.expired', { status: 'expired' })
        await events.emit(tx, 'quote.expired', workspaceId, ref(after))
      }
      return true
    })
    if (done) changed++
  }
  return changed
}
