import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { StripeTestBilling } from '../billing/stripe-test-billing.ts'

/**
 * A local stand-in for the few Stripe API endpoints Atrium calls, for tests: the real `stripe` SDK is
 * pointed at it (STRIPE_API_URL). It answers objects shaped as Stripe documents them (Checkout
 * Session, PaymentIntent, Charge, BalanceTransaction, Refund, Dispute, Event), honours idempotency keys
 * as Stripe does (same key, same answer), and plays the payer and Stripe: each helper changes the
 * state and returns the events Stripe would send, for the test to sign and deliver.
 */
type Obj = Record<string, unknown>

export type FakeRequest = {
  method: string
  path: string
  params: Obj
  idempotencyKey: string | null
  key: string
}

const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`

function parseForm(body: string): Obj {
  const out: Obj = {}
  for (const [k, v] of new URLSearchParams(body)) {
    const path = k.replace(/\]/g, '').split('[')
    let o = out
    for (const [i, p] of path.entries()) {
      if (i === path.length - 1) o[p] = v
      else {
        o[p] ??= {}
        o = o[p] as Obj
      }
    }
  }
  return out
}

export class StripeTestServer {
  readonly requests: FakeRequest[] = []
  readonly keys = new Set<string>()
  account = {
    id: 'acct_1TestAtrium',
    object: 'account',
    settings: { dashboard: { display_name: 'Test Studio' } },
  }
  /** Stripe's fee on each charge: 2.9 % + 30 minor units, as its standard pricing. */
  fee = (amount: number) => Math.round(amount * 0.029) + 30
  private server: Server | null = null
  private clock = Math.floor(Date.now() / 1000)
  private readonly sessions = new Map<string, Obj>()
  private readonly intents = new Map<string, Obj>()
  private readonly charges = new Map<string, Obj>()
  private readonly balanceTransactions = new Map<string, Obj>()
  private readonly refunds = new Map<string, Obj>()
  private readonly disputes = new Map<string, Obj>()
  private readonly idempotent = new Map<string, { status: number; body: Obj }>()
  /** The operator's subscriptions (customers, prices, subscriptions, invoices): `billing/stripe-test-billing.ts`. */
  readonly billing = new StripeTestBilling(this.clock, (type, object) => this.event(type, object))

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r))
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  async stop() {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()))
  }

  private tick() {
    this.clock += 1
    return this.clock
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    let body = ''
    for await (const c of req) body += c
    const url = new URL(req.url ?? '/', 'http://x')
    const params = req.method === 'GET' ? parseForm(url.searchParams.toString()) : parseForm(body)
    const key = (req.headers.authorization ?? '').replace(/^Bearer /, '')
    const idem = (req.headers['idempotency-key'] as string | undefined) ?? null
    this.requests.push({ method: req.method!, path: url.pathname, params, idempotencyKey: idem, key })
    const send = (status: number, o: Obj) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': rid('req') })
      res.end(JSON.stringify(o))
    }
    if (!this.keys.has(key))
      return send(401, {
        error: {
          type: 'invalid_request_error',
          message: `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`,
        },
      })
    if (idem && this.idempotent.has(`${key}:${idem}`)) {
      const prior = this.idempotent.get(`${key}:${idem}`)!
      return send(prior.status, prior.body)
    }
    const [status, out] = this.route(req.method!, url.pathname, params)
    if (idem && req.method === 'POST') this.idempotent.set(`${key}:${idem}`, { status, body: out })
    send(status, out)
  }

  private notFound(id: string): [number, Obj] {
    return [
      404,
      {
        error: {
          type: 'invalid_request_error',
          code: 'resource_missing',
          message: `No such object: '${id}'`,
        },
      },
    ]
  }

  private route(method: string, path: string, p: Obj): [number, Obj] {
    const parts = path.split('/').filter(Boolean)
    const billed = this.billing.route(method, path, p)
    if (billed) return billed
    if (method === 'GET' && path === '/v1/account') return [200, this.account]
    if (method === 'GET' && path === '/v1/balance')
      return [
        200,
        { object: 'balance', available: [{ amount: 0, currency: 'eur' }], pending: [], livemode: false },
      ]
    if (method === 'POST' && path === '/v1/checkout/sessions') return [200, this.createSession(p)]
    if (method === 'GET' && parts[1] === 'checkout' && parts[3]) {
      const s = this.sessions.get(parts[3])
      return s ? [200, s] : this.notFound(parts[3])
    }
    if (method === 'GET' && path === '/v1/payment_intents') {
      const gte = Number((p.created as Obj | undefined)?.gte ?? 0)
      const data = [...this.intents.values()].filter((pi) => (pi.created as number) >= gte)
      return [
        200,
        this.list(
          '/v1/payment_intents',
          data.map((pi) => ({ ...pi })),
        ),
      ]
    }
    if (method === 'GET' && parts[1] === 'payment_intents' && parts[2]) {
      const pi = this.intents.get(parts[2])
      if (!pi) return this.notFound(parts[2])
      const expand = Object.values((p.expand as Obj) ?? {}) as string[]
      return [200, this.intentView(pi, expand.includes('latest_charge.balance_transaction'))]
    }
    if (method === 'GET' && path === '/v1/refunds') {
      const data = [...this.refunds.values()].filter((r) => !p.charge || r.charge === p.charge)
      return [200, this.list('/v1/refunds', data)]
    }
    if (method === 'GET' && path === '/v1/disputes') {
      const data = [...this.disputes.values()].filter((d) => !p.charge || d.charge === p.charge)
      return [200, this.list('/v1/disputes', data)]
    }
    if (method === 'POST' && path === '/v1/refunds') return this.createRefund(p)
    return [
      404,
      { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } },
    ]
  }

  private list(url: string, data: Obj[]) {
    return {
      object: 'list',
      data: data.sort((a, b) => (b.created as number) - (a.created as number)),
      has_more: false,
      url,
    }
  }

  private createSession(p: Obj): Obj {
    const li = ((p.line_items as Obj)?.['0'] ?? {}) as Obj
    const price = (li.price_data ?? {}) as Obj
    const amount = Number(price.unit_amount) * Number(li.quantity ?? 1)
    const id = `cs_test_${randomBytes(24).toString('hex')}`
    const created = this.tick()
    const s: Obj = {
      id,
      object: 'checkout.session',
      amount_subtotal: amount,
      amount_total: amount,
      cancel_url: p.cancel_url,
      client_reference_id: p.client_reference_id ?? null,
      created,
      currency: price.currency,
      customer: null,
      customer_email: p.customer_email ?? null,
      expires_at: created + 24 * 3600,
      livemode: false,
      metadata: p.metadata ?? {},
      mode: p.mode,
      payment_intent: null,
      payment_status: 'unpaid',
      status: 'open',
      success_url: p.success_url,
      url: `https://checkout.stripe.com/c/pay/${id}`,
      payment_intent_metadata: ((p.payment_intent_data as Obj)?.metadata ?? {}) as Obj,
    }
    this.sessions.set(id, s)
    return this.sessionView(s)
  }

  private sessionView(s: Obj): Obj {
    const { payment_intent_metadata: _, ...rest } = s
    return { ...rest }
  }

  private intentView(pi: Obj, expand: boolean): Obj {
    if (!expand || !pi.latest_charge) return { ...pi }
    const ch = this.charges.get(pi.latest_charge as string)!
    return {
      ...pi,
      latest_charge: {
        ...ch,
        balance_transaction: this.balanceTransactions.get(ch.balance_transaction as string),
      },
    }
  }

  private chargeView(ch: Obj): Obj {
    const refunds = [...this.refunds.values()].filter((r) => r.charge === ch.id && r.status === 'succeeded')
    const refunded = refunds.reduce((n, r) => n + (r.amount as number), 0)
    return { ...ch, amount_refunded: refunded, refunded: refunded >= (ch.amount as number) }
  }

  private event(type: string, object: Obj): Obj {
    return {
      id: rid('evt'),
      object: 'event',
      api_version: '2026-10-28.endive',
      created: this.tick(),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    }
  }

  /** The payer pays the session by card: a succeeded PaymentIntent, its charge and balance transaction. */
  pay(sessionId: string): { paymentIntentId: string; events: Obj[] } {
    const s = this.sessions.get(sessionId)
    if (!s) throw new Error(`no session ${sessionId}`)
    const pi = this.intentFor(s)
    const amount = s.amount_total as number
    const created = this.tick()
    const bt: Obj = {
      id: rid('txn'),
      object: 'balance_transaction',
      amount,
      currency: s.currency,
      fee: this.fee(amount),
      net: amount - this.fee(amount),
      created,
      status: 'pending',
      type: 'charge',
      reporting_category: 'charge',
    }
    this.balanceTransactions.set(bt.id as string, bt)
    const ch: Obj = {
      id: rid('ch'),
      object: 'charge',
      amount,
      amount_captured: amount,
      amount_refunded: 0,
      balance_transaction: bt.id,
      captured: true,
      created,
      currency: s.currency,
      disputed: false,
      livemode: false,
      metadata: {},
      paid: true,
      payment_intent: pi.id,
      refunded: false,
      status: 'succeeded',
    }
    this.charges.set(ch.id as string, ch)
    Object.assign(pi, {
      status: 'succeeded',
      amount_received: amount,
      latest_charge: ch.id,
      last_payment_error: null,
    })
    Object.assign(s, { status: 'complete', payment_status: 'paid', payment_intent: pi.id })
    return {
      paymentIntentId: pi.id as string,
      events: [
        this.event('charge.succeeded', this.chargeView(ch)),
        this.event('payment_intent.succeeded', { ...pi }),
        this.event('checkout.session.completed', this.sessionView(s)),
      ],
    }
  }

  /** The payer's card is declined. */
  decline(
    sessionId: string,
    message = 'Your card was declined.',
  ): { paymentIntentId: string; events: Obj[] } {
    const s = this.sessions.get(sessionId)
    if (!s) throw new Error(`no session ${sessionId}`)
    const pi = this.intentFor(s)
    Object.assign(pi, {
      status: 'requires_payment_method',
      last_payment_error: {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message,
      },
    })
    return {
      paymentIntentId: pi.id as string,
      events: [this.event('payment_intent.payment_failed', { ...pi })],
    }
  }

  private intentFor(s: Obj): Obj {
    const existing = s.payment_intent ? this.intents.get(s.payment_intent as string) : undefined
    if (existing) return existing
    const pi: Obj = {
      id: rid('pi'),
      object: 'payment_intent',
      amount: s.amount_total,
      amount_received: 0,
      currency: s.currency,
      created: this.tick(),
      latest_charge: null,
      last_payment_error: null,
      livemode: false,
      metadata: s.payment_intent_metadata,
      status: 'requires_payment_method',
    }
    this.intents.set(pi.id as string, pi)
    s.payment_intent = pi.id
    return pi
  }

  private createRefund(p: Obj): [number, Obj] {
    const pi = this.intents.get(p.payment_intent as string)
    if (pi?.status !== 'succeeded' || !pi.latest_charge)
      return [
        400,
        {
          error: {
            type: 'invalid_request_error',
            message: 'This PaymentIntent has no successful charge to refund.',
          },
        },
      ]
    const ch = this.chargeView(this.charges.get(pi.latest_charge as string)!)
    const pending = [...this.refunds.values()]
      .filter((r) => r.charge === ch.id && r.status === 'pending')
      .reduce((n, r) => n + (r.amount as number), 0)
    const left = (ch.amount as number) - (ch.amount_refunded as number) - pending
    const amount = p.amount ? Number(p.amount) : left
    if (amount > left)
      return [
        400,
        {
          error: {
            type: 'invalid_request_error',
            code: 'charge_already_refunded',
            message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
          },
        },
      ]
    const r: Obj = {
      id: rid('re'),
      object: 'refund',
      amount,
      charge: ch.id,
      created: this.tick(),
      currency: ch.currency,
      metadata: p.metadata ?? {},
      payment_intent: pi.id,
      reason: p.reason ?? null,
      status: 'pending',
    }
    this.refunds.set(r.id as string, r)
    return [200, { ...r }]
  }

  /** Stripe settles a refund asked through the API: `charge.refunded` (and the refund succeeded). */
  settleRefund(refundId: string): Obj[] {
    const r = this.refunds.get(refundId)
    if (!r) throw new Error(`no refund ${refundId}`)
    r.status = 'succeeded'
    return [this.event('charge.refunded', this.chargeView(this.charges.get(r.charge as string)!))]
  }

  /** A refund made in Stripe's dashboard, settled at once. */
  refundInDashboard(paymentIntentId: string, amount: number): { refundId: string; events: Obj[] } {
    const [, r] = this.createRefund({ payment_intent: paymentIntentId, amount: String(amount) })
    if (!r.id) throw new Error(JSON.stringify(r))
    return { refundId: r.id as string, events: this.settleRefund(r.id as string) }
  }

  /** The payer's bank disputes the charge. */
  openDispute(paymentIntentId: string): { disputeId: string; events: Obj[] } {
    const pi = this.intents.get(paymentIntentId)!
    const ch = this.charges.get(pi.latest_charge as string)!
    ch.disputed = true
    const d: Obj = {
      id: rid('dp'),
      object: 'dispute',
      amount: ch.amount,
      charge: ch.id,
      created: this.tick(),
      currency: ch.currency,
      livemode: false,
      metadata: {},
      payment_intent: pi.id,
      reason: 'fraudulent',
      status: 'needs_response',
    }
    this.disputes.set(d.id as string, d)
    return { disputeId: d.id as string, events: [this.event('charge.dispute.created', { ...d })] }
  }

  /** The dispute ends: `won` or `lost`. */
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Obj[] {
    const d = this.disputes.get(disputeId)!
    d.status = outcome
    return [this.event('charge.dispute.closed', { ...d })]
  }

  /** Any event of Stripe's, about an object given as is. */
  rawEvent(type: string, object: Obj): Obj {
    return this.event(type, object)
  }
}
