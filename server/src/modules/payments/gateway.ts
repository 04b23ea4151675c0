import type { Gateway } from '../../../../contracts/payments.ts'

/**
 * What Atrium needs of a payment gateway. Stripe (`stripe.ts`) and PayPal (`paypal.ts`) implement it;
 * checkout, webhooks, refunds, history and reconciliation know only this interface.
 * Webhooks are only triggers: the effect is computed from the payment's current state as the gateway
 * reports it (`paymentState`), so events may arrive twice, late or out of order.
 */
export interface PaymentGateway {
  readonly name: Gateway
  /** The event types that can change a payment; others are acknowledged and stored as ignored. */
  readonly handles: ReadonlySet<string>
  /** The header named in a 400 when a webhook's signature does not verify. */
  readonly signatureField: string
  /** Calls the gateway with the credentials and says what it answered. */
  test(): Promise<ConnectionCheck>
  /** A hosted page where the payer pays `amount` (the idempotency key is the online payment's id). */
  createCheckout(input: CheckoutInput): Promise<{
    sessionId: string
    url: string
    expiresAt: Date | null
    /** The payment's id when the gateway makes it with the checkout (PayPal's order). */
    gatewayPaymentId?: string
  }>
  /** Asks for a refund; final only when a webhook (and `paymentState`) confirms it. */
  refund(input: RefundInput): Promise<{ gatewayRefundId: string; status: RefundState['status'] }>
  /** Checks a webhook's signature and reads the event; throws `BadSignature` when it does not verify. */
  verify(rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<GatewayEvent>
  /** The payment as the gateway holds it now, with its refunds and disputes. */
  paymentState(gatewayPaymentId: string): Promise<PaymentState>
  /**
   * Gateways whose payer approves at the gateway and comes back before the money moves (PayPal):
   * takes the approved payment (idempotent: a second call changes nothing).
   */
  capture?(checkoutSessionId: string, onlinePaymentId: string): Promise<void>
  /**
   * The ids of the payments made through Atrium for this workspace since a time, as far as the gateway
   * can list them (for reconciliation; Atrium's own attempts of that time are compared too).
   */
  listPayments(workspaceId: string, since: Date): AsyncIterable<string>
  /** The gateway's own words for a failed call (never a secret). */
  message(err: unknown): string
}

export type ConnectionCheck = {
  ok: boolean
  message: string
  accountId: string | null
  mode: 'test' | 'live' | null
}

export type CheckoutInput = {
  onlinePaymentId: string
  workspaceId: string
  invoiceId: string
  invoiceNumber: string | null
  amount: number
  currency: string
  description: string
  successUrl: string
  cancelUrl: string
}

export type RefundInput = {
  refundId: string
  onlinePaymentId: string
  gatewayPaymentId: string
  /** The charge or capture the money came in by, when the gateway refunds those (PayPal). */
  gatewayChargeId: string | null
  amount: number
  currency: string
  reason: string | null
}

export type GatewayEvent = {
  id: string
  type: string
  created: Date
  objectId: string | null
  /** The payment the event is about, when it names one. */
  gatewayPaymentId: string | null
  /** The checkout session the event is about (a completed session names its payment too). */
  checkoutSessionId: string | null
  /** Our ids, as we gave them to the gateway (`atrium_online_payment`, `atrium_workspace`). */
  metadata: Record<string, string>
  livemode: boolean
}

export type RefundState = {
  id: string
  amount: number
  status: 'pending' | 'succeeded' | 'failed' | 'canceled' | 'requires_action'
  created: Date
  metadata: Record<string, string>
}

export type DisputeState = {
  id: string
  amount: number
  /** `open` while it runs; `won` or `lost` when closed. */
  outcome: 'open' | 'won' | 'lost'
  status: string
  created: Date
}

export type PaymentState = {
  gatewayPaymentId: string
  status: 'pending' | 'failed' | 'succeeded'
  amountReceived: number
  currency: string
  chargeId: string | null
  balanceTransactionId: string | null
  fee: number | null
  net: number | null
  feeCurrency: string | null
  failureMessage: string | null
  livemode: boolean
  paidAt: Date | null
  metadata: Record<string, string>
  refunds: RefundState[]
  disputes: DisputeState[]
}

export class BadSignature extends Error {}
