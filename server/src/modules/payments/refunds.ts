import { and, eq, notInArray, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type { OnlineRefund, OnlineRefundRequestSchema } from '../../../../contracts/payments.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { Problem, problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { connectedGateway } from './connections.ts'
import type { PaymentsDeps } from './deps.ts'
import { loadOnlinePayment, serializeRefund } from './history.ts'
import { onlineRefunds } from './schema.ts'

const REFUNDABLE = new Set(['succeeded', 'partially_refunded', 'disputed'])

/**
 * A refund of an online payment, full (no amount) or partial, asked of the gateway with the refund's
 * own id as the idempotency key (a retry never refunds twice). It stays `pending` until the gateway's
 * webhook confirms it; only then is it recorded in the invoice payments and the balance opens again.
 */
export async function requestRefund(
  ctx: ServiceContext,
  deps: PaymentsDeps,
  onlinePaymentId: string,
  input: z.output<typeof OnlineRefundRequestSchema>,
): Promise<OnlineRefund> {
  assertCan(ctx.actor, 'payments:refund')
  const prepared = await withWorkspace(ctx, async (tx) => {
    const p = await loadOnlinePayment(tx, ctx, onlinePaymentId, true)
    if (!REFUNDABLE.has(p.status) || !p.gatewayPaymentId)
      throw problems.conflict(`A ${p.status} payment cannot be refunded.`, 'status')
    const [used] = await tx
      .select({ n: sql<string>`coalesce(sum(${onlineRefunds.amount}), 0)::text` })
      .from(onlineRefunds)
      .where(
        and(
          eq(onlineRefunds.onlinePaymentId, p.id),
          notInArray(onlineRefunds.status, ['failed', 'canceled']),
        ),
      )
    const left = p.amountReceived - Number(used?.n ?? 0)
    const amount = input?.amount ?? left
    if (left <= 0) throw problems.conflict('Everything paid is refunded or being refunded.', 'amount')
    if (amount > left)
      throw problems.badRequest(
        `is more than what is left to refund (${left} minor units of ${p.currency})`,
        'amount',
      )
    const found = await connectedGateway(tx, deps, p.gateway)
    if (!found) throw problems.conflict(`The ${p.gateway} gateway is no longer connected.`, 'gateway')
    const [refund] = await tx
      .insert(onlineRefunds)
      .values({
        id: newId('oref'),
        workspaceId: ctx.workspaceId,
        onlinePaymentId: p.id,
        amount,
        currency: p.currency,
        status: 'requested',
        reason: input?.reason ?? null,
        createdBy: ctx.actor.userId || null,
      })
      .returning()
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'online_payment.refund_requested',
      targetType: 'online_payment',
      targetId: p.id,
      targetLabel: `${p.gateway} payment for ${p.invoiceNumber ?? p.invoiceId}`,
      after: serializeRefund(refund!),
    })
    return { payment: p, refund: refund!, gateway: found.gateway }
  })
  const { payment, refund, gateway } = prepared
  try {
    const r = await gateway.refund({
      refundId: refund.id,
      onlinePaymentId: payment.id,
      gatewayPaymentId: payment.gatewayPaymentId!,
      gatewayChargeId: payment.gatewayChargeId,
      amount: refund.amount,
      currency: refund.currency,
      reason: refund.reason,
    })
    return withWorkspace(ctx, async (tx) => {
      // The webhook may have confirmed it already; a confirmed refund keeps its state.
      const [after] = await tx
        .update(onlineRefunds)
        .set({ gatewayRefundId: r.gatewayRefundId })
        .where(eq(onlineRefunds.id, refund.id))
        .returning()
      if (after!.status === 'requested') {
        const failed = r.status === 'failed' || r.status === 'canceled'
        const [moved] = await tx
          .update(onlineRefunds)
          .set({ status: failed ? (r.status as 'failed' | 'canceled') : 'pending' })
          .where(eq(onlineRefunds.id, refund.id))
          .returning()
        return serializeRefund(moved!)
      }
      return serializeRefund(after!)
    })
  } catch (err) {
    if (err instanceof Problem) throw err
    await withWorkspace(ctx, (tx) =>
      tx
        .update(onlineRefunds)
        .set({ status: 'failed' })
        .where(and(eq(onlineRefunds.id, refund.id), eq(onlineRefunds.status, 'requested'))),
    )
    throw new Problem({
      status: 502,
      type: 'gateway-error',
      title: 'Payment gateway error',
      detail: `The payment gateway refused the refund: ${gateway.message(err)}`,
    })
  }
}
