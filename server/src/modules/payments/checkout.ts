import { and, desc, eq, gt, sql } from 'drizzle-orm'
import type { Checkout } from '../../../../contracts/payments.ts'
import { assertCan } from '../../kernel/access/index.ts'
import type { AuditMeta } from '../../kernel/audit/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Db } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { Problem, problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { invoiceByViewToken, paymentTarget, viewTokenMatches } from '../invoices/index.ts'
import { connectedGateway } from './connections.ts'
import type { PaymentsDeps } from './deps.ts'
import { gatewayConnections, onlinePayments } from './schema.ts'
import { stripeMessage } from './stripe.ts'

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
    const found = await connectedGateway(tx, deps)
    if (!found) throw problems.conflict('No payment gateway is connected to this workspace.', 'gateway')
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
  const back =
    origin.kind === 'view_link'
      ? `${deps.appUrl}/view/${origin.token}`
      : `${deps.appUrl}/invoices/${invoice.id}`
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
      successUrl: `${back}?payment=success`,
      cancelUrl: `${back}?payment=canceled`,
    })
  } catch (err) {
    throw new Problem({
      status: 502,
      type: 'gateway-error',
      title: 'Payment gateway error',
      detail: `The payment gateway refused the checkout: ${stripeMessage(err)}`,
    })
  }
  await withWorkspace(ctx, async (tx) => {
    await tx
      .update(onlinePayments)
      .set({
        checkoutSessionId: session.sessionId,
        checkoutUrl: session.url,
        checkoutExpiresAt: session.expiresAt,
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
export async function checkoutFromApp(ctx: ServiceContext, deps: PaymentsDeps, invoiceId: string) {
  assertCan(ctx.actor, 'payments:write')
  return startCheckout(ctx, deps, invoiceId, { kind: 'app', userId: ctx.actor.userId })
}

/** "Pay now" from the invoice's public view page, by its view link (no session). */
export async function checkoutFromViewLink(db: Db, deps: PaymentsDeps, token: string, meta: AuditMeta) {
  const found = await invoiceByViewToken(db, token)
  const ctx: ServiceContext = {
    db,
    workspaceId: found.workspaceId,
    actor: { userId: '', role: 'owner' },
    meta: { ...meta, actorId: null, actorLabel: 'Anonymous viewer (view link)' },
  }
  return startCheckout(ctx, deps, found.invoiceId, { kind: 'view_link', token, tokenHash: found.tokenHash })
}

/** Whether the invoice behind a view link can be paid online (a gateway is connected), for its page. */
export async function paymentOptionsByViewLink(db: Db, token: string) {
  const found = await invoiceByViewToken(db, token)
  const row = await withWorkspace({ db, workspaceId: found.workspaceId }, async (tx) => {
    if (!(await viewTokenMatches(tx, found.invoiceId, found.tokenHash))) throw problems.notFound('Invoice')
    const [c] = await tx
      .select({ gateway: gatewayConnections.gateway })
      .from(gatewayConnections)
      .orderBy(sql`${gatewayConnections.gateway} = 'stripe' desc`)
      .limit(1)
    return c ?? null
  })
  return { online: !!row, gateway: row?.gateway ?? null }
}
