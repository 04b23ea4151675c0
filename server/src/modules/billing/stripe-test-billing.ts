import { randomBytes } from 'node:crypto'

/**
 * The subscription half of the local Stripe stand-in (`payments/stripe-test-server.ts` routes to it):
 * Customers, Prices, Checkout Sessions in subscription mode, Subscriptions (retrieve, list, update with
 * proration, cancel), Invoices (create_preview, list), Billing Portal sessions and PaymentMethods,
 * answered in the shapes Stripe documents for its current API version (periods on subscription items,
 * an invoice's subscription under `parent.subscription_details`).
 *
 * Changes made through the API queue the events Stripe would send (`takeEvents()`); the helpers that
 * play the customer and Stripe's billing engine (`completeCheckout`, `failPayment`, `renew`...) return
 * theirs. Time is the fake's own clock (`now`, `advance`), so tests control trial and period ends.
 */
type Obj = Record<string, unknown>
type Result = [number, Obj]

const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`
const DAY = 86_400
const periodOf = (interval: string) => (interval === 'year' ? 365 * DAY : 30 * DAY)

export class StripeTestBilling {
  readonly prices = new Map<string, Obj>()
  readonly customers = new Map<string, Obj>()
  readonly subscriptions = new Map<string, Obj>()
  readonly invoices = new Map<string, Obj>()
  readonly paymentMethods = new Map<string, Obj>()
  private readonly sessions = new Map<string, Obj>()
  private outbox: Obj[] = []
  /** Seconds since the epoch, as Stripe's clock reads. */
  now: number
  private readonly makeEvent: (type: string, object: Obj, previous?: Obj) => Obj

  constructor(now: number, makeEvent: (type: string, object: Obj) => Obj) {
    this.now = now
    this.makeEvent = (type, object, previous) => {
      const e = makeEvent(type, object)
      if (previous) (e.data as Obj).previous_attributes = previous
      return e
    }
  }

  /** Moves Stripe's clock on (a trial or a period passing). */
  advance(seconds: number) {
    this.now += seconds
  }

  /** A recurring price, as the operator creates it in Stripe's dashboard. */
  addPrice(id: string, unitAmount: number, currency: string, interval: 'month' | 'year', product = 'Plan') {
    this.prices.set(id, {
      id,
      object: 'price',
      active: true,
      currency: currency.toLowerCase(),
      unit_amount: unitAmount,
      recurring: { interval, interval_count: 1, usage_type: 'licensed' },
      type: 'recurring',
      product: `prod_${product.replace(/\W/g, '')}`,
      nickname: product,
      livemode: false,
      metadata: {},
      created: this.now,
    })
  }

  /** The events changes made through the API produced since the last call, oldest first. */
  takeEvents(): Obj[] {
    const out = this.outbox
    this.outbox = []
    return out
  }

  private emit(type: string, object: Obj, previous?: Obj): Obj {
    const e = this.makeEvent(type, structuredClone(object), previous)
    this.outbox.push(e)
    return e
  }

  private error(status: number, message: string, code?: string, param?: string): Result {
    return [
      status,
      {
        error: {
          type: 'invalid_request_error',
          message,
          ...(code ? { code } : {}),
          ...(param ? { param } : {}),
        },
      },
    ]
  }

  private missing(id: string): Result {
    return this.error(404, `No such object: '${id}'`, 'resource_missing')
  }

  private list(url: string, data: Obj[], limit = 10): Obj {
    const sorted = [...data].sort((a, b) => (b.created as number) - (a.created as number))
    return { object: 'list', data: sorted.slice(0, limit), has_more: sorted.length > limit, url }
  }

  /** Answers the requests it knows; null for the others. */
  route(method: string, path: string, p: Obj): Result | null {
    const parts = path.split('/').filter(Boolean)
    const expand = Object.values((p.expand as Obj) ?? {}) as string[]
    if (method === 'POST' && path === '/v1/checkout/sessions' && p.mode === 'subscription')
      return this.createSession(p)
    if (method === 'POST' && path === '/v1/customers') return this.createCustomer(p)
    if (method === 'GET' && parts[1] === 'customers' && parts[2] && parts[3] === 'payment_methods') {
      const data = [...this.paymentMethods.values()].filter((m) => m.customer === parts[2])
      return [200, this.list(path, data)]
    }
    if (method === 'GET' && parts[1] === 'customers' && parts[2] && !parts[3]) {
      const c = this.customers.get(parts[2])
      return c ? [200, { ...c }] : this.missing(parts[2])
    }
    if (method === 'GET' && path === '/v1/subscriptions') {
      const gte = Number((p.created as Obj | undefined)?.gte ?? 0)
      const status = (p.status as string | undefined) ?? 'active'
      const data = [...this.subscriptions.values()].filter(
        (s) =>
          (s.created as number) >= gte &&
          (!p.customer || s.customer === p.customer) &&
          (status === 'all' ? true : s.status === status),
      )
      return [
        200,
        this.list(
          path,
          data.map((s) => this.subscriptionView(s, expand)),
          Number(p.limit ?? 10),
        ),
      ]
    }
    if (parts[1] === 'subscriptions' && parts[2] && !parts[3]) {
      const s = this.subscriptions.get(parts[2])
      if (!s) return this.missing(parts[2])
      if (method === 'GET') return [200, this.subscriptionView(s, expand)]
      if (method === 'POST') return this.updateSubscription(s, p, expand)
      if (method === 'DELETE')
        return [200, this.subscriptionView(this.cancelNow(s, 'cancellation_requested'), [])]
    }
    if (method === 'POST' && path === '/v1/invoices/create_preview') return this.preview(p)
    if (method === 'GET' && path === '/v1/invoices') {
      const data = [...this.invoices.values()].filter(
        (i) =>
          (!p.customer || i.customer === p.customer) && (!p.subscription || this.subOf(i) === p.subscription),
      )
      return [200, this.list(path, data, Number(p.limit ?? 10))]
    }
    if (method === 'GET' && parts[1] === 'invoices' && parts[2]) {
      const i = this.invoices.get(parts[2])
      return i ? [200, { ...i }] : this.missing(parts[2])
    }
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      if (!this.customers.has(p.customer as string)) return this.missing(String(p.customer))
      const id = rid('bps')
      return [
        200,
        {
          id,
          object: 'billing_portal.session',
          configuration: 'bpc_test_default',
          created: this.now,
          customer: p.customer,
          flow: null,
          livemode: false,
          locale: null,
          on_behalf_of: null,
          return_url: p.return_url ?? null,
          url: `https://billing.stripe.com/p/session/test_${id}`,
        },
      ]
    }
    if (method === 'GET' && parts[1] === 'payment_methods' && parts[2]) {
      const m = this.paymentMethods.get(parts[2])
      return m ? [200, { ...m }] : this.missing(parts[2])
    }
    return null
  }

  private createCustomer(p: Obj): Result {
    const c: Obj = {
      id: rid('cus'),
      object: 'customer',
      created: this.now,
      email: p.email ?? null,
      name: p.name ?? null,
      metadata: p.metadata ?? {},
      invoice_settings: { default_payment_method: null },
      livemode: false,
      balance: 0,
    }
    this.customers.set(c.id as string, c)
    return [200, { ...c }]
  }

  private createSession(p: Obj): Result {
    const li = ((p.line_items as Obj)?.['0'] ?? {}) as Obj
    const price = this.prices.get(li.price as string)
    if (!price)
      return this.error(
        400,
        `No such price: '${String(li.price)}'`,
        'resource_missing',
        'line_items[0][price]',
      )
    if (p.customer && !this.customers.has(p.customer as string)) return this.missing(String(p.customer))
    const id = `cs_test_${randomBytes(24).toString('hex')}`
    const sd = (p.subscription_data ?? {}) as Obj
    const s: Obj = {
      id,
      object: 'checkout.session',
      mode: 'subscription',
      amount_subtotal: price.unit_amount,
      amount_total: price.unit_amount,
      cancel_url: p.cancel_url,
      success_url: p.success_url,
      client_reference_id: p.client_reference_id ?? null,
      created: this.now,
      expires_at: this.now + DAY,
      currency: price.currency,
      customer: p.customer ?? null,
      livemode: false,
      metadata: p.metadata ?? {},
      payment_status: 'unpaid',
      status: 'open',
      subscription: null,
      url: `https://checkout.stripe.com/c/pay/${id}`,
      line_items_price: price.id,
      subscription_data: {
        trial_period_days: sd.trial_period_days ? Number(sd.trial_period_days) : null,
        metadata: sd.metadata ?? {},
      },
    }
    this.sessions.set(id, s)
    return [200, this.sessionView(s)]
  }

  /** Checkout Sessions made in subscription mode, as Stripe holds them (for assertions). */
  session(id: string): Obj | undefined {
    const s = this.sessions.get(id)
    return s ? this.sessionView(s) : undefined
  }

  private sessionView(s: Obj): Obj {
    const { line_items_price: _, subscription_data: __, ...rest } = s
    return structuredClone(rest)
  }

  private subOf(invoice: Obj): string | null {
    const parent = invoice.parent as Obj | null
    return ((parent?.subscription_details as Obj | undefined)?.subscription as string | undefined) ?? null
  }

  private subscriptionView(s: Obj, expand: string[]): Obj {
    const out = structuredClone(s)
    if (expand.includes('default_payment_method') && out.default_payment_method)
      out.default_payment_method = structuredClone(
        this.paymentMethods.get(out.default_payment_method as string),
      )
    if (expand.includes('latest_invoice') && out.latest_invoice)
      out.latest_invoice = structuredClone(this.invoices.get(out.latest_invoice as string))
    return out
  }

  private item(s: Obj): Obj {
    return ((s.items as Obj).data as Obj[])[0]!
  }

  private invoiceFor(
    s: Obj,
    lines: { amount: number; description: string; proration: boolean; price: Obj }[],
    reason: string,
    paid: boolean,
  ): Obj {
    const item = this.item(s)
    const total = lines.reduce((n, l) => n + l.amount, 0)
    const due = Math.max(0, total)
    const id = rid('in')
    const inv: Obj = {
      id,
      object: 'invoice',
      customer: s.customer,
      currency: (item.price as Obj).currency,
      created: this.now,
      number: `ATR-${String(this.invoices.size + 1).padStart(4, '0')}`,
      billing_reason: reason,
      amount_due: due,
      amount_paid: paid ? due : 0,
      amount_remaining: paid ? 0 : due,
      subtotal: total,
      total,
      attempt_count: paid ? 1 : due > 0 ? 1 : 0,
      attempted: due > 0,
      status: paid || due === 0 ? 'paid' : 'open',
      period_start: item.current_period_start,
      period_end: item.current_period_end,
      next_payment_attempt: paid || due === 0 ? null : this.now + 3 * DAY,
      hosted_invoice_url: `https://invoice.stripe.com/i/test_${id}`,
      invoice_pdf: `https://pay.stripe.com/invoice/test_${id}/pdf`,
      livemode: false,
      metadata: {},
      parent: {
        type: 'subscription_details',
        quote_details: null,
        subscription_details: { subscription: s.id, metadata: s.metadata },
      },
      status_transitions: { finalized_at: this.now, paid_at: paid || due === 0 ? this.now : null },
      lines: {
        object: 'list',
        has_more: false,
        url: `/v1/invoices/${id}/lines`,
        data: lines.map((l) => ({
          id: rid('il'),
          object: 'line_item',
          amount: l.amount,
          currency: (item.price as Obj).currency,
          description: l.description,
          invoice: id,
          livemode: false,
          metadata: {},
          quantity: 1,
          period: { start: this.now, end: item.current_period_end },
          pricing: { type: 'price_details', price_details: { price: l.price.id, product: l.price.product } },
          parent: {
            type: 'subscription_item_details',
            subscription_item_details: {
              subscription: s.id,
              subscription_item: item.id,
              proration: l.proration,
            },
          },
        })),
      },
    }
    this.invoices.set(id, inv)
    s.latest_invoice = id
    return inv
  }

  /** The customer completes Checkout: a card saved, the subscription made (trialing or paid). */
  completeCheckout(
    sessionId: string,
    card: { brand?: string; last4?: string } = {},
  ): { subscriptionId: string; events: Obj[] } {
    const cs = this.sessions.get(sessionId)
    if (!cs) throw new Error(`no session ${sessionId}`)
    const before = this.outbox.length
    let customerId = cs.customer as string | null
    if (!customerId) {
      const [, c] = this.createCustomer({ metadata: cs.metadata })
      customerId = c.id as string
      this.emit('customer.created', c)
    }
    const pm = this.addCard(customerId, card)
    const price = this.prices.get(cs.line_items_price as string)!
    const sd = cs.subscription_data as Obj
    const trialDays = sd.trial_period_days as number | null
    const trialEnd = trialDays ? this.now + trialDays * DAY : null
    const periodEnd = trialEnd ?? this.now + periodOf((price.recurring as Obj).interval as string)
    const id = rid('sub')
    const s: Obj = {
      id,
      object: 'subscription',
      customer: customerId,
      status: trialEnd ? 'trialing' : 'active',
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      ended_at: null,
      created: this.now,
      start_date: this.now,
      billing_cycle_anchor: periodEnd,
      collection_method: 'charge_automatically',
      currency: price.currency,
      default_payment_method: pm.id,
      latest_invoice: null,
      livemode: false,
      metadata: sd.metadata ?? {},
      trial_start: trialEnd ? this.now : null,
      trial_end: trialEnd,
      items: {
        object: 'list',
        has_more: false,
        url: `/v1/subscription_items?subscription=${id}`,
        data: [
          {
            id: rid('si'),
            object: 'subscription_item',
            created: this.now,
            current_period_start: this.now,
            current_period_end: periodEnd,
            metadata: {},
            price: structuredClone(price),
            quantity: 1,
            subscription: id,
          },
        ],
      },
    }
    this.subscriptions.set(id, s)
    const inv = this.invoiceFor(
      s,
      [
        {
          amount: trialEnd ? 0 : (price.unit_amount as number),
          description: `1 × ${price.nickname}`,
          proration: false,
          price,
        },
      ],
      'subscription_create',
      true,
    )
    Object.assign(cs, {
      status: 'complete',
      payment_status: trialEnd ? 'no_payment_required' : 'paid',
      customer: customerId,
      subscription: id,
    })
    this.emit('checkout.session.completed', this.sessionView(cs))
    this.emit('customer.subscription.created', s)
    this.emit('invoice.created', inv)
    this.emit('invoice.finalized', inv)
    this.emit('invoice.paid', inv)
    this.emit('invoice.payment_succeeded', inv)
    const events = this.outbox.splice(before)
    return { subscriptionId: id, events }
  }

  /** A card saved for the customer and made its default. */
  addCard(customerId: string, card: { brand?: string; last4?: string } = {}): Obj {
    const pm: Obj = {
      id: rid('pm'),
      object: 'payment_method',
      type: 'card',
      created: this.now,
      customer: customerId,
      livemode: false,
      metadata: {},
      billing_details: { email: null, name: null },
      card: {
        brand: card.brand ?? 'visa',
        last4: card.last4 ?? '4242',
        exp_month: 12,
        exp_year: 2030,
        country: 'US',
        funding: 'credit',
      },
    }
    this.paymentMethods.set(pm.id as string, pm)
    ;(this.customers.get(customerId)!.invoice_settings as Obj).default_payment_method = pm.id
    return pm
  }

  /** Proration of moving `s` to `price` now: the unused time credited, the rest of the period charged. */
  private prorations(s: Obj, price: Obj, at: number) {
    const item = this.item(s)
    const old = item.price as Obj
    const start = item.current_period_start as number
    const end = item.current_period_end as number
    const left = Math.max(0, Math.min(1, (end - at) / Math.max(1, end - start)))
    if (s.status === 'trialing' || old.id === price.id) return []
    return [
      {
        amount: -Math.round((old.unit_amount as number) * left),
        description: `Unused time on ${old.nickname} after ${new Date(at * 1000).toISOString().slice(0, 10)}`,
        proration: true,
        price: old,
      },
      {
        amount: Math.round((price.unit_amount as number) * left),
        description: `Remaining time on ${price.nickname} after ${new Date(at * 1000).toISOString().slice(0, 10)}`,
        proration: true,
        price,
      },
    ]
  }

  private preview(p: Obj): Result {
    const s = this.subscriptions.get(p.subscription as string)
    if (!s)
      return p.subscription
        ? this.missing(String(p.subscription))
        : this.error(400, 'Missing subscription', undefined, 'subscription')
    const d = (p.subscription_details ?? {}) as Obj
    const it = ((d.items as Obj | undefined)?.['0'] ?? {}) as Obj
    const price = this.prices.get(it.price as string)
    if (!price)
      return this.error(
        400,
        `No such price: '${String(it.price)}'`,
        'resource_missing',
        'subscription_details[items][0][price]',
      )
    if (
      (price.recurring as Obj).interval !== ((this.item(s).price as Obj).recurring as Obj).interval &&
      s.status !== 'trialing'
    ) {
      // Stripe resets the billing cycle on an interval change: the new price is charged in full.
    }
    const at = d.proration_date ? Number(d.proration_date) : this.now
    const lines = this.prorations(s, price, at)
    const total = lines.reduce((n, l) => n + l.amount, 0)
    const item = this.item(s)
    return [
      200,
      {
        id: null,
        object: 'invoice',
        customer: s.customer,
        currency: price.currency,
        created: this.now,
        amount_due: Math.max(0, total),
        amount_paid: 0,
        amount_remaining: Math.max(0, total),
        subtotal: total,
        total,
        status: 'draft',
        billing_reason: 'subscription_update',
        period_start: item.current_period_start,
        period_end: item.current_period_end,
        livemode: false,
        parent: {
          type: 'subscription_details',
          subscription_details: { subscription: s.id, metadata: s.metadata },
        },
        lines: {
          object: 'list',
          has_more: false,
          url: '/v1/invoices/upcoming/lines',
          data: lines.map((l) => ({
            id: rid('il_tmp'),
            object: 'line_item',
            amount: l.amount,
            currency: price.currency,
            description: l.description,
            quantity: 1,
            period: { start: at, end: item.current_period_end },
            pricing: {
              type: 'price_details',
              price_details: { price: l.price.id, product: l.price.product },
            },
            parent: {
              type: 'subscription_item_details',
              subscription_item_details: {
                subscription: s.id,
                subscription_item: item.id,
                proration: l.proration,
              },
            },
          })),
        },
      },
    ]
  }

  private updateSubscription(s: Obj, p: Obj, expand: string[]): Result {
    if (s.status === 'canceled' || s.status === 'incomplete_expired')
      return this.error(400, 'A canceled subscription can only update its cancellation_details and metadata.')
    const previous: Obj = {}
    if (p.metadata) s.metadata = { ...(s.metadata as Obj), ...(p.metadata as Obj) }
    if (p.cancel_at_period_end !== undefined) {
      previous.cancel_at_period_end = s.cancel_at_period_end
      s.cancel_at_period_end = p.cancel_at_period_end === 'true'
      const item = this.item(s)
      s.cancel_at = s.cancel_at_period_end ? item.current_period_end : null
      s.canceled_at = s.cancel_at_period_end ? this.now : null
    }
    const it = ((p.items as Obj | undefined)?.['0'] ?? null) as Obj | null
    if (it?.price) {
      const price = this.prices.get(it.price as string)
      if (!price)
        return this.error(400, `No such price: '${String(it.price)}'`, 'resource_missing', 'items[0][price]')
      const item = this.item(s)
      if (it.id && it.id !== item.id) return this.missing(String(it.id))
      const at = p.proration_date ? Number(p.proration_date) : this.now
      const lines = p.proration_behavior === 'none' ? [] : this.prorations(s, price, at)
      previous.items = structuredClone(s.items)
      item.price = structuredClone(price)
      const oldInterval = ((previous.items as Obj).data as Obj[])[0]!.price as Obj
      if (
        (oldInterval.recurring as Obj).interval !== (price.recurring as Obj).interval &&
        s.status !== 'trialing'
      ) {
        // An interval change starts a new period now and bills the new price in full.
        item.current_period_start = this.now
        item.current_period_end = this.now + periodOf((price.recurring as Obj).interval as string)
        lines.push({
          amount: price.unit_amount as number,
          description: `1 × ${price.nickname}`,
          proration: false,
          price,
        })
      }
      if (lines.length && p.proration_behavior === 'always_invoice') {
        const inv = this.invoiceFor(s, lines, 'subscription_update', true)
        this.emit('invoice.created', inv)
        this.emit('invoice.paid', inv)
      }
    }
    this.emit('customer.subscription.updated', s, previous)
    return [200, this.subscriptionView(s, expand)]
  }

  private cancelNow(s: Obj, reason: string): Obj {
    if (s.status === 'canceled') return s
    const previous = { status: s.status }
    Object.assign(s, {
      status: 'canceled',
      canceled_at: s.canceled_at ?? this.now,
      ended_at: this.now,
      cancellation_details: { reason, comment: null, feedback: null },
    })
    this.emit('customer.subscription.deleted', s, previous)
    return s
  }

  private sub(id: string): Obj {
    const s = this.subscriptions.get(id)
    if (!s) throw new Error(`no subscription ${id}`)
    return s
  }

  private take<T>(fn: () => T): { result: T; events: Obj[] } {
    const before = this.outbox.length
    const result = fn()
    return { result, events: this.outbox.splice(before) }
  }

  /** The next period starts and its invoice is paid (or the trial ends and the first one is). */
  renew(id: string): Obj[] {
    return this.take(() => {
      const s = this.sub(id)
      const item = this.item(s)
      const price = item.price as Obj
      this.now = Math.max(this.now, item.current_period_end as number)
      const previous = { status: s.status, items: structuredClone(s.items) }
      if (s.cancel_at_period_end) return void this.cancelNow(s, 'cancellation_requested')
      item.current_period_start = this.now
      item.current_period_end = this.now + periodOf((price.recurring as Obj).interval as string)
      const inv = this.invoiceFor(
        s,
        [
          {
            amount: price.unit_amount as number,
            description: `1 × ${price.nickname}`,
            proration: false,
            price,
          },
        ],
        'subscription_cycle',
        true,
      )
      s.status = 'active'
      this.emit('invoice.created', inv)
      this.emit('invoice.paid', inv)
      this.emit('customer.subscription.updated', s, previous)
    }).events
  }

  /** The trial ends in three days: Stripe's reminder. */
  trialWillEnd(id: string): Obj[] {
    return this.take(() => void this.emit('customer.subscription.trial_will_end', this.sub(id))).events
  }

  /** The period's invoice is not paid: the card is declined and the subscription goes past_due. */
  failPayment(id: string): Obj[] {
    return this.take(() => {
      const s = this.sub(id)
      const item = this.item(s)
      const price = item.price as Obj
      this.now = Math.max(this.now, item.current_period_end as number)
      const previous = { status: s.status }
      item.current_period_start = this.now
      item.current_period_end = this.now + periodOf((price.recurring as Obj).interval as string)
      const inv = this.invoiceFor(
        s,
        [
          {
            amount: price.unit_amount as number,
            description: `1 × ${price.nickname}`,
            proration: false,
            price,
          },
        ],
        'subscription_cycle',
        false,
      )
      s.status = 'past_due'
      this.emit('invoice.created', inv)
      this.emit('invoice.payment_failed', inv)
      this.emit('customer.subscription.updated', s, previous)
    }).events
  }

  /** The customer fixes the card in the portal and the open invoice is paid. */
  recover(id: string): Obj[] {
    return this.take(() => {
      const s = this.sub(id)
      const inv = this.invoices.get(s.latest_invoice as string)!
      Object.assign(inv, {
        status: 'paid',
        amount_paid: inv.amount_due,
        amount_remaining: 0,
        next_payment_attempt: null,
        status_transitions: { ...(inv.status_transitions as Obj), paid_at: this.now },
      })
      const previous = { status: s.status }
      s.status = 'active'
      this.emit('invoice.paid', inv)
      this.emit('customer.subscription.updated', s, previous)
    }).events
  }

  /** The subscription canceled in Stripe's dashboard (or by Stripe after its retries), at once. */
  cancel(id: string): Obj[] {
    return this.take(() => void this.cancelNow(this.sub(id), 'cancellation_requested')).events
  }
}
