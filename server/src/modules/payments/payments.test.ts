import { and, eq } from 'drizzle-orm'
import pino from 'pino'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { logRedaction } from '../../app.ts'
import { auditLogs } from '../../kernel/audit/index.ts'
import { paymentsDeps } from './deps.ts'
import { reconcile } from './reconcile.ts'
import { gatewayConnections, gatewayEvents, onlinePayments } from './schema.ts'
import { StripeTestServer } from './stripe-test-server.ts'
import { deliver, deliverAll, SK, sentInvoice, shuffle, WHSEC } from './testing.ts'

/** Online payments end to end: the real stripe SDK against a local Stripe, webhooks signed as Stripe signs them. */
let t: TestApp
let stripe: StripeTestServer
let owner: TestUser
let member: TestUser
let other: TestUser
let clientId: string
const logLines: string[] = []

beforeAll(async () => {
  stripe = new StripeTestServer()
  const url = await stripe.start()
  stripe.keys.add(SK)
  const log = pino({ level: 'trace', redact: logRedaction }, { write: (s: string) => void logLines.push(s) })
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0', STRIPE_API_URL: url }, { log })
  owner = await t.user({ workspace: 'Pay Co' })
  member = await joinWorkspace(t, owner.workspaceId!, 'member')
  other = await t.user({ workspace: 'Elsewhere Ltd' })
  clientId = (
    await owner.client.post('/api/v1/clients', {
      name: 'Northwind Traders',
      currency: 'EUR',
      email: 'ap@northwind.test',
    })
  ).json().id
  const put = await owner.client.put('/api/v1/payment-gateways/stripe', {
    secretKey: SK,
    webhookSecret: WHSEC,
  })
  expect(put.statusCode, put.body).toBe(200)
})
afterAll(async () => {
  await t?.close()
  await stripe?.stop()
})

const invoiceOf = async (id: string) => (await owner.client.get(`/api/v1/invoices/${id}`)).json()
const onlineOf = async (id: string) => (await owner.client.get(`/api/v1/online-payments/${id}`)).json()

async function checkout(invoiceId: string) {
  const r = await owner.client.post('/api/v1/online-payments/checkout', { invoiceId })
  expect(r.statusCode, r.body).toBe(201)
  const c = r.json() as { url: string; onlinePaymentId: string; amount: number }
  const sessionId = c.url.split('/').pop()!
  return { ...c, sessionId }
}

describe('gateway connections', () => {
  it('keep the secrets sealed and answer them masked; only owners and admins manage them', async () => {
    const res = await owner.client.get('/api/v1/payment-gateways/stripe')
    expect(res.statusCode).toBe(200)
    const c = res.json()
    expect(c.secrets).toEqual({ secretKey: 'sk_test_…abcd', webhookSecret: 'whsec_…wxyz' })
    expect(c.mode).toBe('test')
    expect(c.webhookUrl).toBe(`http://localhost:3000/webhooks/stripe/${owner.workspaceId}`)
    expect(res.body).not.toContain(SK)
    expect(res.body).not.toContain(WHSEC)
    const [row] = await t.database.db
      .select()
      .from(gatewayConnections)
      .where(eq(gatewayConnections.workspaceId, owner.workspaceId!))
    expect(row!.ciphertext).not.toContain('sk_test')
    expect(row!.keyId).toMatch(/^[0-9a-f]{16}$/)
    const audits = await t.database.db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.workspaceId, owner.workspaceId!))
    expect(JSON.stringify(audits)).not.toContain(SK)
    expect(audits.some((a) => a.action === 'payment_gateway.connected')).toBe(true)

    expect((await member.client.get('/api/v1/payment-gateways')).statusCode).toBe(403)
    expect(
      (await member.client.put('/api/v1/payment-gateways/stripe', { secretKey: SK, webhookSecret: WHSEC }))
        .statusCode,
    ).toBe(403)
    expect((await other.client.get('/api/v1/payment-gateways/stripe')).statusCode).toBe(404)
  })

  it('refuses malformed keys naming the field', async () => {
    const r = await owner.client.put('/api/v1/payment-gateways/stripe', {
      secretKey: 'pk_test_123',
      webhookSecret: WHSEC,
    })
    expect(r.statusCode).toBe(400)
    expect(r.json().errors[0].field).toBe('secretKey')
    expect(r.body).not.toContain(WHSEC)
  })

  it('test connection calls Stripe and says what it answered', async () => {
    const ok = await owner.client.post('/api/v1/payment-gateways/stripe/test')
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json()).toMatchObject({ ok: true, accountId: 'acct_1TestAtrium', mode: 'test' })
    expect(ok.json().message).toContain('Test Studio')
    const call = stripe.requests.findLast((r) => r.path === '/v1/account')!
    expect(call.key).toBe(SK)
    expect((await owner.client.get('/api/v1/payment-gateways/stripe')).json()).toMatchObject({
      status: 'ok',
      accountId: 'acct_1TestAtrium',
    })

    const wrong = await other.client.put('/api/v1/payment-gateways/stripe', {
      secretKey: 'sk_test_WrongKey1234567890',
      webhookSecret: 'whsec_OtherWorkspaceSecret1234',
    })
    expect(wrong.statusCode).toBe(200)
    const bad = await other.client.post('/api/v1/payment-gateways/stripe/test')
    expect(bad.json()).toMatchObject({ ok: false, accountId: null })
    expect(bad.json().message).toContain('Invalid API Key')
    expect(bad.body).not.toContain('sk_test_WrongKey1234567890')
    expect((await other.client.get('/api/v1/payment-gateways/stripe')).json().status).toBe('failed')
  })
})

describe('pay now → webhook → paid', () => {
  it('pays an invoice through Checkout; the webhook records the payment with fee and net, once', async () => {
    const inv = await sentInvoice(owner, clientId)
    const c = await checkout(inv.id)
    expect(c.amount).toBe(inv.balance)
    const call = stripe.requests.findLast((r) => r.path === '/v1/checkout/sessions')!
    expect(call.idempotencyKey).toBe(`atrium-checkout-${c.onlinePaymentId}`)
    expect(call.params).toMatchObject({
      mode: 'payment',
      line_items: {
        '0': { quantity: '1', price_data: { currency: 'eur', unit_amount: String(inv.balance) } },
      },
      metadata: {
        atrium_online_payment: c.onlinePaymentId,
        atrium_invoice: inv.id,
        atrium_workspace: owner.workspaceId,
      },
      payment_intent_data: { metadata: { atrium_online_payment: c.onlinePaymentId } },
    })
    expect(call.params.success_url).toBe(`http://localhost:3000/invoices/${inv.id}?payment=success`)
    // Asking again offers the same open session.
    const again = await checkout(inv.id)
    expect(again.url).toBe(c.url)
    expect(stripe.requests.filter((r) => r.path === '/v1/checkout/sessions').length).toBe(
      stripe.requests.filter((r) => r.path === '/v1/checkout/sessions').length,
    )

    const paid = stripe.pay(c.sessionId)
    const before = await invoiceOf(inv.id)
    expect(before.status).toBe('sent')
    // Stripe delivers each event, and each five times.
    for (const e of paid.events)
      for (let i = 0; i < 5; i++) expect((await deliver(t, owner.workspaceId!, e)).statusCode).toBe(200)

    const after = await invoiceOf(inv.id)
    expect(after.status).toBe('paid')
    expect(after.balance).toBe(0)
    const pays = (await owner.client.get(`/api/v1/payments?invoiceId=${inv.id}`)).json().data
    expect(pays).toHaveLength(1)
    expect(pays[0]).toMatchObject({
      gateway: 'stripe',
      gatewayPaymentId: paid.paymentIntentId,
      amount: inv.balance,
      method: 'stripe',
    })
    expect(pays[0].gatewayFee).toBe(stripe.fee(inv.balance))
    const op = await onlineOf(c.onlinePaymentId)
    expect(op).toMatchObject({
      status: 'succeeded',
      amountReceived: inv.balance,
      fee: stripe.fee(inv.balance),
      net: inv.balance - stripe.fee(inv.balance),
      feeCurrency: 'EUR',
      gatewayPaymentId: paid.paymentIntentId,
      paymentId: pays[0].id,
      dashboardUrl: `https://dashboard.stripe.com/test/payments/${paid.paymentIntentId}`,
    })
    const events = await t.database.db
      .select()
      .from(gatewayEvents)
      .where(eq(gatewayEvents.onlinePaymentId, c.onlinePaymentId))
    expect(events.map((e) => e.outcome).sort()).toEqual(['no_change', 'paid'])
    const charge = paid.events.find((e) => e.type === 'charge.succeeded')!
    const [ignored] = await t.database.db
      .select()
      .from(gatewayEvents)
      .where(eq(gatewayEvents.eventId, charge.id as string))
    expect(ignored!.outcome).toBe('ignored')
    const mail = await t.mail(owner.email, /^Payment received/)
    expect(mail.text).toContain(inv.number)
    const audits = await t.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.workspaceId, owner.workspaceId!), eq(auditLogs.targetId, c.onlinePaymentId)))
    expect(audits.map((a) => a.action)).toContain('online_payment.succeeded')
    // A paid invoice offers no checkout.
    const more = await owner.client.post('/api/v1/online-payments/checkout', { invoiceId: inv.id })
    expect(more.statusCode).toBe(409)
  })

  it('the same events delivered at once, five times each, make one payment', async () => {
    const inv = await sentInvoice(owner, clientId, 4200)
    const c = await checkout(inv.id)
    const paid = stripe.pay(c.sessionId)
    const answers = await Promise.all(
      paid.events.flatMap((e) => Array.from({ length: 5 }, () => deliver(t, owner.workspaceId!, e))),
    )
    expect(answers.map((a) => a.statusCode)).toEqual(answers.map(() => 200))
    const pays = (await owner.client.get(`/api/v1/payments?invoiceId=${inv.id}`)).json().data
    expect(pays).toHaveLength(1)
    expect((await invoiceOf(inv.id)).status).toBe('paid')
    const stored = await t.database.db
      .select()
      .from(gatewayEvents)
      .where(eq(gatewayEvents.onlinePaymentId, c.onlinePaymentId))
    expect(stored).toHaveLength(2)
  })

  it('pays from the public view page by its link, with no session', async () => {
    const inv = await sentInvoice(owner, clientId, 5000)
    const { token } = (await owner.client.post(`/api/v1/invoices/${inv.id}/view-link`)).json()
    const anon = t.client()
    const options = await anon.get(`/api/v1/public/invoices/${token}/payment-options`)
    expect(options.statusCode, options.body).toBe(200)
    expect(options.json()).toEqual({ online: true, gateway: 'stripe', gateways: ['stripe'] })
    const r = await anon.post(`/api/v1/public/invoices/${token}/checkout`)
    expect(r.statusCode, r.body).toBe(201)
    expect(r.json()).toMatchObject({ amount: inv.balance, currency: 'EUR', gateway: 'stripe' })
    const call = stripe.requests.findLast((q) => q.path === '/v1/checkout/sessions')!
    expect(call.params.success_url).toBe(`http://localhost:3000/view/${token}?payment=success`)
    const row = (
      await t.database.db.select().from(onlinePayments).where(eq(onlinePayments.id, r.json().onlinePaymentId))
    )[0]!
    expect(row.origin).toBe('view_link')
    await deliverAll(t, owner.workspaceId!, stripe.pay(r.json().url.split('/').pop()).events)
    expect((await anon.get(`/api/v1/public/invoices/${token}`)).json().status).toBe('paid')
    expect((await anon.post(`/api/v1/public/invoices/${token}/checkout`)).statusCode).toBe(409)
    expect((await anon.post(`/api/v1/public/invoices/${'x'.repeat(43)}/checkout`)).statusCode).toBe(404)
    // A workspace without a gateway offers no online payment.
    const elsewhere = await other.client.post('/api/v1/clients', { name: 'Other client', currency: 'EUR' })
    const plain = await sentInvoice(other, elsewhere.json().id, 1000)
    await other.client.del('/api/v1/payment-gateways/stripe')
    const link = (await other.client.post(`/api/v1/invoices/${plain.id}/view-link`)).json().token
    expect((await anon.get(`/api/v1/public/invoices/${link}/payment-options`)).json()).toEqual({
      online: false,
      gateway: null,
      gateways: [],
    })
    const refused = await anon.post(`/api/v1/public/invoices/${link}/checkout`)
    expect(refused.statusCode).toBe(409)
    expect(refused.json().errors[0].field).toBe('gateway')
    await other.client.put('/api/v1/payment-gateways/stripe', {
      secretKey: 'sk_test_WrongKey1234567890',
      webhookSecret: 'whsec_OtherWorkspaceSecret1234',
    })
  })

  it('a declined card leaves the invoice open and tells the owner; a later success pays it', async () => {
    const inv = await sentInvoice(owner, clientId, 7000)
    const c = await checkout(inv.id)
    await deliverAll(t, owner.workspaceId!, stripe.decline(c.sessionId).events)
    expect((await onlineOf(c.onlinePaymentId)).status).toBe('failed')
    expect((await onlineOf(c.onlinePaymentId)).failureMessage).toBe('Your card was declined.')
    expect((await invoiceOf(inv.id)).status).toBe('sent')
    await t.mail(owner.email, /^Payment failed/)
    await deliverAll(t, owner.workspaceId!, stripe.pay(c.sessionId).events)
    expect((await invoiceOf(inv.id)).status).toBe('paid')
  })
})

describe('refunds and disputes', () => {
  async function paidInvoice(unitPrice = 10000) {
    const inv = await sentInvoice(owner, clientId, unitPrice)
    const c = await checkout(inv.id)
    const p = stripe.pay(c.sessionId)
    await deliverAll(t, owner.workspaceId!, p.events)
    return { inv, c, pi: p.paymentIntentId }
  }

  it('a partial refund from Atrium is pending until the webhook confirms it', async () => {
    const { inv, c } = await paidInvoice()
    const r = await owner.client.post(`/api/v1/online-payments/${c.onlinePaymentId}/refund`, { amount: 5000 })
    expect(r.statusCode, r.body).toBe(202)
    expect(r.json()).toMatchObject({ status: 'pending', amount: 5000, paymentId: null })
    const call = stripe.requests.findLast((q) => q.path === '/v1/refunds' && q.method === 'POST')!
    expect(call.idempotencyKey).toBe(`atrium-refund-${r.json().id}`)
    expect(call.params).toMatchObject({ amount: '5000', metadata: { atrium_refund: r.json().id } })
    expect((await invoiceOf(inv.id)).status).toBe('paid')

    await deliverAll(t, owner.workspaceId!, stripe.settleRefund(r.json().gatewayRefundId))
    const after = await invoiceOf(inv.id)
    expect(after.status).toBe('partially_paid')
    expect(after.balance).toBe(5000)
    const op = await onlineOf(c.onlinePaymentId)
    expect(op).toMatchObject({ status: 'partially_refunded', amountRefunded: 5000 })
    expect(op.refunds).toHaveLength(1)
    expect(op.refunds[0]).toMatchObject({ status: 'succeeded', amount: 5000 })
    expect(op.refunds[0].paymentId).toMatch(/^pay_/)
    await t.mail(owner.email, /^Refund completed/)
    // More than is left is refused; members cannot refund.
    const tooMuch = await owner.client.post(`/api/v1/online-payments/${c.onlinePaymentId}/refund`, {
      amount: 15001,
    })
    expect(tooMuch.statusCode).toBe(400)
    expect(tooMuch.json().errors[0].field).toBe('amount')
    expect(
      (await member.client.post(`/api/v1/online-payments/${c.onlinePaymentId}/refund`, {})).statusCode,
    ).toBe(403)
    // The rest, in full.
    const rest = await owner.client.post(`/api/v1/online-payments/${c.onlinePaymentId}/refund`)
    expect(rest.statusCode, rest.body).toBe(202)
    expect(rest.json().amount).toBe(15000)
    await deliverAll(t, owner.workspaceId!, stripe.settleRefund(rest.json().gatewayRefundId))
    expect((await onlineOf(c.onlinePaymentId)).status).toBe('refunded')
    expect((await invoiceOf(inv.id)).balance).toBe(20000)
  })

  it('a dispute opened and lost opens the balance again; one won changes nothing', async () => {
    const lost = await paidInvoice()
    const d = stripe.openDispute(lost.pi)
    await deliverAll(t, owner.workspaceId!, d.events)
    expect((await onlineOf(lost.c.onlinePaymentId)).status).toBe('disputed')
    expect((await invoiceOf(lost.inv.id)).status).toBe('paid')
    await t.mail(owner.email, /^Payment disputed/)
    await deliverAll(t, owner.workspaceId!, stripe.closeDispute(d.disputeId, 'lost'))
    expect(await onlineOf(lost.c.onlinePaymentId)).toMatchObject({
      status: 'dispute_lost',
      disputeStatus: 'lost',
    })
    expect(await invoiceOf(lost.inv.id)).toMatchObject({ status: 'sent', balance: 20000 })
    await t.mail(owner.email, /^Dispute lost/)

    const won = await paidInvoice()
    const w = stripe.openDispute(won.pi)
    const closed = stripe.closeDispute(w.disputeId, 'won')
    // Closed before opened: the end state is the same.
    await deliverAll(t, owner.workspaceId!, [...closed, ...w.events])
    expect(await onlineOf(won.c.onlinePaymentId)).toMatchObject({ status: 'succeeded', disputeStatus: 'won' })
    expect((await invoiceOf(won.inv.id)).status).toBe('paid')
  })

  it('20 events in shuffled orders end in the same state', async () => {
    for (const seed of [1, 7, 42]) {
      const inv = await sentInvoice(owner, clientId, 30000)
      const c = await checkout(inv.id)
      const events = [...stripe.decline(c.sessionId).events]
      const paid = stripe.pay(c.sessionId)
      events.push(...paid.events)
      events.push(...stripe.refundInDashboard(paid.paymentIntentId, 4000).events)
      events.push(...stripe.refundInDashboard(paid.paymentIntentId, 6000).events)
      const d = stripe.openDispute(paid.paymentIntentId)
      events.push(...d.events, ...stripe.closeDispute(d.disputeId, 'won'))
      events.push(stripe.rawEvent('customer.created', { id: 'cus_1', object: 'customer' }))
      const all = [...events, ...events, ...events].slice(0, 20)
      expect(all).toHaveLength(20)
      await deliverAll(t, owner.workspaceId!, shuffle(all, seed))
      const op = await onlineOf(c.onlinePaymentId)
      expect(op, `seed ${seed}`).toMatchObject({
        status: 'partially_refunded',
        amountReceived: 60000,
        amountRefunded: 10000,
        disputeStatus: 'won',
      })
      expect(op.refunds.map((r: { status: string }) => r.status)).toEqual(['succeeded', 'succeeded'])
      const after = await invoiceOf(inv.id)
      expect(after).toMatchObject({ status: 'partially_paid', balance: 10000, paid: 50000 })
      const pays = (await owner.client.get(`/api/v1/payments?invoiceId=${inv.id}`)).json().data
      expect(pays.filter((p: { kind: string }) => p.kind === 'payment')).toHaveLength(1)
      expect(pays.filter((p: { kind: string }) => p.kind === 'refund')).toHaveLength(2)
    }
  })
})

describe('signatures and boundaries', () => {
  it('a bad or missing signature answers 400 and changes nothing', async () => {
    const inv = await sentInvoice(owner, clientId, 900)
    const c = await checkout(inv.id)
    const [e] = stripe.pay(c.sessionId).events.filter((x) => x.type === 'payment_intent.succeeded')
    const count = async () => (await t.database.db.select().from(gatewayEvents)).length
    const n = await count()
    const wrong = await deliver(t, owner.workspaceId!, e!, { secret: 'whsec_SomeoneElsesSecret123' })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.headers['content-type']).toContain('application/problem+json')
    expect((await deliver(t, owner.workspaceId!, e!, { signature: null })).statusCode).toBe(400)
    expect((await deliver(t, owner.workspaceId!, e!, { signature: 't=1,v1=deadbeef' })).statusCode).toBe(400)
    // Signed for this workspace, sent to another's endpoint.
    expect((await deliver(t, other.workspaceId!, e!)).statusCode).toBe(400)
    // A workspace without Stripe.
    expect((await deliver(t, '00000000-0000-4000-8000-000000000000', e!)).statusCode).toBe(404)
    expect(await count()).toBe(n)
    expect((await invoiceOf(inv.id)).status).toBe('sent')
    // A replay of a signed body tampered with.
    const payload = JSON.stringify(e)
    const signature = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: WHSEC })
    const tampered = await t.app.inject({
      method: 'POST',
      url: `/webhooks/stripe/${owner.workspaceId}`,
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      payload: payload.replace(`"amount":${inv.balance}`, '"amount":1'),
    })
    expect(payload).toContain(`"amount":${inv.balance}`)
    expect(tampered.statusCode).toBe(400)
    expect(await count()).toBe(n)
  })

  it('another workspace’s online payments answer 404', async () => {
    const inv = await sentInvoice(owner, clientId, 1100)
    const c = await checkout(inv.id)
    expect((await other.client.get(`/api/v1/online-payments/${c.onlinePaymentId}`)).statusCode).toBe(404)
    expect(
      (await other.client.post(`/api/v1/online-payments/${c.onlinePaymentId}/refund`, {})).statusCode,
    ).toBe(404)
    expect(
      (await other.client.post('/api/v1/online-payments/checkout', { invoiceId: inv.id })).statusCode,
    ).toBe(404)
    expect((await other.client.get(`/api/v1/online-payments?invoiceId=${inv.id}`)).json().data).toEqual([])
    // A member sees only their clients' payments.
    expect((await member.client.get(`/api/v1/online-payments/${c.onlinePaymentId}`)).statusCode).toBe(404)
  })

  it('history per invoice and per client', async () => {
    const list = (await owner.client.get(`/api/v1/online-payments?clientId=${clientId}&limit=2`)).json()
    expect(list.data).toHaveLength(2)
    expect(list.nextCursor).toBeTruthy()
    const next = (
      await owner.client.get(`/api/v1/online-payments?clientId=${clientId}&limit=2&cursor=${list.nextCursor}`)
    ).json()
    expect(next.data[0].id).not.toBe(list.data[1].id)
    const paid = (await owner.client.get('/api/v1/online-payments?status=refunded')).json().data
    expect(paid.length).toBeGreaterThan(0)
    expect(
      paid.every(
        (p: { status: string; dashboardUrl: string }) =>
          p.status === 'refunded' &&
          p.dashboardUrl.startsWith('https://dashboard.stripe.com/test/payments/pi_'),
      ),
    ).toBe(true)
  })

  it('reconcile reports what Stripe holds and Atrium does not, until the events arrive', async () => {
    const inv = await sentInvoice(owner, clientId, 2500)
    const c = await checkout(inv.id)
    const paid = stripe.pay(c.sessionId)
    const deps = paymentsDeps(t.kernel)
    const before = (await reconcile(t.database.db, deps, 1)).filter(
      (d) => d.gatewayPaymentId === paid.paymentIntentId,
    )
    expect(before).toEqual([
      {
        workspaceId: owner.workspaceId,
        gatewayPaymentId: paid.paymentIntentId,
        onlinePaymentId: c.onlinePaymentId,
        kind: 'not_paid',
        gateway: 'succeeded',
        atrium: 'pending',
      },
    ])
    // Stripe's retries (a replay) bring Atrium's state right; nothing differs any more.
    await deliverAll(t, owner.workspaceId!, paid.events)
    const refund = stripe.refundInDashboard(paid.paymentIntentId, 500)
    expect(
      (await reconcile(t.database.db, deps, 1)).filter((d) => d.gatewayPaymentId === paid.paymentIntentId),
    ).toMatchObject([{ kind: 'refunds', gateway: '500', atrium: '0' }])
    await deliverAll(t, owner.workspaceId!, refund.events)
    const after = await reconcile(t.database.db, deps, 1)
    expect(after.filter((d) => d.gatewayPaymentId === paid.paymentIntentId)).toEqual([])
    // The payment whose events were refused for bad signatures (above) is still reported.
    expect(after.filter((d) => d.workspaceId === owner.workspaceId)).toMatchObject([
      { kind: 'not_paid', gateway: 'succeeded', atrium: 'pending' },
    ])
    // A workspace whose key Stripe refuses is reported, not skipped silently.
    expect(after.filter((d) => d.workspaceId === other.workspaceId)).toMatchObject([{ kind: 'unreachable' }])
  })

  it('no secret appears in any log line', () => {
    const all = logLines.join('\n')
    expect(logLines.length).toBeGreaterThan(10)
    expect(all).not.toContain(SK)
    expect(all).not.toContain(WHSEC)
    expect(all).not.toContain('sk_test_WrongKey1234567890')
  })
})
