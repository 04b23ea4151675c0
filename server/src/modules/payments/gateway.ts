import type { Gateway } from '../../../../contracts/payments.ts'

/**
 * What Atrium needs of a payment gateway. Stripe implements it (`stripe.ts`); PayPal's client id and
 * secret, its approval flow (Orders v2) and its capture and refund events map onto the same calls.
 * Webhooks are only triggers: the effect is computed from the payment's current state as the gateway
 * reports it (`paymentState`), so events may arrive twice, late or out of order.
 */
export interface PaymentGateway {
  readonly name: Gateway
  /** Calls the gateway with the credentials and says what it answered. */
  test(): Promise<ConnectionCheck>
  /** A hosted page where the payer pays `amount` (the idempotency key is the online payment's id). */
  createCheckout(input: CheckoutInput): Promise<{ sessionId: string; url: string; expiresAt: Date | null }>
  /** Asks for a refund; final only when a webhook (and `paymentState`) confirms it. */
  refund(input: RefundInput): Promise<{ gatewayRefundId: string; status: RefundState['status'] }>
  /** Checks a webhook's signature and reads the event; throws `BadSignature` when it does not verify. */
  verify(rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<GatewayEvent>
  /** The payment as the gateway holds it now, with its refunds and disputes. */
  paymentState(gatewayPaymentId: string): Promise<PaymentState>
  /** The ids of the payments made through Atrium for this workspace since a time (for reconciliation). */
  listPayments(workspaceId: string, since: Date): AsyncIterable<string>
  /** The payment in the gateway's dashboard. */
  dashboardUrl(gatewayPaymentId: string, livemode: boolean): string
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
  amount: number
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
