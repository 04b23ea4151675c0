import { and, desc, eq, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type {
  CreatePaymentSchema,
  PaymentListQuerySchema,
  RefundSchema,
} from '../../../../contracts/invoices.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { decodeCursor, page } from '../../kernel/http/pagination.ts'
import { problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { visibleClientCondition } from '../clients/index.ts'
import { billingClient } from './documents.service.ts'
import { type Deps, type DocumentRow, loadDocument } from './documents.ts'
import { settleInvoice } from './lifecycle.ts'
import { documents, payments } from './schema.ts'

type Payment = typeof payments.$inferSelect

export function serializePayment(p: Payment) {
  return {
    id: p.id,
    kind: p.kind,
    clientId: p.clientId,
    invoiceId: p.invoiceId,
    creditNoteId: p.creditNoteId,
    refundOf: p.refundOf,
    method: p.method,
    status: p.status,
    amount: p.amount,
    applied: p.applied,
    credit: p.credit,
    currency: p.currency,
    paidOn: p.paidOn,
    reference: p.reference,
    notes: p.notes,
    gateway: p.gateway,
    gatewayPaymentId: p.gatewayPaymentId,
    gatewayFee: p.gatewayFee,
    createdAt: p.createdAt.toISOString(),
  }
}

/** Serialises credit changes of one client: the credit checked is the credit spent. */
export const lockClientCredit = (tx: Tx, clientId: string) =>
  tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`credit:${clientId}`}, 0))`)

/** The client's credit in a currency: Σ of its payments' credit effects. */
async function creditOf(tx: Tx, clientId: string, currency: string): Promise<number> {
  const [r] = await tx
    .select({ n: sql<string>`coalesce(sum(${payments.credit}), 0)::text` })
    .from(payments)
    .where(and(eq(payments.clientId, clientId), eq(payments.currency, currency)))
  return Number(r?.n ?? 0)
}

const fmt = (n: number, c: string) => `${n} minor units of ${c}`

async function audit(tx: Tx, ctx: ServiceContext, action: string, p: Payment, label: string) {
  await record(tx, ctx.workspaceId, ctx.meta, {
    action,
    targetType: 'payment',
    targetId: p.id,
    targetLabel: label,
    after: serializePayment(p),
  })
}

/**
 * Records a payment received by hand. On an invoice: in its currency, up to its balance, or above it
 * with `keepExcessAsCredit` (the rest becomes the client's credit); `credit` pays from that credit.
 * Without an invoice: a prepayment, all of it credit. The invoice's paid amount and status follow.
 */
export async function recordPayment(
  deps: Deps,
  ctx: ServiceContext,
  input: z.output<typeof CreatePaymentSchema>,
) {
  assertCan(ctx.actor, 'payments:write')
  return withWorkspace(ctx, async (tx) => {
    let invoice: DocumentRow | null = null
    let clientId: string
    let currency: string
    if (input.invoiceId) {
      try {
        invoice = await loadDocument(tx, ctx, 'invoice', input.invoiceId, true)
      } catch {
        throw problems.badRequest(`${input.invoiceId} is not an invoice you can see`, 'invoiceId')
      }
      if (input.clientId && input.clientId !== invoice.clientId)
        throw problems.badRequest('is not the invoice’s client', 'clientId')
      if (invoice.status === 'draft' || invoice.status === 'void')
        throw problems.conflict(`A ${invoice.status} invoice takes no payment.`, 'invoiceId')
      clientId = invoice.clientId
      currency = invoice.currency
      if (input.currency && input.currency !== currency)
        throw problems.badRequest(`must be the invoice’s currency, ${currency}`, 'currency')
    } else {
      if (!input.clientId) throw problems.badRequest('is required without an invoice', 'clientId')
      const client = await billingClient(tx, ctx, input.clientId)
      clientId = client.id
      currency = input.currency ?? client.currency ?? ''
      if (!currency) throw problems.badRequest('is required for a client without a currency', 'currency')
      if (input.method === 'credit') throw problems.badRequest('pays an invoice from credit', 'method')
    }
    await lockClientCredit(tx, clientId)
    let applied = 0
    let credit = 0
    const balance = invoice ? Math.max(invoice.balance, 0) : 0
    if (!invoice) credit = input.amount
    else if (input.method === 'credit') {
      const available = await creditOf(tx, clientId, currency)
      if (input.amount > available)
        throw problems.badRequest(`is more than the client’s credit (${fmt(available, currency)})`, 'amount')
      if (input.amount > balance)
        throw problems.badRequest(`is more than the balance (${fmt(balance, currency)})`, 'amount')
      applied = input.amount
      credit = -input.amount
    } else if (input.amount <= balance) applied = input.amount
    else if (input.keepExcessAsCredit) {
      applied = balance
      credit = input.amount - balance
    } else
      throw problems.badRequest(
        `is more than the balance (${fmt(balance, currency)}); set keepExcessAsCredit to keep the rest as credit`,
        'amount',
      )
    return applyPayment(tx, deps, ctx, invoice, {
      clientId,
      method: input.method,
      amount: input.amount,
      applied,
      credit,
      currency,
      paidOn: input.paidOn,
      reference: input.reference,
      notes: input.notes,
    })
  })
}

type PaymentValues = Omit<typeof payments.$inferInsert, 'id' | 'workspaceId' | 'kind' | 'invoiceId'>

/**
 * The one write of money received, by hand or through a gateway: the payment row, its audit entry,
 * the invoice's paid amount and status (`applied`), and `payment.recorded`. Checks are the caller's.
 */
export async function applyPayment(
  tx: Tx,
  deps: Deps,
  ctx: ServiceContext,
  invoice: DocumentRow | null,
  values: PaymentValues,
) {
  const [p] = await tx
    .insert(payments)
    .values({
      ...values,
      id: newId('pay'),
      workspaceId: ctx.workspaceId,
      kind: 'payment',
      invoiceId: invoice?.id ?? null,
      createdBy: ctx.actor.userId || null,
    })
    .returning()
  const via = p!.gateway ? ` (${p!.gateway})` : ''
  await audit(
    tx,
    ctx,
    'payment.recorded',
    p!,
    `${fmt(p!.amount, p!.currency)}${invoice ? ` on ${invoice.number ?? invoice.id}` : ''}${via}`,
  )
  if (invoice && p!.applied) {
    await tx
      .update(documents)
      .set({ paid: sql`${documents.paid} + ${p!.applied}` })
      .where(eq(documents.id, invoice.id))
    await settleInvoice(tx, deps.events, ctx, invoice, 'invoice.payment_applied')
  }
  await deps.events.emit(tx, 'payment.recorded', ctx.workspaceId, {
    paymentId: p!.id,
    clientId: p!.clientId,
    invoiceId: p!.invoiceId,
    amount: p!.amount,
    currency: p!.currency,
    method: p!.method,
  })
  return serializePayment(p!)
}

async function loadPayment(tx: Tx, ctx: ServiceContext, id: string, lock = false) {
  const q = tx
    .select()
    .from(payments)
    .where(and(eq(payments.id, id), visibleClientCondition(ctx, sql`${payments.clientId}`)))
  const [row] = lock ? await q.for('update') : await q
  if (!row) throw problems.notFound('Payment')
  return row
}

/**
 * Refunds part or all of a payment (owners and admins): first what it paid on its invoice (whose
 * balance opens again), then what it left as credit, as far as that credit is unspent.
 */
export async function refundPayment(
  deps: Deps,
  ctx: ServiceContext,
  id: string,
  input: z.output<typeof RefundSchema>,
) {
  assertCan(ctx.actor, 'payments:write')
  return withWorkspace(ctx, async (tx) => {
    const p = await loadPayment(tx, ctx, id, true)
    assertCan(ctx.actor, 'payments:refund')
    if (p.kind !== 'payment' || p.method === 'credit' || p.method === 'credit_note')
      throw problems.conflict('Only money received can be refunded.', 'id')
    await lockClientCredit(tx, p.clientId)
    const [done] = await tx
      .select({
        amount: sql<string>`coalesce(sum(${payments.amount}), 0)::text`,
        applied: sql<string>`coalesce(sum(${payments.applied}), 0)::text`,
      })
      .from(payments)
      .where(eq(payments.refundOf, p.id))
    const left = p.amount - Number(done?.amount ?? 0)
    if (input.amount > left)
      throw problems.badRequest(`is more than what is left to refund (${fmt(left, p.currency)})`, 'amount')
    const fromInvoice = Math.min(input.amount, p.applied + Number(done?.applied ?? 0))
    const fromCredit = input.amount - fromInvoice
    if (fromCredit > 0) {
      const available = await creditOf(tx, p.clientId, p.currency)
      if (fromCredit > available)
        throw problems.badRequest(
          `is more than the client’s unspent credit (${fmt(available, p.currency)})`,
          'amount',
        )
    }
    const invoice =
      p.invoiceId && fromInvoice ? await loadDocument(tx, ctx, 'invoice', p.invoiceId, true) : null
    return applyRefund(tx, deps, ctx, p, invoice, {
      amount: input.amount,
      fromInvoice,
      paidOn: input.refundedOn,
      reference: input.reference,
      notes: input.notes,
    })
  })
}

/**
 * The one write of money given back, by hand or through a gateway: the refund row (`fromInvoice` off
 * the invoice, the rest off the client's credit), its audit entry, the invoice's paid amount and
 * status, and `payment.refunded`. Checks are the caller's; `invoice` is the locked invoice when
 * `fromInvoice` is not zero.
 */
export async function applyRefund(
  tx: Tx,
  deps: Deps,
  ctx: ServiceContext,
  p: Payment,
  invoice: DocumentRow | null,
  r: {
    amount: number
    fromInvoice: number
    paidOn: string
    reference: string | null
    notes?: string | null
    gateway?: string
    gatewayPaymentId?: string
    gatewayData?: Record<string, unknown>
  },
) {
  const { fromInvoice, ...values } = r
  const [row] = await tx
    .insert(payments)
    .values({
      ...values,
      id: newId('pay'),
      workspaceId: ctx.workspaceId,
      kind: 'refund',
      clientId: p.clientId,
      invoiceId: p.invoiceId,
      refundOf: p.id,
      method: p.method,
      applied: -fromInvoice,
      credit: -(r.amount - fromInvoice),
      currency: p.currency,
      createdBy: ctx.actor.userId || null,
    })
    .returning()
  const via = r.gateway ? ` (${r.gateway})` : ''
  await audit(tx, ctx, 'payment.refunded', row!, `Refund of ${fmt(row!.amount, p.currency)}${via}`)
  if (invoice) {
    await tx
      .update(documents)
      .set({ paid: sql`${documents.paid} - ${fromInvoice}` })
      .where(eq(documents.id, invoice.id))
    await settleInvoice(tx, deps.events, ctx, invoice, 'invoice.payment_refunded')
  }
  await deps.events.emit(tx, 'payment.refunded', ctx.workspaceId, {
    paymentId: p.id,
    refundId: row!.id,
    clientId: p.clientId,
    invoiceId: p.invoiceId,
    amount: row!.amount,
    currency: p.currency,
  })
  return serializePayment(row!)
}

export async function getPayment(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => serializePayment(await loadPayment(tx, ctx, id)))
}

export async function listPayments(ctx: ServiceContext, q: z.output<typeof PaymentListQuerySchema>) {
  assertCan(ctx.actor, 'invoices:read')
  const cursor = decodeCursor(q.cursor)
  return withWorkspace(ctx, async (tx) => {
    const rows = await tx
      .select()
      .from(payments)
      .where(
        and(
          visibleClientCondition(ctx, sql`${payments.clientId}`),
          q.invoiceId ? eq(payments.invoiceId, q.invoiceId) : undefined,
          q.clientId ? eq(payments.clientId, q.clientId) : undefined,
          cursor
            ? sql`(${payments.createdAt}, ${payments.id}) < (${cursor.t}::timestamptz, ${cursor.id})`
            : undefined,
        ),
      )
      .orderBy(desc(payments.createdAt), desc(payments.id))
      .limit(q.limit + 1)
    const p = page(rows, q.limit)
    return { data: p.data.map(serializePayment), nextCursor: p.nextCursor }
  })
}

/** A client's credit per currency (prepayments, overpayments and credit notes, less what was spent). */
export async function clientCredit(ctx: ServiceContext, clientId: string) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    const client = await billingClient(tx, ctx, clientId)
    const rows = await tx
      .select({ currency: payments.currency, amount: sql<string>`sum(${payments.credit})::text` })
      .from(payments)
      .where(eq(payments.clientId, client.id))
      .groupBy(payments.currency)
      .orderBy(payments.currency)
    return {
      clientId: client.id,
      credit: rows
        .map((r) => ({ currency: r.currency, amount: Number(r.amount) }))
        .filter((r) => r.amount !== 0),
    }
  })
}
