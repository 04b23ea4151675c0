import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type {
  OnlinePayment,
  OnlinePaymentListQuerySchema,
  OnlineRefund,
} from '../../../../contracts/payments.ts'
import { assertCan } from '../../kernel/access/index.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { decodeCursor, page } from '../../kernel/http/pagination.ts'
import { problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { visibleClientCondition } from '../clients/index.ts'
import { paypalDashboardUrl } from './paypal.ts'
import { onlinePayments, onlineRefunds } from './schema.ts'
import { stripeDashboardUrl } from './stripe.ts'

type Row = typeof onlinePayments.$inferSelect
type RefundRow = typeof onlineRefunds.$inferSelect

const iso = (d: Date | null) => d?.toISOString() ?? null

export function serializeRefund(r: RefundRow): OnlineRefund {
  return {
    id: r.id,
    onlinePaymentId: r.onlinePaymentId,
    gatewayRefundId: r.gatewayRefundId,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    reason: r.reason,
    paymentId: r.paymentId,
    createdAt: r.createdAt.toISOString(),
    confirmedAt: iso(r.confirmedAt),
  }
}

/** The payment in its gateway's dashboard: Stripe's PaymentIntent, PayPal's capture. */
export function dashboardUrl(
  r: Pick<Row, 'gateway' | 'gatewayPaymentId' | 'gatewayChargeId' | 'livemode'>,
): string | null {
  if (r.gateway === 'stripe')
    return r.gatewayPaymentId ? stripeDashboardUrl(r.gatewayPaymentId, r.livemode) : null
  return r.gatewayChargeId ? paypalDashboardUrl(r.gatewayChargeId, r.livemode) : null
}

export function serializeOnlinePayment(r: Row, refunds: RefundRow[]): OnlinePayment {
  return {
    id: r.id,
    gateway: r.gateway,
    invoiceId: r.invoiceId,
    invoiceNumber: r.invoiceNumber,
    clientId: r.clientId,
    status: r.status,
    amount: r.amount,
    amountReceived: r.amountReceived,
    amountRefunded: r.amountRefunded,
    currency: r.currency,
    fee: r.fee,
    net: r.net,
    feeCurrency: r.feeCurrency,
    gatewayPaymentId: r.gatewayPaymentId,
    gatewayChargeId: r.gatewayChargeId,
    paymentId: r.paymentId,
    disputeStatus: r.disputeStatus,
    failureMessage: r.failureMessage,
    dashboardUrl: dashboardUrl(r),
    livemode: r.livemode,
    paidAt: iso(r.paidAt),
    createdAt: r.createdAt.toISOString(),
    refunds: refunds.map(serializeRefund),
  }
}

async function refundsOf(tx: Tx, ids: string[]) {
  if (!ids.length) return new Map<string, RefundRow[]>()
  const rows = await tx
    .select()
    .from(onlineRefunds)
    .where(inArray(onlineRefunds.onlinePaymentId, ids))
    .orderBy(asc(onlineRefunds.createdAt))
  const by = new Map<string, RefundRow[]>()
  for (const r of rows) by.set(r.onlinePaymentId, [...(by.get(r.onlinePaymentId) ?? []), r])
  return by
}

/** One online payment (members: of the clients they see; others answer 404). */
export async function loadOnlinePayment(tx: Tx, ctx: ServiceContext, id: string, lock = false) {
  const q = tx
    .select()
    .from(onlinePayments)
    .where(and(eq(onlinePayments.id, id), visibleClientCondition(ctx, sql`${onlinePayments.clientId}`)))
  const [row] = lock ? await q.for('update') : await q
  if (!row) throw problems.notFound('Online payment')
  return row
}

export async function getOnlinePayment(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    const row = await loadOnlinePayment(tx, ctx, id)
    return serializeOnlinePayment(row, (await refundsOf(tx, [row.id])).get(row.id) ?? [])
  })
}

/**
 * The history of online payments, newest first: the workspace's, a client's or an invoice's (members:
 * the clients they see). Attempts that never reached the gateway's page are included as `pending`.
 */
export async function listOnlinePayments(
  ctx: ServiceContext,
  q: z.output<typeof OnlinePaymentListQuerySchema>,
) {
  assertCan(ctx.actor, 'invoices:read')
  const cursor = decodeCursor(q.cursor)
  if (q.cursor && !cursor) throw problems.badRequest('is not a cursor of this list', 'cursor')
  return withWorkspace(ctx, async (tx) => {
    const rows = await tx
      .select()
      .from(onlinePayments)
      .where(
        and(
          visibleClientCondition(ctx, sql`${onlinePayments.clientId}`),
          q.invoiceId ? eq(onlinePayments.invoiceId, q.invoiceId) : undefined,
          q.clientId ? eq(onlinePayments.clientId, q.clientId) : undefined,
          q.status ? eq(onlinePayments.status, q.status) : undefined,
          cursor
            ? sql`(${onlinePayments.createdAt}, ${onlinePayments.id}) < (${cursor.t}::timestamptz, ${cursor.id})`
            : undefined,
        ),
      )
      .orderBy(desc(onlinePayments.createdAt), desc(onlinePayments.id))
      .limit(q.limit + 1)
    const p = page(rows, q.limit)
    const refunds = await refundsOf(
      tx,
      p.data.map((r) => r.id),
    )
    return {
      data: p.data.map((r) => serializeOnlinePayment(r, refunds.get(r.id) ?? [])),
      nextCursor: p.nextCursor,
    }
  })
}
