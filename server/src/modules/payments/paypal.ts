import { createHash } from 'node:crypto'
import { fromMinorUnits, toMinorUnits } from '../../../../contracts/money.ts'
import type {
  CheckoutInput,
  ConnectionCheck,
  GatewayEvent,
  PaymentGateway,
  PaymentState,
  RefundInput,
  RefundState,
} from './gateway.ts'
import { BadSignature } from './gateway.ts'

/**
 * PayPal through its REST API (Orders v2, Payments v2, Notifications v1), called with `fetch`.
 * PayPal's server SDK (`@paypal/paypal-server-sdk`) chooses its host from a closed enum (production or
 * sandbox) and has no webhook verification call, so it could neither reach the local stand-in the tests
 * use nor verify an event; the few calls below are made as PayPal documents them. `api` (PAYPAL_API_URL)
 * points them elsewhere; unset, the connection's mode picks PayPal's live or sandbox host.
 */
export type PayPalSecrets = { clientId: string; clientSecret: string; webhookId: string }

export const PAYPAL_LIVE = 'https://api-m.paypal.com'
export const PAYPAL_SANDBOX = 'https://api-m.sandbox.paypal.com'

/** The events that can change a payment: a capture completed, denied, refunded or reversed. */
const PAYPAL_EVENTS: ReadonlySet<string> = new Set([
  'PAYMENT.CAPTURE.COMPLETED',
  'PAYMENT.CAPTURE.DENIED',
  'PAYMENT.CAPTURE.REFUNDED',
  'PAYMENT.CAPTURE.REVERSED',
])

const SIGNATURE_HEADERS = [
  'paypal-transmission-id',
  'paypal-transmission-time',
  'paypal-transmission-sig',
  'paypal-cert-url',
  'paypal-auth-algo',
] as const

/** PayPal's answer to a call it refused: its `name`, `message`, `debug_id` and first issue. */
export class PayPalError extends Error {
  readonly status: number
  readonly name_: string
  readonly issue: string | null
  constructor(status: number, body: Record<string, unknown> | null) {
    const details = (body?.details as { issue?: string; description?: string }[] | undefined) ?? []
    const name = String(body?.name ?? body?.error ?? `HTTP ${status}`)
    const text = String(body?.message ?? body?.error_description ?? 'PayPal refused the call')
    const issue = details[0]?.issue ?? null
    super(
      `${name}: ${text}${issue ? ` (${issue}${details[0]?.description ? `: ${details[0].description}` : ''})` : ''}${body?.debug_id ? ` [debug_id ${body.debug_id}]` : ''}`,
    )
    this.status = status
    this.name_ = name
    this.issue = issue
  }
}

type Obj = Record<string, unknown>
type Money = { currency_code: string; value: string }
type Link = { href: string; rel: string }
type Capture = {
  id: string
  status: string
  amount: Money
  custom_id?: string
  invoice_id?: string
  create_time?: string
  update_time?: string
  seller_receivable_breakdown?: { paypal_fee?: Money; net_amount?: Money }
  status_details?: { reason?: string }
  supplementary_data?: { related_ids?: { order_id?: string } }
  links?: Link[]
}
type Refund = {
  id: string
  status: string
  amount: Money
  custom_id?: string
  create_time?: string
  links?: Link[]
}
type Order = {
  id: string
  status: string
  purchase_units?: {
    custom_id?: string
    invoice_id?: string
    amount?: Money
    payments?: { captures?: Capture[]; refunds?: Refund[] }
  }[]
  links?: Link[]
}

/** Access tokens by client and host, until shortly before they expire (PayPal gives ~9 hours). */
const tokens = new Map<string, { token: string; appId: string | null; until: number }>()

const minor = (m: Money | undefined) => (m ? (toMinorUnits(m.value, m.currency_code) ?? 0) : null)
const when = (s: string | undefined) => (s ? new Date(s) : null)
const refundStatus: Record<string, RefundState['status']> = {
  COMPLETED: 'succeeded',
  PENDING: 'pending',
  FAILED: 'failed',
  CANCELLED: 'canceled',
}
/** The capture an `up` link names (`…/v2/payments/captures/{id}`). */
const upCapture = (links: Link[] | undefined) =>
  links
    ?.find((l) => l.rel === 'up' && l.href.includes('/captures/'))
    ?.href.split('/')
    .pop() ?? null

export class PayPalGateway implements PaymentGateway {
  readonly name = 'paypal' as const
  readonly handles = PAYPAL_EVENTS
  readonly signatureField = 'paypal-transmission-sig'
  private readonly secrets: PayPalSecrets
  private readonly base: string
  private readonly live: boolean

  constructor(secrets: PayPalSecrets, mode: 'test' | 'live', api: string | null) {
    this.secrets = secrets
    this.live = mode === 'live'
    this.base = api ?? (this.live ? PAYPAL_LIVE : PAYPAL_SANDBOX)
  }

  private get tokenKey() {
    return createHash('sha256')
      .update(`${this.base}\n${this.secrets.clientId}\n${this.secrets.clientSecret}`)
      .digest('hex')
  }

  /** An OAuth 2.0 access token (client credentials), reused until shortly before it expires. */
  private async token(fresh = false) {
    const key = this.tokenKey
    const held = tokens.get(key)
    if (!fresh && held && held.until > Date.now()) return held
    const basic = Buffer.from(`${this.secrets.clientId}:${this.secrets.clientSecret}`).toString('base64')
    const res = await fetch(`${this.base}/v1/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(20_000),
    })
    const body = (await res.json().catch(() => null)) as Obj | null
    if (!res.ok || typeof body?.access_token !== 'string') throw new PayPalError(res.status, body)
    const got = {
      token: body.access_token,
      appId: typeof body.app_id === 'string' ? body.app_id : null,
      until: Date.now() + Math.max(60, Number(body.expires_in ?? 300) - 120) * 1000,
    }
    tokens.set(key, got)
    return got
  }

  /** One call to PayPal's API with a bearer token (fetched again once when PayPal says it expired). */
  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    opts: { body?: string; requestId?: string } = {},
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const { token } = await this.token(attempt > 0)
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(opts.requestId ? { 'paypal-request-id': opts.requestId, prefer: 'return=representation' } : {}),
        },
        body: opts.body,
        signal: AbortSignal.timeout(20_000),
      })
      const text = await res.text()
      const body = text ? (JSON.parse(text) as Obj) : {}
      if (res.status === 401 && attempt === 0) {
        tokens.delete(this.tokenKey)
        continue
      }
      if (!res.ok) throw new PayPalError(res.status, body)
      return body as T
    }
  }

  async test(): Promise<ConnectionCheck> {
    try {
      const t = await this.token(true)
      const mode = this.live ? 'live' : 'test'
      return {
        ok: true,
        message: `Connected to PayPal (${this.live ? 'live' : 'sandbox'}): the client id and secret were accepted${t.appId ? ` for app ${t.appId}` : ''}.`,
        accountId: t.appId,
        mode,
      }
    } catch (err) {
      return { ok: false, message: this.message(err), accountId: null, mode: null }
    }
  }

  async createCheckout(input: CheckoutInput) {
    const order = await this.call<Order>('POST', '/v2/checkout/orders', {
      requestId: `atrium-checkout-${input.onlinePaymentId}`,
      body: JSON.stringify({
        intent: 'CAPTURE',
        purchase_units: [
          {
            reference_id: input.onlinePaymentId,
            custom_id: input.onlinePaymentId,
            invoice_id: `${input.invoiceId}:${input.onlinePaymentId}`,
            description: input.description.slice(0, 127),
            amount: { currency_code: input.currency, value: fromMinorUnits(input.amount, input.currency) },
          },
        ],
        payment_source: {
          paypal: {
            experience_context: {
              return_url: input.successUrl,
              cancel_url: input.cancelUrl,
              user_action: 'PAY_NOW',
              shipping_preference: 'NO_SHIPPING',
            },
          },
        },
      }),
    })
    const link =
      order.links?.find((l) => l.rel === 'payer-action') ?? order.links?.find((l) => l.rel === 'approve')
    if (!link) throw new Error('PayPal returned an order without an approval link')
    // An order not approved expires after three hours.
    return {
      sessionId: order.id,
      url: link.href,
      expiresAt: new Date(Date.now() + 3 * 3600_000),
      gatewayPaymentId: order.id,
    }
  }

  async capture(orderId: string, onlinePaymentId: string) {
    try {
      await this.call('POST', `/v2/checkout/orders/${encodeURIComponent(orderId)}/capture`, {
        requestId: `atrium-capture-${onlinePaymentId}`,
        body: '{}',
      })
    } catch (err) {
      // Captured already (by an earlier return), or refused: the order's state says which.
      if (err instanceof PayPalError && err.status === 422) return
      throw err
    }
  }

  async refund(input: RefundInput) {
    if (!input.gatewayChargeId) throw new Error('The PayPal payment has no capture to refund')
    const r = await this.call<Refund>(
      'POST',
      `/v2/payments/captures/${encodeURIComponent(input.gatewayChargeId)}/refund`,
      {
        requestId: `atrium-refund-${input.refundId}`,
        body: JSON.stringify({
          amount: { currency_code: input.currency, value: fromMinorUnits(input.amount, input.currency) },
          custom_id: input.refundId,
          invoice_id: `${input.onlinePaymentId}:${input.refundId}`,
        }),
      },
    )
    return { gatewayRefundId: r.id, status: refundStatus[r.status] ?? 'pending' }
  }

  /**
   * Verified by PayPal (`/v1/notifications/verify-webhook-signature`) with the webhook id stored with
   * the connection: the event is sent back byte for byte as it came, inside the request.
   */
  async verify(
    rawBody: string,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<GatewayEvent> {
    const h: Record<string, string> = {}
    for (const name of SIGNATURE_HEADERS) {
      const v = headers[name]
      if (typeof v !== 'string' || !v) throw new BadSignature(`no ${name} header`)
      h[name] = v
    }
    let event: Obj
    try {
      event = JSON.parse(rawBody) as Obj
    } catch {
      throw new BadSignature('the body is not JSON')
    }
    if (!event || typeof event !== 'object' || typeof event.id !== 'string')
      throw new BadSignature('the body is not a PayPal event')
    const fields = JSON.stringify({
      auth_algo: h['paypal-auth-algo'],
      cert_url: h['paypal-cert-url'],
      transmission_id: h['paypal-transmission-id'],
      transmission_sig: h['paypal-transmission-sig'],
      transmission_time: h['paypal-transmission-time'],
      webhook_id: this.secrets.webhookId,
    })
    const result = await this.call<{ verification_status?: string }>(
      'POST',
      '/v1/notifications/verify-webhook-signature',
      { body: `${fields.slice(0, -1)},"webhook_event":${rawBody}}` },
    )
    if (result.verification_status !== 'SUCCESS')
      throw new BadSignature(`PayPal answered ${result.verification_status ?? 'no status'}`)

    const resource = (event.resource ?? {}) as Capture & Refund
    let orderId = resource.supplementary_data?.related_ids?.order_id ?? null
    let customId = resource.custom_id ?? null
    if (event.resource_type === 'checkout-order') orderId = resource.id
    else if (!orderId && event.resource_type === 'refund') {
      // A refund names its capture; the capture names its order and our payment.
      const captureId = upCapture(resource.links)
      if (captureId) {
        const c = await this.call<Capture>('GET', `/v2/payments/captures/${encodeURIComponent(captureId)}`)
        orderId = c.supplementary_data?.related_ids?.order_id ?? null
        customId = c.custom_id ?? null
      }
    }
    return {
      id: event.id,
      type: String(event.event_type ?? ''),
      created: when(event.create_time as string | undefined) ?? new Date(),
      objectId: typeof resource.id === 'string' ? resource.id : null,
      gatewayPaymentId: orderId,
      checkoutSessionId: orderId,
      metadata: customId?.startsWith('opay_') ? { atrium_online_payment: customId } : {},
      livemode: this.live,
    }
  }

  /** The order as PayPal holds it now: its capture (fee and net from the seller breakdown) and refunds. */
  async paymentState(orderId: string): Promise<PaymentState> {
    const order = await this.call<Order>('GET', `/v2/checkout/orders/${encodeURIComponent(orderId)}`)
    const unit = order.purchase_units?.[0] ?? {}
    const captures = unit.payments?.captures ?? []
    const taken = new Set(['COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED'])
    const capture = captures.find((c) => taken.has(c.status)) ?? captures.at(-1) ?? null
    const succeeded = !!capture && taken.has(capture.status)
    const failed =
      !succeeded &&
      (order.status === 'VOIDED' || capture?.status === 'DECLINED' || capture?.status === 'FAILED')
    const currency = capture?.amount.currency_code ?? unit.amount?.currency_code ?? 'USD'
    const breakdown = capture?.seller_receivable_breakdown
    const invoiceRef = (unit.invoice_id ?? '').split(':')
    return {
      gatewayPaymentId: order.id,
      status: succeeded ? 'succeeded' : failed ? 'failed' : 'pending',
      amountReceived: succeeded ? (minor(capture.amount) ?? 0) : 0,
      currency,
      chargeId: capture?.id ?? null,
      balanceTransactionId: null,
      fee: minor(breakdown?.paypal_fee),
      net: minor(breakdown?.net_amount),
      feeCurrency: breakdown?.paypal_fee?.currency_code ?? breakdown?.net_amount?.currency_code ?? null,
      failureMessage: failed
        ? `PayPal: ${capture?.status_details?.reason ?? capture?.status ?? order.status}`
        : null,
      livemode: this.live,
      paidAt: succeeded ? when(capture.create_time ?? capture.update_time) : null,
      metadata: {
        ...(unit.custom_id ? { atrium_online_payment: unit.custom_id } : {}),
        ...(invoiceRef.length === 2 ? { atrium_invoice: invoiceRef[0]! } : {}),
      },
      refunds: (unit.payments?.refunds ?? []).map((r) => ({
        id: r.id,
        amount: minor(r.amount) ?? 0,
        status: refundStatus[r.status] ?? 'pending',
        created: when(r.create_time) ?? new Date(),
        metadata: (r.custom_id ? { atrium_refund: r.custom_id } : {}) as Record<string, string>,
      })),
      disputes: [],
    }
  }

  /**
   * PayPal has no listing of orders (its transaction search needs its own permission and lags by up
   * to three hours): reconciliation reads the orders of Atrium's own attempts instead.
   */
  async *listPayments(): AsyncIterable<string> {}

  message(err: unknown) {
    return err instanceof Error ? err.message : String(err)
  }
}

/** The payment (its capture) in PayPal's dashboard. */
export const paypalDashboardUrl = (captureId: string, livemode: boolean) =>
  `https://www.${livemode ? '' : 'sandbox.'}paypal.com/activity/payment/${captureId}`
