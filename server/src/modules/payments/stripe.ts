import type Stripe from 'stripe'
import {
  type StripeApi,
  StripeSignatureError,
  stripeClient,
  stripeMessage,
  verifyStripeEvent,
} from '../../kernel/stripe/index.ts'
import type {
  CheckoutInput,
  ConnectionCheck,
  DisputeState,
  GatewayEvent,
  PaymentGateway,
  PaymentState,
  RefundInput,
  RefundState,
} from './gateway.ts'
import { BadSignature } from './gateway.ts'

export type StripeSecrets = { secretKey: string; webhookSecret: string }
export type { StripeApi }
export { stripeMessage }

const toDate = (s: number | null | undefined) => (s ? new Date(s * 1000) : null)
const idOf = (v: string | { id: string } | null | undefined) =>
  v == null ? null : typeof v === 'string' ? v : v.id

/** Stripe through its official SDK (`stripe`), pointed at `api` (a local fake in tests) when given. */
export class StripeGateway implements PaymentGateway {
  readonly name = 'stripe' as const
  readonly handles = STRIPE_EVENTS
  readonly signatureField = 'stripe-signature'
  private readonly client: Stripe
  private readonly secrets: StripeSecrets

  constructor(secrets: StripeSecrets, api: StripeApi) {
    this.secrets = secrets
    this.client = stripeClient(secrets.secretKey, api)
  }

  async test(): Promise<ConnectionCheck> {
    try {
      const account = await this.client.accounts.retrieveCurrent()
      const mode = this.secrets.secretKey.includes('_live_') ? 'live' : 'test'
      const name = account.settings?.dashboard?.display_name ?? account.business_profile?.name ?? account.id
      return { ok: true, message: `Connected to ${name} (${mode} mode).`, accountId: account.id, mode }
    } catch (err) {
      return { ok: false, message: stripeMessage(err), accountId: null, mode: null }
    }
  }

  async createCheckout(input: CheckoutInput) {
    const metadata = {
      atrium_online_payment: input.onlinePaymentId,
      atrium_workspace: input.workspaceId,
      atrium_invoice: input.invoiceId,
    }
    const session = await this.client.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: input.currency.toLowerCase(),
              unit_amount: input.amount,
              product_data: { name: input.description },
            },
          },
        ],
        client_reference_id: input.invoiceId,
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
        metadata,
        payment_intent_data: { metadata, description: input.description },
      },
      { idempotencyKey: `atrium-checkout-${input.onlinePaymentId}` },
    )
    if (!session.url) throw new Error('Stripe returned a Checkout Session without a URL')
    return { sessionId: session.id, url: session.url, expiresAt: toDate(session.expires_at) }
  }

  async refund(input: RefundInput) {
    const r = await this.client.refunds.create(
      {
        payment_intent: input.gatewayPaymentId,
        amount: input.amount,
        ...(input.reason ? { reason: input.reason as Stripe.RefundCreateParams.Reason } : {}),
        metadata: { atrium_refund: input.refundId, atrium_online_payment: input.onlinePaymentId },
      },
      { idempotencyKey: `atrium-refund-${input.refundId}` },
    )
    return { gatewayRefundId: r.id, status: (r.status ?? 'pending') as RefundState['status'] }
  }

  async verify(
    rawBody: string,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<GatewayEvent> {
    let event: Stripe.Event
    try {
      event = verifyStripeEvent(this.client, rawBody, headers, this.secrets.webhookSecret)
    } catch (err) {
      if (err instanceof StripeSignatureError) throw new BadSignature(err.message)
      throw err
    }
    const o = event.data.object as unknown as Record<string, unknown>
    let paymentId: string | null = null
    let sessionId: string | null = null
    if (event.type.startsWith('checkout.session.')) {
      sessionId = o.id as string
      paymentId = idOf(o.payment_intent as string | null)
    } else if (event.type.startsWith('payment_intent.')) paymentId = o.id as string
    else if (event.type.startsWith('charge.')) paymentId = idOf(o.payment_intent as string | null)
    return {
      id: event.id,
      type: event.type,
      created: new Date(event.created * 1000),
      objectId: typeof o.id === 'string' ? o.id : null,
      gatewayPaymentId: paymentId,
      checkoutSessionId: sessionId,
      metadata: (o.metadata as Record<string, string> | undefined) ?? {},
      livemode: event.livemode,
    }
  }

  async paymentState(gatewayPaymentId: string): Promise<PaymentState> {
    const pi = await this.client.paymentIntents.retrieve(gatewayPaymentId, {
      expand: ['latest_charge.balance_transaction'],
    })
    const charge = typeof pi.latest_charge === 'object' ? pi.latest_charge : null
    const chargeId = idOf(pi.latest_charge)
    const bt = charge && typeof charge.balance_transaction === 'object' ? charge.balance_transaction : null
    let refunds: RefundState[] = []
    let disputes: DisputeState[] = []
    if (chargeId) {
      const [r, d] = await Promise.all([
        this.client.refunds.list({ charge: chargeId, limit: 100 }),
        this.client.disputes.list({ charge: chargeId, limit: 100 }),
      ])
      refunds = r.data.map((x) => ({
        id: x.id,
        amount: x.amount,
        status: (x.status ?? 'pending') as RefundState['status'],
        created: new Date(x.created * 1000),
        metadata: x.metadata ?? {},
      }))
      disputes = d.data.map((x) => ({
        id: x.id,
        amount: x.amount,
        status: x.status,
        outcome: x.status === 'won' ? 'won' : x.status === 'lost' ? 'lost' : 'open',
        created: new Date(x.created * 1000),
      }))
    }
    const failed =
      pi.status === 'canceled' || (pi.status === 'requires_payment_method' && !!pi.last_payment_error)
    return {
      gatewayPaymentId: pi.id,
      status: pi.status === 'succeeded' ? 'succeeded' : failed ? 'failed' : 'pending',
      amountReceived: pi.amount_received,
      currency: pi.currency.toUpperCase(),
      chargeId,
      balanceTransactionId: bt?.id ?? idOf(charge?.balance_transaction as string | null),
      fee: bt ? bt.fee : null,
      net: bt ? bt.net : null,
      feeCurrency: bt ? bt.currency.toUpperCase() : null,
      failureMessage: pi.last_payment_error?.message ?? null,
      livemode: pi.livemode,
      paidAt: pi.status === 'succeeded' ? toDate(charge?.created ?? pi.created) : null,
      metadata: pi.metadata ?? {},
      refunds,
      disputes,
    }
  }

  async *listPayments(workspaceId: string, since: Date): AsyncIterable<string> {
    const list = this.client.paymentIntents.list({
      created: { gte: Math.floor(since.getTime() / 1000) },
      limit: 100,
    })
    for await (const pi of list) if (pi.metadata?.atrium_workspace === workspaceId) yield pi.id
  }

  message(err: unknown) {
    return stripeMessage(err)
  }
}

/** The Stripe events that change a payment. */
const STRIPE_EVENTS: ReadonlySet<string> = new Set([
  'checkout.session.completed',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
])

/** The payment in Stripe's dashboard (`test/` in test mode). */
export const stripeDashboardUrl = (gatewayPaymentId: string, livemode: boolean) =>
  `https://dashboard.stripe.com/${livemode ? '' : 'test/'}payments/${gatewayPaymentId}`
