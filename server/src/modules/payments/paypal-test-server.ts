import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { crc32 } from 'node:zlib'
import { fromMinorUnits, toMinorUnits } from '../../../../contracts/money.ts'

/**
 * A local stand-in for the few PayPal REST endpoints Atrium calls, for tests (PAYPAL_API_URL): the
 * OAuth token, Orders v2 (create, show, capture), Payments v2 (show a capture, refund it) and
 * Notifications v1 (verify-webhook-signature). Objects are shaped as PayPal documents them (snake
 * case, money as `{ currency_code, value }`), `PayPal-Request-Id` is honoured as PayPal does (same id,
 * same answer), and helpers play the payer and PayPal: each changes the state and returns the webhook
 * event PayPal would send, with its transmission headers, for the test to deliver.
 *
 * Signatures: PayPal signs `transmission_id|transmission_time|webhook_id|crc32(body)` with its
 * certificate; here an HMAC with a key of the stand-in does, and verify-webhook-signature checks it the
 * same way — so a tampered body, another webhook id or a made-up signature answer FAILURE.
 */
type Obj = Record<string, unknown>
type Money = { currency_code: string; value: string }

export type PayPalApp = { clientId: string; clientSecret: string; webhookId: string; appId: string }
export type PayPalRequest = {
  method: string
  path: string
  body: Obj
  requestId: string | null
  clientId: string | null
}
export type PayPalDelivery = { body: string; headers: Record<string, string> }

const pid = (n = 17) => randomBytes(n).toString('hex').toUpperCase().slice(0, n)

export class PayPalTestServer {
  readonly requests: PayPalRequest[] = []
  readonly apps = new Map<string, PayPalApp>()
  /** PayPal's fee on each capture: 3.49 % + 49 minor units. */
  fee = (amount: number) => Math.round(amount * 0.0349) + 49
  private readonly signingKey = randomBytes(32)
  private readonly tokens = new Map<string, string>()
  private readonly orders = new Map<string, Obj>()
  private readonly captures = new Map<string, { capture: Obj; orderId: string }>()
  private readonly idempotent = new Map<string, { status: number; body: Obj }>()
  private server: Server | null = null
  private base = ''

  /** A REST app with its credentials and one webhook. */
  app(name = 'atrium'): PayPalApp {
    const a = {
      clientId: `A${pid(20)}${name.replace(/\W/g, '')}`,
      clientSecret: `E${pid(30)}`,
      webhookId: `${pid(17)}`,
      appId: `APP-${pid(17)}`,
    }
    this.apps.set(a.clientId, a)
    return a
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r))
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this.base
  }

  async stop() {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    let raw = ''
    for await (const c of req) raw += c
    const url = new URL(req.url ?? '/', 'http://x')
    const send = (status: number, o: Obj) => {
      res.writeHead(status, { 'content-type': 'application/json', 'paypal-debug-id': pid(13).toLowerCase() })
      res.end(status === 204 ? '' : JSON.stringify(o))
    }
    const auth = req.headers.authorization ?? ''
    if (req.method === 'POST' && url.pathname === '/v1/oauth2/token') {
      const [id, secret] = Buffer.from(auth.replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':')
      const a = this.apps.get(id ?? '')
      this.requests.push({
        method: 'POST',
        path: url.pathname,
        body: {},
        requestId: null,
        clientId: id ?? null,
      })
      if (!a || a.clientSecret !== secret)
        return send(401, { error: 'invalid_client', error_description: 'Client Authentication failed' })
      const token = `A21AA${pid(40)}`
      this.tokens.set(token, a.clientId)
      return send(200, {
        scope:
          'https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund',
        access_token: token,
        token_type: 'Bearer',
        app_id: a.appId,
        expires_in: 32400,
        nonce: `${new Date().toISOString()}${pid(8)}`,
      })
    }
    const clientId = this.tokens.get(auth.replace(/^Bearer /, '')) ?? null
    let body: Obj = {}
    try {
      body = raw ? (JSON.parse(raw) as Obj) : {}
    } catch {
      return send(400, { name: 'INVALID_REQUEST', message: 'Request is not well-formed.' })
    }
    const requestId = (req.headers['paypal-request-id'] as string | undefined) ?? null
    this.requests.push({ method: req.method!, path: url.pathname, body, requestId, clientId })
    if (!clientId)
      return send(401, { error: 'invalid_token', error_description: 'Token signature verification failed' })
    const idem = requestId ? `${clientId}:${requestId}` : null
    if (idem && this.idempotent.has(idem)) {
      const prior = this.idempotent.get(idem)!
      return send(prior.status, prior.body)
    }
    const [status, out] = this.route(req.method!, url.pathname, body, raw, clientId)
    if (idem && req.method === 'POST' && status < 500) this.idempotent.set(idem, { status, body: out })
    send(status, out)
  }

  private error(status: number, name: string, message: string, issue?: string): [number, Obj] {
    return [
      status,
      {
        name,
        message,
        debug_id: pid(13).toLowerCase(),
        ...(issue ? { details: [{ issue, description: message }] } : {}),
      },
    ]
  }

  private route(method: string, path: string, body: Obj, raw: string, clientId: string): [number, Obj] {
    const parts = path.split('/').filter(Boolean)
    if (method === 'POST' && path === '/v2/checkout/orders') return this.createOrder(body, clientId)
    if (parts[0] === 'v2' && parts[1] === 'checkout' && parts[2] === 'orders' && parts[3]) {
      const order = this.orders.get(parts[3])
      if (!order || order._client !== clientId)
        return this.error(
          404,
          'RESOURCE_NOT_FOUND',
          'The specified resource does not exist.',
          'INVALID_RESOURCE_ID',
        )
      if (method === 'GET' && parts.length === 4) return [200, this.view(order)]
      if (method === 'POST' && parts[4] === 'capture') return this.capture(order)
    }
    if (parts[0] === 'v2' && parts[1] === 'payments' && parts[2] === 'captures' && parts[3]) {
      const c = this.captures.get(parts[3])
      if (!c || (this.orders.get(c.orderId)?._client as string) !== clientId)
        return this.error(
          404,
          'RESOURCE_NOT_FOUND',
          'The specified resource does not exist.',
          'INVALID_RESOURCE_ID',
        )
      if (method === 'GET' && parts.length === 4) return [200, c.capture]
      if (method === 'POST' && parts[4] === 'refund') return this.refund(c.orderId, c.capture, body)
    }
    if (method === 'POST' && path === '/v1/notifications/verify-webhook-signature')
      return this.verify(body, raw, clientId)
    return this.error(404, 'RESOURCE_NOT_FOUND', `No route for ${method} ${path}`)
  }

  private createOrder(body: Obj, clientId: string): [number, Obj] {
    const unit = (body.purchase_units as Obj[] | undefined)?.[0]
    const amount = unit?.amount as Money | undefined
    if (
      body.intent !== 'CAPTURE' ||
      !amount?.currency_code ||
      toMinorUnits(amount.value, amount.currency_code) === null
    )
      return this.error(
        422,
        'UNPROCESSABLE_ENTITY',
        'The requested action could not be performed.',
        'INVALID_PARAMETER_VALUE',
      )
    const id = pid(17)
    const ctx = ((body.payment_source as Obj | undefined)?.paypal as Obj | undefined)?.experience_context as
      | Obj
      | undefined
    const order: Obj = {
      id,
      intent: 'CAPTURE',
      status: 'PAYER_ACTION_REQUIRED',
      create_time: new Date().toISOString(),
      purchase_units: [{ ...unit, payee: { merchant_id: 'TESTMERCHANT1' } }],
      _client: clientId,
      _return: ctx?.return_url ?? null,
      _cancel: ctx?.cancel_url ?? null,
    }
    this.orders.set(id, order)
    return [200, this.view(order)]
  }

  /** The order as PayPal answers it (without the stand-in's own fields), with its links. */
  private view(order: Obj): Obj {
    const out: Obj = {}
    for (const [k, v] of Object.entries(order)) if (!k.startsWith('_')) out[k] = v
    out.links = [
      { href: `${this.base}/v2/checkout/orders/${order.id}`, rel: 'self', method: 'GET' },
      ...(order.status === 'PAYER_ACTION_REQUIRED'
        ? [
            {
              href: `https://www.sandbox.paypal.com/checkoutnow?token=${order.id}`,
              rel: 'payer-action',
              method: 'GET',
            },
          ]
        : []),
      ...(order.status === 'APPROVED'
        ? [{ href: `${this.base}/v2/checkout/orders/${order.id}/capture`, rel: 'capture', method: 'POST' }]
        : []),
    ]
    return structuredClone(out)
  }

  private unit(order: Obj) {
    return (order.purchase_units as Obj[])[0]! as Obj & {
      amount: Money
      payments?: { captures?: Obj[]; refunds?: Obj[] }
    }
  }

  private capture(order: Obj): [number, Obj] {
    if (order.status === 'COMPLETED')
      return this.error(
        422,
        'UNPROCESSABLE_ENTITY',
        'The requested action could not be performed.',
        'ORDER_ALREADY_CAPTURED',
      )
    if (order.status !== 'APPROVED')
      return this.error(
        422,
        'UNPROCESSABLE_ENTITY',
        'The requested action could not be performed.',
        'ORDER_NOT_APPROVED',
      )
    const u = this.unit(order)
    const gross = toMinorUnits(u.amount.value, u.amount.currency_code)!
    const declined = order._decline === true
    const fee = this.fee(gross)
    const now = new Date().toISOString()
    const capture: Obj = {
      id: pid(17),
      status: declined ? 'DECLINED' : order._pending ? 'PENDING' : 'COMPLETED',
      amount: u.amount,
      final_capture: true,
      custom_id: u.custom_id,
      invoice_id: u.invoice_id,
      seller_protection: { status: 'ELIGIBLE' },
      seller_receivable_breakdown: {
        gross_amount: u.amount,
        paypal_fee: {
          currency_code: u.amount.currency_code,
          value: fromMinorUnits(fee, u.amount.currency_code),
        },
        net_amount: {
          currency_code: u.amount.currency_code,
          value: fromMinorUnits(gross - fee, u.amount.currency_code),
        },
      },
      ...(order._pending ? { status_details: { reason: 'PENDING_REVIEW' } } : {}),
      supplementary_data: { related_ids: { order_id: order.id } },
      create_time: now,
      update_time: now,
      links: [
        { href: `${this.base}/v2/payments/captures/CAPID`, rel: 'self', method: 'GET' },
        { href: `${this.base}/v2/payments/captures/CAPID/refund`, rel: 'refund', method: 'POST' },
        { href: `${this.base}/v2/checkout/orders/${order.id}`, rel: 'up', method: 'GET' },
      ],
    }
    capture.links = (capture.links as Obj[]).map((l) => ({
      ...l,
      href: String(l.href).replace('CAPID', String(capture.id)),
    }))
    u.payments = { captures: [capture] }
    order.status = declined ? 'APPROVED' : 'COMPLETED'
    this.captures.set(String(capture.id), { capture, orderId: String(order.id) })
    if (declined)
      return this.error(
        422,
        'UNPROCESSABLE_ENTITY',
        'The instrument presented was either declined by the processor or bank.',
        'INSTRUMENT_DECLINED',
      )
    return [201, this.view(order)]
  }

  private refund(orderId: string, capture: Obj, body: Obj): [number, Obj] {
    const order = this.orders.get(orderId)!
    const u = this.unit(order)
    const currency = (capture.amount as Money).currency_code
    const captured = toMinorUnits((capture.amount as Money).value, currency)!
    const refunds = u.payments!.refunds ?? []
    const done = refunds
      .filter((r) => r.status !== 'FAILED' && r.status !== 'CANCELLED')
      .reduce((n, r) => n + toMinorUnits((r.amount as Money).value, currency)!, 0)
    const asked = body.amount ? toMinorUnits((body.amount as Money).value, currency) : captured - done
    if (asked === null || asked <= 0 || asked > captured - done)
      return this.error(
        422,
        'UNPROCESSABLE_ENTITY',
        'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
        'REFUND_AMOUNT_EXCEEDED',
      )
    const r = this.newRefund(
      order,
      capture,
      asked,
      'PENDING',
      (body.custom_id as string | undefined) ?? undefined,
    )
    return [201, r]
  }

  private newRefund(order: Obj, capture: Obj, amount: number, status: string, customId?: string) {
    const u = this.unit(order)
    const currency = (capture.amount as Money).currency_code
    const now = new Date().toISOString()
    const r: Obj = {
      id: pid(17),
      status,
      amount: { currency_code: currency, value: fromMinorUnits(amount, currency) },
      ...(customId ? { custom_id: customId } : {}),
      invoice_id: capture.invoice_id,
      seller_payable_breakdown: {
        gross_amount: { currency_code: currency, value: fromMinorUnits(amount, currency) },
        net_amount: { currency_code: currency, value: fromMinorUnits(amount, currency) },
      },
      create_time: now,
      update_time: now,
      links: [
        { href: `${this.base}/v2/payments/refunds/REF`, rel: 'self', method: 'GET' },
        { href: `${this.base}/v2/payments/captures/${capture.id}`, rel: 'up', method: 'GET' },
      ],
    }
    r.links = (r.links as Obj[]).map((l) => ({ ...l, href: String(l.href).replace('REF', String(r.id)) }))
    u.payments!.refunds = [...(u.payments!.refunds ?? []), r]
    this.settleCaptureStatus(order, capture)
    return r
  }

  private settleCaptureStatus(order: Obj, capture: Obj) {
    const currency = (capture.amount as Money).currency_code
    const captured = toMinorUnits((capture.amount as Money).value, currency)!
    const refunded = (this.unit(order).payments!.refunds ?? [])
      .filter((r) => r.status === 'COMPLETED')
      .reduce((n, r) => n + toMinorUnits((r.amount as Money).value, currency)!, 0)
    if (
      capture.status === 'COMPLETED' ||
      capture.status === 'PARTIALLY_REFUNDED' ||
      capture.status === 'REFUNDED'
    )
      capture.status = refunded >= captured ? 'REFUNDED' : refunded > 0 ? 'PARTIALLY_REFUNDED' : 'COMPLETED'
  }

  private verify(body: Obj, raw: string, clientId: string): [number, Obj] {
    const app = this.apps.get(clientId)
    // The event as it was sent: the request carries it byte for byte after `"webhook_event":`.
    const at = raw.indexOf('"webhook_event":')
    const event = at >= 0 ? raw.slice(at + '"webhook_event":'.length, -1) : ''
    const expected = this.sign(
      String(body.transmission_id),
      String(body.transmission_time),
      String(body.webhook_id),
      event,
    )
    const ok =
      !!app &&
      app.webhookId === body.webhook_id &&
      body.auth_algo === 'SHA256withRSA' &&
      body.transmission_sig === expected
    return [200, { verification_status: ok ? 'SUCCESS' : 'FAILURE' }]
  }

  private sign(transmissionId: string, time: string, webhookId: string, body: string) {
    return createHmac('sha256', this.signingKey)
      .update(`${transmissionId}|${time}|${webhookId}|${crc32(Buffer.from(body))}`)
      .digest('base64')
  }

  /** An event as PayPal would deliver it to the app's webhook: its body and transmission headers. */
  deliveryOf(app: PayPalApp, event: Obj, opts: { webhookId?: string } = {}): PayPalDelivery {
    const body = JSON.stringify(event)
    const transmissionId = randomUUID()
    const time = new Date().toISOString()
    return {
      body,
      headers: {
        'paypal-transmission-id': transmissionId,
        'paypal-transmission-time': time,
        'paypal-transmission-sig': this.sign(transmissionId, time, opts.webhookId ?? app.webhookId, body),
        'paypal-cert-url':
          'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-test',
        'paypal-auth-algo': 'SHA256withRSA',
      },
    }
  }

  private event(type: string, resourceType: 'capture' | 'refund', resource: Obj): Obj {
    return {
      id: `WH-${pid(17)}-${pid(17)}`,
      event_version: '1.0',
      create_time: new Date().toISOString(),
      resource_type: resourceType,
      resource_version: '2.0',
      event_type: type,
      summary: type,
      resource: structuredClone(resource),
      links: [],
    }
  }

  // ---- the payer and PayPal ----------------------------------------------------------------------

  /** The order behind a `payer-action` URL. */
  orderOf(url: string) {
    const id = new URL(url).searchParams.get('token')!
    return this.orders.get(id)!
  }

  /** The payer approves (optionally: the capture will be declined, or held pending). Returns the return URL. */
  approve(url: string, opts: { decline?: boolean; pending?: boolean } = {}) {
    const order = this.orderOf(url)
    order.status = 'APPROVED'
    if (opts.decline) order._decline = true
    if (opts.pending) order._pending = true
    const back = new URL(String(order._return))
    back.searchParams.set('token', String(order.id))
    back.searchParams.set('PayerID', 'PAYERTEST123')
    return back.toString()
  }

  /** The capture of an order (after Atrium captured it). */
  captureOf(orderId: string) {
    return (this.unit(this.orders.get(orderId)!).payments?.captures ?? [])[0] as Obj | undefined
  }

  /** `PAYMENT.CAPTURE.COMPLETED` for an order's capture (a pending capture clears first). */
  completed(orderId: string) {
    const c = this.captureOf(orderId)!
    if (c.status === 'PENDING') {
      c.status = 'COMPLETED'
      delete c.status_details
      this.orders.get(orderId)!.status = 'COMPLETED'
    }
    return this.event('PAYMENT.CAPTURE.COMPLETED', 'capture', c)
  }

  /** A pending capture denied: `PAYMENT.CAPTURE.DENIED`. */
  denied(orderId: string) {
    const c = this.captureOf(orderId)!
    c.status = 'DECLINED'
    return this.event('PAYMENT.CAPTURE.DENIED', 'capture', c)
  }

  /** PayPal completes a refund (the latest pending one, or one made in its dashboard): `PAYMENT.CAPTURE.REFUNDED`. */
  refunded(orderId: string, opts: { amount?: number } = {}) {
    const order = this.orders.get(orderId)!
    const c = this.captureOf(orderId)!
    let r = (this.unit(order).payments!.refunds ?? []).find((x) => x.status === 'PENDING')
    if (opts.amount !== undefined || !r)
      r = this.newRefund(
        order,
        c,
        opts.amount ?? toMinorUnits((c.amount as Money).value, (c.amount as Money).currency_code)!,
        'PENDING',
      )
    r.status = 'COMPLETED'
    this.settleCaptureStatus(order, c)
    return this.event('PAYMENT.CAPTURE.REFUNDED', 'refund', r)
  }

  /** PayPal takes the money back (a reversal): `PAYMENT.CAPTURE.REVERSED`, read as a completed refund. */
  reversed(orderId: string) {
    const order = this.orders.get(orderId)!
    const c = this.captureOf(orderId)!
    const currency = (c.amount as Money).currency_code
    const left =
      toMinorUnits((c.amount as Money).value, currency)! -
      (this.unit(order).payments!.refunds ?? [])
        .filter((x) => x.status === 'COMPLETED')
        .reduce((n, x) => n + toMinorUnits((x.amount as Money).value, currency)!, 0)
    const r = this.newRefund(order, c, left, 'COMPLETED')
    this.settleCaptureStatus(order, c)
    return this.event('PAYMENT.CAPTURE.REVERSED', 'refund', r)
  }
}
