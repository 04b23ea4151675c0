import { and, eq, or, sql } from 'drizzle-orm'
import type { Gateway } from '../../../../contracts/payments.ts'
import type { AuditMeta } from '../../kernel/audit/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Db, Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { Problem, problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { recordGatewayPayment, recordGatewayRefund } from '../invoices/index.ts'
import { connectedGateway } from './connections.ts'
import type { PaymentsDeps } from './deps.ts'
import { BadSignature, type GatewayEvent, type PaymentGateway, type PaymentState } from './gateway.ts'
import { gatewayEvents, onlinePayments, onlineRefunds } from './schema.ts'

type Row = typeof onlinePayments.$inferSelect

export type WebhookResult = { received: true; duplicate: boolean; outcome: string }

const day = (d: Date | null) => (d ?? new Date()).toISOString().slice(0, 10)

/**
 * A gateway's webhook for one workspace: verified with that workspace's signing secret (a bad or
 * missing signature answers 400 and changes nothing), then taken exactly once: the event's id is
 * stored in the transaction that applies its effect, and a repeated delivery answers 200 and changes
 * nothing. The effect is not read from the event but from the payment as the gateway holds it now
 * (`paymentState`), merged with what Atrium has recorded without ever going back (a refund or a
 * dispute's end stays), so events that arrive late, twice or out of order end in the same state.
 */
export async function handleWebhook(
  db: Db,
  deps: PaymentsDeps,
  gatewayName: Gateway,
  workspaceId: string,
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
  meta: AuditMeta,
): Promise<WebhookResult> {
  const scope = { db, workspaceId }
  const found = await withWorkspace(scope, (tx) => connectedGateway(tx, deps, gatewayName))
  if (!found) throw problems.notFound('Webhook endpoint')
  const handles = found.gateway.handles
  let event: GatewayEvent
  try {
    event = await found.gateway.verify(rawBody, headers)
  } catch (err) {
    if (err instanceof BadSignature)
      throw problems.badRequest(`The signature does not verify: ${err.message}`, found.gateway.signatureField)
    // The gateway could not be asked (PayPal verifies by a call): not taken, it delivers again.
    throw unavailable(found.gateway.message(err), 'verify the event')
  }
  const seen = await withWorkspace(scope, async (tx) => {
    const [row] = await tx
      .select({ outcome: gatewayEvents.outcome })
      .from(gatewayEvents)
      .where(and(eq(gatewayEvents.gateway, gatewayName), eq(gatewayEvents.eventId, event.id)))
    return row ?? null
  })
  if (seen) return { received: true, duplicate: true, outcome: seen.outcome }

  const ctx: ServiceContext = {
    db,
    workspaceId,
    actor: { userId: '', role: 'owner' },
    meta: { ...meta, actorId: null, actorLabel: `${gatewayName} (webhook)` },
  }
  // Which of our payments it is about: by our id in the metadata, else by the gateway's ids.
  let target = handles.has(event.type)
    ? await withWorkspace(scope, (tx) => findPayment(tx, gatewayName, event))
    : null
  let state: PaymentState | null = null
  const paymentId = event.gatewayPaymentId ?? target?.gatewayPaymentId ?? null
  if (handles.has(event.type) && paymentId) {
    try {
      state = await found.gateway.paymentState(paymentId)
    } catch (err) {
      // Not taken: the gateway delivers the event again later.
      throw unavailable(found.gateway.message(err), 'read the payment')
    }
    if (!target && state.metadata.atrium_online_payment)
      target = await withWorkspace(scope, (tx) =>
        findPayment(tx, gatewayName, { ...event, metadata: state!.metadata }),
      )
  }

  return withWorkspace(scope, async (tx) => {
    const inserted = await tx
      .insert(gatewayEvents)
      .values({
        workspaceId,
        gateway: gatewayName,
        eventId: event.id,
        type: event.type,
        objectId: event.objectId,
        onlinePaymentId: target?.id ?? null,
        eventCreatedAt: event.created,
        outcome: 'received',
      })
      .onConflictDoNothing()
      .returning({ eventId: gatewayEvents.eventId })
    if (!inserted.length) return { received: true as const, duplicate: true, outcome: 'duplicate' }
    let outcome: string
    if (!handles.has(event.type)) outcome = 'ignored'
    else if (!target) outcome = 'unknown_payment'
    else {
      const [row] = await tx
        .select()
        .from(onlinePayments)
        .where(eq(onlinePayments.id, target.id))
        .for('update')
      const changes = await reconcile(tx, deps, ctx, row!, event, state)
      outcome = changes.length ? changes.join(',') : 'no_change'
    }
    await tx
      .update(gatewayEvents)
      .set({ outcome })
      .where(and(eq(gatewayEvents.gateway, gatewayName), eq(gatewayEvents.eventId, event.id)))
    return { received: true as const, duplicate: false, outcome }
  })
}

const unavailable = (message: string, what: string) =>
  new Problem({
    status: 503,
    type: 'gateway-unavailable',
    title: 'Payment gateway unavailable',
    detail: `Could not ${what} from the gateway: ${message}`,
    headers: { 'retry-after': '60' },
  })

/**
 * Brings one online payment to the gateway's current state outside a webhook (the payer's return from
 * PayPal after the capture): the same merge as an event's, under the payment's row lock. Answers the
 * payment's status afterwards.
 */
export async function syncPayment(
  db: Db,
  deps: PaymentsDeps,
  gateway: PaymentGateway,
  workspaceId: string,
  onlinePaymentId: string,
  meta: AuditMeta,
): Promise<Row['status']> {
  const scope = { db, workspaceId }
  const row = await withWorkspace(scope, async (tx) => {
    const [r] = await tx.select().from(onlinePayments).where(eq(onlinePayments.id, onlinePaymentId))
    return r ?? null
  })
  const paymentId = row?.gatewayPaymentId
  if (!row || !paymentId) throw problems.notFound('Online payment')
  let state: PaymentState
  try {
    state = await gateway.paymentState(paymentId)
  } catch (err) {
    throw unavailable(gateway.message(err), 'read the payment')
  }
  const ctx: ServiceContext = {
    db,
    workspaceId,
    actor: { userId: '', role: 'owner' },
    meta: { ...meta, actorId: null, actorLabel: `${gateway.name} (payer's return)` },
  }
  return withWorkspace(scope, async (tx) => {
    const [locked] = await tx.select().from(onlinePayments).where(eq(onlinePayments.id, row.id)).for('update')
    await applyPaymentState(tx, deps, ctx, locked!, state)
    const [after] = await tx
      .select({ status: onlinePayments.status })
      .from(onlinePayments)
      .where(eq(onlinePayments.id, row.id))
    return after!.status
  })
}

/** `reconcile` outside a webhook, for callers holding the payment's row lock and its state (the payer's return, the demo seed). */
export const applyPaymentState = (
  tx: Tx,
  deps: PaymentsDeps,
  ctx: ServiceContext,
  row: Row,
  state: PaymentState,
) =>
  reconcile(
    tx,
    deps,
    ctx,
    row,
    {
      id: '',
      type: 'state',
      created: new Date(),
      objectId: null,
      gatewayPaymentId: state.gatewayPaymentId,
      checkoutSessionId: row.checkoutSessionId,
      metadata: state.metadata,
      livemode: state.livemode,
    },
    state,
  )

async function findPayment(tx: Tx, gateway: Gateway, event: GatewayEvent): Promise<Row | null> {
  const ours = event.metadata.atrium_online_payment
  const conds = [
    ours ? eq(onlinePayments.id, ours) : undefined,
    event.gatewayPaymentId ? eq(onlinePayments.gatewayPaymentId, event.gatewayPaymentId) : undefined,
    event.checkoutSessionId ? eq(onlinePayments.checkoutSessionId, event.checkoutSessionId) : undefined,
  ].filter((c) => c !== undefined)
  if (!conds.length) return null
  const [row] = await tx
    .select()
    .from(onlinePayments)
    .where(and(eq(onlinePayments.gateway, gateway), or(...conds)))
    .limit(1)
  return row ?? null
}

const refOf = (r: Row) => ({
  onlinePaymentId: r.id,
  invoiceId: r.invoiceId,
  invoiceNumber: r.invoiceNumber,
  clientId: r.clientId,
  gateway: r.gateway,
  amount: r.amount,
  currency: r.currency,
})

async function audit(tx: Tx, ctx: ServiceContext, action: string, r: Row, after: Record<string, unknown>) {
  await record(tx, ctx.workspaceId, ctx.meta, {
    action,
    targetType: 'online_payment',
    targetId: r.id,
    targetLabel: `${r.gateway} payment for ${r.invoiceNumber ?? r.invoiceId}`,
    after,
  })
}

/**
 * Brings one online payment to the gateway's current state: records the money received, each
 * confirmed refund and a lost dispute in the invoice payments (once each, by the gateway's ids),
 * and emits and audits each change. Returns the changes made.
 */
async function reconcile(
  tx: Tx,
  deps: PaymentsDeps,
  ctx: ServiceContext,
  row: Row,
  event: GatewayEvent,
  state: PaymentState | null,
): Promise<string[]> {
  const changes: string[] = []
  const inv = { events: deps.events }
  let r = row
  const patch = async (set: Partial<Row>) => {
    const [after] = await tx
      .update(onlinePayments)
      .set({ ...set, updatedAt: sql`now()` as never })
      .where(eq(onlinePayments.id, r.id))
      .returning()
    r = after!
  }
  if (event.checkoutSessionId && !r.checkoutSessionId)
    await patch({ checkoutSessionId: event.checkoutSessionId })
  if (!state) return changes
  if (!r.gatewayPaymentId) await patch({ gatewayPaymentId: state.gatewayPaymentId, livemode: state.livemode })

  // Money received.
  if (state.status === 'succeeded' && !r.paymentId) {
    const sameCurrency = state.feeCurrency === state.currency
    const p = await recordGatewayPayment(tx, inv, ctx, {
      invoiceId: r.invoiceId,
      gateway: r.gateway,
      gatewayPaymentId: state.gatewayPaymentId,
      amount: state.amountReceived,
      currency: state.currency,
      paidOn: day(state.paidAt),
      fee: sameCurrency ? state.fee : null,
      reference: state.chargeId ?? state.gatewayPaymentId,
      data: {
        onlinePaymentId: r.id,
        chargeId: state.chargeId,
        balanceTransactionId: state.balanceTransactionId,
        fee: state.fee,
        net: state.net,
        feeCurrency: state.feeCurrency,
      },
    })
    await patch({
      status: 'succeeded',
      paymentId: p?.id ?? r.paymentId,
      amountReceived: state.amountReceived,
      gatewayChargeId: state.chargeId,
      balanceTransactionId: state.balanceTransactionId,
      fee: state.fee,
      net: state.net,
      feeCurrency: state.feeCurrency,
      failureMessage: null,
      paidAt: state.paidAt ?? new Date(),
    })
    await audit(tx, ctx, 'online_payment.succeeded', r, {
      amount: r.amountReceived,
      currency: r.currency,
      fee: r.fee,
      net: r.net,
      gatewayPaymentId: r.gatewayPaymentId,
    })
    if (p)
      await deps.events.emit(tx, 'payment.received', ctx.workspaceId, {
        ...refOf(r),
        amount: r.amountReceived,
        paymentId: p.id,
        fee: r.fee,
        net: r.net,
        feeCurrency: r.feeCurrency,
      })
    changes.push('paid')
  } else if (state.status === 'failed' && r.status === 'pending') {
    await patch({ status: 'failed', failureMessage: state.failureMessage })
    await audit(tx, ctx, 'online_payment.failed', r, { reason: r.failureMessage })
    await deps.events.emit(tx, 'payment.failed', ctx.workspaceId, { ...refOf(r), reason: r.failureMessage })
    changes.push('failed')
  }
  if (!r.paymentId) return changes

  // Refunds: each confirmed one recorded once; pending and failed ones kept in step.
  const locals = await tx
    .select()
    .from(onlineRefunds)
    .where(eq(onlineRefunds.onlinePaymentId, r.id))
    .for('update')
  let refunded = 0
  for (const g of state.refunds) {
    let local =
      locals.find((l) => l.gatewayRefundId === g.id) ??
      locals.find((l) => l.id === g.metadata.atrium_refund && !l.gatewayRefundId) ??
      null
    if (!local) {
      ;[local] = await tx
        .insert(onlineRefunds)
        .values({
          id: newId('oref'),
          workspaceId: ctx.workspaceId,
          onlinePaymentId: r.id,
          gatewayRefundId: g.id,
          amount: g.amount,
          currency: r.currency,
          status: 'pending',
        })
        .returning()
      locals.push(local!)
    } else if (!local.gatewayRefundId)
      await tx.update(onlineRefunds).set({ gatewayRefundId: g.id }).where(eq(onlineRefunds.id, local.id))
    const l = local!
    if (g.status === 'succeeded') {
      refunded += g.amount
      if (l.status === 'succeeded') continue
      const p = await recordGatewayRefund(tx, inv, ctx, {
        paymentId: r.paymentId,
        gateway: r.gateway,
        gatewayRefundId: g.id,
        amount: g.amount,
        refundedOn: day(g.created),
        reference: g.id,
        data: { onlinePaymentId: r.id, refundId: l.id },
      })
      await tx
        .update(onlineRefunds)
        .set({
          status: 'succeeded',
          amount: g.amount,
          paymentId: p?.id ?? l.paymentId,
          confirmedAt: sql`now()` as never,
        })
        .where(eq(onlineRefunds.id, l.id))
      await audit(tx, ctx, 'online_payment.refunded', r, {
        refundId: l.id,
        gatewayRefundId: g.id,
        amount: g.amount,
      })
      if (p)
        await deps.events.emit(tx, 'payment.refund_settled', ctx.workspaceId, {
          ...refOf(r),
          amount: g.amount,
          refundId: l.id,
          paymentId: p.id,
        })
      changes.push('refunded')
    } else if (
      (g.status === 'failed' || g.status === 'canceled') &&
      l.status !== 'succeeded' &&
      l.status !== g.status
    ) {
      await tx.update(onlineRefunds).set({ status: g.status }).where(eq(onlineRefunds.id, l.id))
      await audit(tx, ctx, `online_payment.refund_${g.status}`, r, { refundId: l.id, gatewayRefundId: g.id })
      changes.push(`refund_${g.status}`)
    } else if (l.status === 'requested') {
      await tx.update(onlineRefunds).set({ status: 'pending' }).where(eq(onlineRefunds.id, l.id))
    }
  }

  // A dispute: opened once, closed once; a closed dispute never opens again (a stale read).
  const d = [...state.disputes].sort((a, b) => b.created.getTime() - a.created.getTime())[0]
  let disputeSet: Partial<Row> = {}
  if (d) {
    const known = r.disputeId === d.id
    const wasClosed = known && (r.disputeStatus === 'won' || r.disputeStatus === 'lost')
    if (!known) {
      await audit(tx, ctx, 'online_payment.dispute_opened', r, { disputeId: d.id, amount: d.amount })
      await deps.events.emit(tx, 'dispute.opened', ctx.workspaceId, {
        ...refOf(r),
        amount: d.amount,
        disputeId: d.id,
      })
      changes.push('dispute_opened')
      disputeSet = { disputeId: d.id, disputeStatus: d.outcome === 'open' ? d.status : r.disputeStatus }
    }
    if (d.outcome !== 'open' && !wasClosed) {
      let lostPayment: string | null = null
      if (d.outcome === 'lost') {
        const p = await recordGatewayRefund(tx, inv, ctx, {
          paymentId: r.paymentId,
          gateway: r.gateway,
          gatewayRefundId: d.id,
          amount: d.amount,
          refundedOn: day(null),
          reference: d.id,
          data: { onlinePaymentId: r.id, disputeId: d.id },
        })
        lostPayment = p?.id ?? null
      }
      await audit(tx, ctx, 'online_payment.dispute_closed', r, { disputeId: d.id, outcome: d.outcome })
      await deps.events.emit(tx, 'dispute.closed', ctx.workspaceId, {
        ...refOf(r),
        amount: d.amount,
        disputeId: d.id,
        outcome: d.outcome,
      })
      changes.push(`dispute_${d.outcome}`)
      disputeSet = {
        disputeId: d.id,
        disputeStatus: d.outcome,
        ...(lostPayment ? { disputePaymentId: lostPayment } : {}),
      }
    } else if (known && !wasClosed && r.disputeStatus !== d.status) disputeSet = { disputeStatus: d.status }
  }

  const disputeStatus = disputeSet.disputeStatus ?? r.disputeStatus
  const status: Row['status'] =
    disputeStatus === 'lost'
      ? 'dispute_lost'
      : disputeStatus && disputeStatus !== 'won'
        ? 'disputed'
        : refunded >= r.amountReceived && refunded > 0
          ? 'refunded'
          : refunded > 0
            ? 'partially_refunded'
            : 'succeeded'
  if (status !== r.status || refunded !== r.amountRefunded || Object.keys(disputeSet).length)
    await patch({ ...disputeSet, status, amountRefunded: Math.max(refunded, r.amountRefunded) })
  return changes
}
