import { and, eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { type Deps, loadDocument } from './documents.ts'
import { applyPayment, applyRefund, lockClientCredit } from './payments.ts'
import { documents, payments } from './schema.ts'
import { byToken, hashToken } from './view-links.ts'

/**
 * What a payment gateway needs of invoices, in the caller's transaction: the invoice to pay, and
 * recording the money the gateway confirms (received, refunded). The gateway's ids are unique per
 * workspace, so recording the same gateway payment twice records it once.
 */
export type PaymentTarget = {
  id: string
  number: string | null
  clientId: string
  clientName: string
  currency: string
  total: number
  balance: number
  status: string
}

/** The invoice a payment is for, as the context sees it (another's, or a member's unseen client's: 404). */
export async function paymentTarget(
  tx: Tx,
  ctx: Pick<ServiceContext, 'actor'>,
  invoiceId: string,
  lock = false,
): Promise<PaymentTarget> {
  const d = await loadDocument(tx, ctx, 'invoice', invoiceId, lock)
  return {
    id: d.id,
    number: d.number,
    clientId: d.clientId,
    clientName: d.clientName,
    currency: d.currency,
    total: d.total,
    balance: d.balance,
    status: d.status,
  }
}

/** The invoice behind a view link (a quote's link, unknown and revoked tokens: 404). */
export async function invoiceByViewToken(db: Db, token: string) {
  const found = await byToken(db, token)
  if (found.kind !== 'invoice') throw problems.notFound('Invoice')
  return { workspaceId: found.workspaceId, invoiceId: found.id, tokenHash: hashToken(token) }
}

/** Whether an invoice's view link is still this token (checked inside the workspace). */
export async function viewTokenMatches(tx: Tx, invoiceId: string, tokenHash: string) {
  const [row] = await tx
    .select({ id: documents.id })
    .from(documents)
    .where(and(eq(documents.id, invoiceId), eq(documents.viewTokenHash, tokenHash)))
  return !!row
}

export type GatewayPaymentInput = {
  invoiceId: string
  gateway: string
  gatewayPaymentId: string
  amount: number
  currency: string
  paidOn: string
  fee: number | null
  reference: string | null
  data: Record<string, unknown>
}

/**
 * Records money a gateway confirms received for an invoice. It is applied up to the invoice's balance;
 * the rest (the invoice was paid another way meanwhile, or voided) becomes the client's credit — money
 * received is never refused. Returns null when this gateway payment is already recorded.
 */
export async function recordGatewayPayment(
  tx: Tx,
  deps: Deps,
  ctx: ServiceContext,
  input: GatewayPaymentInput,
) {
  const [existing] = await tx
    .select({ id: payments.id })
    .from(payments)
    .where(and(eq(payments.gateway, input.gateway), eq(payments.gatewayPaymentId, input.gatewayPaymentId)))
  if (existing) return null
  const invoice = await loadDocument(tx, ctx, 'invoice', input.invoiceId, true)
  if (input.currency !== invoice.currency)
    throw problems.conflict(
      `The payment is in ${input.currency}, the invoice in ${invoice.currency}.`,
      'currency',
    )
  await lockClientCredit(tx, invoice.clientId)
  const open = invoice.status !== 'draft' && invoice.status !== 'void'
  const applied = open ? Math.min(input.amount, Math.max(invoice.balance, 0)) : 0
  return applyPayment(tx, deps, ctx, invoice, {
    clientId: invoice.clientId,
    method: input.gateway,
    amount: input.amount,
    applied,
    credit: input.amount - applied,
    currency: input.currency,
    paidOn: input.paidOn,
    reference: input.reference,
    gateway: input.gateway,
    gatewayPaymentId: input.gatewayPaymentId,
    gatewayFee: input.fee,
    gatewayData: input.data,
  })
}

export type GatewayRefundInput = {
  /** The invoice payment refunded (`pay_…`, as `recordGatewayPayment` returned it). */
  paymentId: string
  gateway: string
  /** The gateway's id of the refund (or of a lost dispute). */
  gatewayRefundId: string
  amount: number
  refundedOn: string
  reference: string | null
  data: Record<string, unknown>
}

/**
 * Records money a gateway confirms given back (a refund, a lost dispute): first what the payment paid
 * on its invoice (whose balance opens again), then its credit. The money is gone whatever the credit
 * says, so it is never refused. Returns null when this gateway refund is already recorded.
 */
export async function recordGatewayRefund(
  tx: Tx,
  deps: Deps,
  ctx: ServiceContext,
  input: GatewayRefundInput,
) {
  const [existing] = await tx
    .select({ id: payments.id })
    .from(payments)
    .where(and(eq(payments.gateway, input.gateway), eq(payments.gatewayPaymentId, input.gatewayRefundId)))
  if (existing) return null
  const [p] = await tx.select().from(payments).where(eq(payments.id, input.paymentId)).for('update')
  if (!p) throw problems.notFound('Payment')
  await lockClientCredit(tx, p.clientId)
  const [done] = await tx
    .select({ applied: sql<string>`coalesce(sum(${payments.applied}), 0)::text` })
    .from(payments)
    .where(eq(payments.refundOf, p.id))
  const fromInvoice = Math.max(0, Math.min(input.amount, p.applied + Number(done?.applied ?? 0)))
  const invoice =
    p.invoiceId && fromInvoice ? await loadDocument(tx, ctx, 'invoice', p.invoiceId, true) : null
  return applyRefund(tx, deps, ctx, p, invoice, {
    amount: input.amount,
    fromInvoice,
    paidOn: input.refundedOn,
    reference: input.reference,
    gateway: input.gateway,
    gatewayPaymentId: input.gatewayRefundId,
    gatewayData: input.data,
  })
}
