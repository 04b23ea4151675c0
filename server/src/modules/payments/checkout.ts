import { and, desc, eq, gt, sql } from 'drizzle-orm'
import type { Checkout, Gateway, PaymentOptions } from '../../../../contracts/payments.ts'
import { assertCan } from '../../kernel/access/index.ts'
import type { AuditMeta } from '../../kernel/audit/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Db } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { Problem, problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { invoiceByViewToken, paymentTarget, viewTokenMatches } from '../invoices/index.ts'
import { connectedGateway, GATEWAY_LABELS } from './connections.ts'
import type { PaymentsDeps } from './deps.ts'
import { gatewayConnections, onlinePayments } from './schema.ts'
import { syncPayment } from './webhooks.ts'

const PAYABLE = new Set(['sent', 'viewed', 'partially_paid', 'overdue'])

/** An open checkout for the same invoice and amount is offered again instead of a new one. */
const REUSE_MS = 12 * 60 * 60 * 1000

type Origin = { kind: 'app'; userId: string } | { kind: 'view_link'; token: string; tokenHash: string }

/**
 * "Pay now": a hosted checkout for an invoice's open balance in its currency. The attempt is written
 * first (`opay_…`) and its id is the gateway call's idempotency key, so a retry reuses the session
 * the gateway made instead of making a second one.
 */
async function startCheckout(
  ctx: ServiceContext,
  deps: PaymentsDeps,
  invoiceId: string,
  origin: Origin,
  choice?: Gateway,
): Promise<Checkout> {
  const prepared = await withWorkspace(ctx, async (tx) => {
    if (origin.kind === 'view_link' && !(await viewTokenMatches(tx, invoiceId, origin.tokenHash)))
      throw problems.notFound('Invoice')
    const invoice = await paymentTarget(tx, ctx, invoiceId, true)
    if (!PAYABLE.has(invoice.status))
      throw problems.conflict(
        invoice.status === 'paid'
          ? 'This invoice is paid.'
          : `A ${invoice.status} invoice cannot be paid online.`,
        'status',
      )
    if (invoice.balance <= 0) throw problems.conflict('Nothing is left to pay on this invoice.', 'status')
    const found = await connectedGateway(tx, deps, choice)
    if (!found)
      throw problems.conflict(
        choice
          ? `${GATEWAY_LABELS[choice]} is not connected to this workspace.`
          : 'No payment gateway is connected to this workspace.',
        'gateway',
      )
    const [open] = await tx
      .select()
      .from(onlinePayments)
      .where(
        and(
          eq(onlinePayments.invoiceId, invoice.id),
          eq(onlinePayments.status, 'pending'),
          eq(onlinePayments.amount, invoice.balance),
          eq(onlinePayments.gateway, found.row.gateway),
          eq(onlinePayments.origin, origin.kind),
          gt(onlinePayments.createdAt, new Date(Date.now() - REUSE_MS)),
        ),
      )
      .orderBy(desc(onlinePayments.createdAt))
      .limit(1)
    if (
      open?.checkoutUrl &&
      (!open.checkoutExpiresAt || open.checkoutExpiresAt.getTime() > Date.now() + 60_000)
    )
      return { reuse: open, invoice, gateway: found.gateway }
    const attempt =
      open ??
      (
        await tx
          .insert(onlinePayments)
          .values({
            id: newId('opay'),
            workspaceId: ctx.workspaceId,
            gateway: found.row.gateway,
            invoiceId: invoice.id,
            invoiceNumber: invoice.number,
            clientId: invoice.clientId,
            amount: invoice.balance,
            currency: invoice.currency,
            origin: origin.kind,
            livemode: found.row.mode === 'live',
            createdBy: origin.kind === 'app' ? origin.userId : null,
          })
          .returning()
      )[0]!
    return { reuse: null, attempt, invoice, gateway: found.gateway }
  })
  if (prepared.reuse)
    return {
      url: prepared.reuse.checkoutUrl!,
      onlinePaymentId: prepared.reuse.id,
      gateway: prepared.reuse.gateway,
      amount: prepared.reuse.amount,
      currency: prepared.reuse.currency,
    }
  const { attempt, invoice, gateway } = prepared
  const backPath = origin.kind === 'view_link' ? `/view/${origin.token}` : `/invoices/${invoice.id}`
  const back = `${deps.appUrl}${backPath}`
  // A gateway that captures on return (PayPal) comes back to Atrium first, which takes the payment.
  const successUrl = gateway.capture
    ? `${deps.appUrl}${returnPath(gateway.name, ctx.workspaceId, attempt.id)}?back=${encodeURIComponent(backPath)}`
    : `${back}?payment=success`
  let session: Awaited<ReturnType<typeof gateway.createCheckout>>
  try {
    session = await gateway.createCheckout({
      onlinePaymentId: attempt.id,
      workspaceId: ctx.workspaceId,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      amount: attempt.amount,
      currency: attempt.currency,
      description: `Invoice ${invoice.number ?? invoice.id}`,
      successUrl,
      cancelUrl: `${back}?payment=canceled`,
    })
  } catch (err) {
    throw new Problem({
      status: 502,
      type: 'gateway-error',
      title: 'Payment gateway error',
      detail: `The payment gateway refused the checkout: ${gateway.message(err)}`,
    })
  }
  await withWorkspace(ctx, async (tx) => {
    await tx
      .update(onlinePayments)
      .set({
        checkoutSessionId: session.sessionId,
        checkoutUrl: session.url,
        checkoutExpiresAt: session.expiresAt,
        ...(session.gatewayPaymentId ? { gatewayPaymentId: session.gatewayPaymentId } : {}),
        updatedAt: sql`now()` as never,
      })
      .where(eq(onlinePayments.id, attempt.id))
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'online_payment.checkout_started',
      targetType: 'invoice',
      targetId: invoice.id,
      targetLabel: invoice.number ?? invoice.id,
      after: {
        onlinePaymentId: attempt.id,
        gateway: attempt.gateway,
        amount: attempt.amount,
        currency: attempt.currency,
      },
    })
  })
  return {
    url: session.url,
    onlinePaymentId: attempt.id,
    gateway: attempt.gateway,
    amount: attempt.amount,
    currency: attempt.currency,
  }
}

/** "Pay now" from the app (members for the clients they see). */
export async function checkoutFromApp(
  ctx: ServiceContext,
  deps: PaymentsDeps,
  invoiceId: string,
  choice?: Gateway,
) {
  assertCan(ctx.actor, 'payments:write')
  return startCheckout(ctx, deps, invoiceId, { kind: 'app', userId: ctx.actor.userId }, choice)
}

/** "Pay now" from the invoice's public view page, by its view link (no session). */
export async function checkoutFromViewLink(
  db: Db,
  deps: PaymentsDeps,
  token: string,
  meta: AuditMeta,
  choice?: Gateway,
) {
  const found = await invoiceByViewToken(db, token)
  const ctx: ServiceContext = {
    db,
    workspaceId: found.workspaceId,
    actor: { userId: '', role: 'owner' },
    meta: { ...meta, actorId: null, actorLabel: 'Anonymous viewer (view link)' },
  }
  return startCheckout(
    ctx,
    deps,
    found.invoiceId,
    { kind: 'view_link', token, tokenHash: found.tokenHash },
    choice,
  )
}

/** Whether the invoice behind a view link can be paid online, and through which gateways, for its page. */
export async function paymentOptionsByViewLink(db: Db, token: string): Promise<PaymentOptions> {
  const found = await invoiceByViewToken(db, token)
  const rows = await withWorkspace({ db, workspaceId: found.workspaceId }, async (tx) => {
    if (!(await viewTokenMatches(tx, found.invoiceId, found.tokenHash))) throw problems.notFound('Invoice')
    return tx
      .select({ gateway: gatewayConnections.gateway })
      .from(gatewayConnections)
      .orderBy(sql`${gatewayConnections.gateway} = 'stripe' desc`, gatewayConnections.gateway)
  })
  const gateways = rows.map((r) => r.gateway)
  return { online: gateways.length > 0, gateway: gateways[0] ?? null, gateways }
}

/** Where a gateway that captures on return sends the payer back (`capture` below answers it). */
export const returnPath = (gateway: Gateway, workspaceId: string, onlinePaymentId: string) =>
  `/api/v1/public/payments/${gateway}/return/${workspaceId}/${onlinePaymentId}`

/** The pages a return may lead back to: the invoice in the app, or its view page. */
const BACK = /^\/(view\/[A-Za-z0-9_-]{16,128}|invoices\/inv_[0-9a-f]{32})$/

/**
 * The payer comes back from approving at the gateway (PayPal: `?token={order id}&PayerID=…`): the
 * approved order is captured (idempotent, keyed by our payment's id) and its state applied at once
 * through the webhook's path, so the invoice reads paid without waiting for the event, which then
 * changes nothing. Answers where to send the payer: back to the page they came from with
 * `payment=success`, `pending` or `failed`.
 */
export async function returnFromGateway(
  db: Db,
  deps: PaymentsDeps,
  gatewayName: Gateway,
  workspaceId: string,
  onlinePaymentId: string,
  sessionId: string,
  backPath: string,
  meta: AuditMeta,
): Promise<string> {
  const back = BACK.test(backPath) ? backPath : '/'
  const to = (result: string) => `${deps.appUrl}${back}${back === '/' ? '' : `?payment=${result}`}`
  const scope = { db, workspaceId }
  const found = await withWorkspace(scope, async (tx) => {
    const [row] = await tx
      .select()
      .from(onlinePayments)
      .where(and(eq(onlinePayments.id, onlinePaymentId), eq(onlinePayments.gateway, gatewayName)))
    if (!row || row.checkoutSessionId !== sessionId) return null
    const g = await connectedGateway(tx, deps, gatewayName)
    return g ? { row, gateway: g.gateway } : null
  })
  if (!found?.gateway.capture) throw problems.notFound('Online payment')
  try {
    await found.gateway.capture(sessionId, onlinePaymentId)
  } catch (err) {
    throw new Problem({
      status: 502,
      type: 'gateway-error',
      title: 'Payment gateway error',
      detail: `The payment gateway refused the capture: ${found.gateway.message(err)}`,
    })
  }
  const status = await syncPayment(db, deps, found.gateway, workspaceId, onlinePaymentId, meta)
  return to(status === 'pending' ? 'pending' : status === 'failed' ? 'failed' : 'success')
}
