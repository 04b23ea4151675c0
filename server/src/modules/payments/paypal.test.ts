import { and, desc, eq } from 'drizzle-orm'
import { extractText } from 'unpdf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { auditLogs } from '../../kernel/audit/index.ts'
import { mailMessages } from '../../kernel/mail/schema.ts'
import { paymentsDeps } from './deps.ts'
import type { PayPalApp, PayPalDelivery } from './paypal-test-server.ts'
import { PayPalTestServer } from './paypal-test-server.ts'
import { reconcile } from './reconcile.ts'
import { gatewayConnections, gatewayEvents } from './schema.ts'
import { sentInvoice, shuffle } from './testing.ts'

/** PayPal end to end: Atrium's PayPal client against a local PayPal, events verified by its verify call. */
let t: TestApp
let paypal: PayPalTestServer
let owner: TestUser
let member: TestUser
let other: TestUser
let app: PayPalApp
let otherApp: PayPalApp
let clientId: string

beforeAll(async () => {
  paypal = new PayPalTestServer()
  const url = await paypal.start()
  app = paypal.app('studio')
  otherApp = paypal.app('elsewhere')
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0', PAYPAL_API_URL: url })
  owner = await t.user({ workspace: 'PayPal Co' })
  member = await joinWorkspace(t, owner.workspaceId!, 'member')
  other = await t.user({ workspace: 'Elsewhere PayPal' })
  clientId = (
    await owner.client.post('/api/v1/clients', { name: 'Contoso', currency: 'EUR', email: 'ap@contoso.test' })
  ).json().id
  const put = await owner.client.put('/api/v1/payment-gateways/paypal', connectionOf(app))
  expect(put.statusCode, put.body).toBe(200)
})
afterAll(async () => {
  await t?.close()
  await paypal?.stop()
})

const connectionOf = (a: PayPalApp) => ({
  clientId: a.clientId,
  clientSecret: a.clientSecret,
  webhookId: a.webhookId,
  mode: 'sandbox',
})
const invoiceOf = async (id: string) => (await owner.client.get(`/api/v1/invoices/${id}`)).json()
const onlineOf = async (id: string) => (await owner.client.get(`/api/v1/online-payments/${id}`)).json()

function post(d: PayPalDelivery, workspaceId = owner.workspaceId!, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/webhooks/paypal/${workspaceId}`,
    headers: { 'content-type': 'application/json', ...d.headers, ...headers },
    payload: d.body,
  })
}
async function deliver(event: object, times = 1) {
  const out = []
  for (let i = 0; i < times; i++) {
    const r = await post(paypal.deliveryOf(app, event as Record<string, unknown>))
    expect(r.statusCode, r.body).toBe(200)
    out.push(r.json())
  }
  return out
}

/** Pay now from the app, then the payer approves at PayPal and comes back (Atrium captures). */
async function payThroughPayPal(invoiceId: string, opts: { pending?: boolean; decline?: boolean } = {}) {
  const r = await owner.client.post('/api/v1/online-payments/checkout', { invoiceId, gateway: 'paypal' })
  expect(r.statusCode, r.body).toBe(201)
  const c = r.json() as { url: string; onlinePaymentId: string; amount: number; gateway: string }
  const back = new URL(paypal.approve(c.url, opts))
  const returnPath = back.pathname + back.search
  const ret = await t.client().get(returnPath)
  const orderId = back.searchParams.get('token')!
  return { ...c, orderId, ret, returnPath }
}

describe('connecting PayPal', () => {
  it('keeps the credentials sealed and answers them masked; owners and admins only', async () => {
    const res = await owner.client.get('/api/v1/payment-gateways/paypal')
    expect(res.statusCode).toBe(200)
    const c = res.json()
    expect(c).toMatchObject({ gateway: 'paypal', mode: 'test', status: 'untested' })
    expect(c.secrets.clientSecret).toBe(`…${app.clientSecret.slice(-4)}`)
    expect(c.webhookUrl).toBe(`http://localhost:3000/webhooks/paypal/${owner.workspaceId}`)
    for (const secret of [app.clientSecret, app.clientId, app.webhookId])
      expect(res.body).not.toContain(secret)
    const [row] = await t.database.db
      .select()
      .from(gatewayConnections)
      .where(
        and(eq(gatewayConnections.workspaceId, owner.workspaceId!), eq(gatewayConnections.gateway, 'paypal')),
      )
    expect(row!.ciphertext).not.toContain(app.clientSecret)
    const audits = await t.database.db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.workspaceId, owner.workspaceId!))
    expect(
      audits.find((a) => a.action === 'payment_gateway.connected' && a.targetId === 'paypal'),
    ).toBeTruthy()
    expect(JSON.stringify(audits)).not.toContain(app.clientSecret)

    expect((await member.client.put('/api/v1/payment-gateways/paypal', connectionOf(app))).statusCode).toBe(
      403,
    )
    expect((await member.client.post('/api/v1/payment-gateways/paypal/test')).statusCode).toBe(403)
    expect((await other.client.get('/api/v1/payment-gateways/paypal')).statusCode).toBe(404)
    const bad = await owner.client.put('/api/v1/payment-gateways/paypal', {
      ...connectionOf(app),
      mode: 'prod',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].field).toBe('mode')
    const short = await owner.client.put('/api/v1/payment-gateways/paypal', {
      ...connectionOf(app),
      clientSecret: 'x',
    })
    expect(short.json().errors[0].field).toBe('clientSecret')
  })

  it('test connection asks PayPal for a token and says what it answered; disconnect deletes the secrets', async () => {
    const ok = await owner.client.post('/api/v1/payment-gateways/paypal/test')
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json()).toMatchObject({ ok: true, accountId: app.appId, mode: 'test' })
    expect(ok.json().message).toContain('sandbox')
    expect(paypal.requests.findLast((r) => r.path === '/v1/oauth2/token')!.clientId).toBe(app.clientId)

    const wrong = await other.client.put('/api/v1/payment-gateways/paypal', {
      ...connectionOf(otherApp),
      clientSecret: 'EWrongSecretWrongSecret123',
    })
    expect(wrong.statusCode).toBe(200)
    const refused = await other.client.post('/api/v1/payment-gateways/paypal/test')
    expect(refused.json()).toMatchObject({ ok: false, accountId: null })
    expect(refused.json().message).toContain('invalid_client')
    expect((await other.client.get('/api/v1/payment-gateways/paypal')).json().status).toBe('failed')

    expect((await other.client.del('/api/v1/payment-gateways/paypal')).statusCode).toBe(204)
    expect((await other.client.get('/api/v1/payment-gateways/paypal')).statusCode).toBe(404)
    const audits = await t.database.db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.workspaceId, other.workspaceId!))
    expect(audits.map((a) => a.action)).toEqual(
      expect.arrayContaining(['payment_gateway.tested', 'payment_gateway.disconnected']),
    )
    expect(
      (await other.client.put('/api/v1/payment-gateways/paypal', connectionOf(otherApp))).statusCode,
    ).toBe(200)
  })
})

describe('pay now with PayPal → capture → paid', () => {
  it('creates an order for the open balance with our ids and an idempotency key; the return captures it', async () => {
    const inv = await sentInvoice(owner, clientId, 12345)
    const p = await payThroughPayPal(inv.id)
    expect(p.gateway).toBe('paypal')
    expect(p.url).toContain('checkoutnow?token=')
    const create = paypal.requests.find(
      (r) =>
        r.path === '/v2/checkout/orders' &&
        r.method === 'POST' &&
        r.requestId === `atrium-checkout-${p.onlinePaymentId}`,
    )!
    expect(create).toBeTruthy()
    expect(create.body).toMatchObject({
      intent: 'CAPTURE',
      purchase_units: [
        {
          custom_id: p.onlinePaymentId,
          invoice_id: `${inv.id}:${p.onlinePaymentId}`,
          amount: { currency_code: 'EUR', value: '246.90' },
        },
      ],
    })
    const capture = paypal.requests.find((r) => r.path === `/v2/checkout/orders/${p.orderId}/capture`)!
    expect(capture.requestId).toBe(`atrium-capture-${p.onlinePaymentId}`)
    expect(p.ret.statusCode).toBe(303)
    expect(p.ret.headers.location).toBe(`http://localhost:3000/invoices/${inv.id}?payment=success`)

    const after = await invoiceOf(inv.id)
    expect(after).toMatchObject({ status: 'paid', balance: 0 })
    const fee = paypal.fee(24690)
    const captureId = paypal.captureOf(p.orderId)!.id
    expect(await onlineOf(p.onlinePaymentId)).toMatchObject({
      gateway: 'paypal',
      status: 'succeeded',
      amountReceived: 24690,
      fee,
      net: 24690 - fee,
      feeCurrency: 'EUR',
      gatewayPaymentId: p.orderId,
      gatewayChargeId: captureId,
      dashboardUrl: `https://www.sandbox.paypal.com/activity/payment/${captureId}`,
    })
    const pays = (await owner.client.get(`/api/v1/payments?invoiceId=${inv.id}`)).json().data
    expect(pays).toHaveLength(1)
    expect(pays[0]).toMatchObject({ gateway: 'paypal', method: 'paypal', gatewayFee: fee })

    // The capture event, five times, and the payer's second return: nothing more.
    const outcomes = await deliver(paypal.completed(p.orderId), 5)
    expect(outcomes.map((o) => [o.duplicate, o.outcome])).toEqual([
      [false, 'no_change'],
      ...Array.from({ length: 4 }, () => [true, 'no_change']),
    ])
    const again = await t.client().get(p.returnPath)
    expect(again.statusCode).toBe(303)
    expect(again.headers.location).toContain('payment=success')
    expect((await owner.client.get(`/api/v1/payments?invoiceId=${inv.id}`)).json().data).toHaveLength(1)
    await t.mail(owner.email, /^Payment received/)
  })

  it('a capture event alone pays the invoice when the return never reached Atrium; five deliveries, one payment', async () => {
    const inv = await sentInvoice(owner, clientId, 5000)
    const r = await owner.client.post('/api/v1/online-payments/checkout', {
      invoiceId: inv.id,
      gateway: 'paypal',
    })
    const c = r.json()
    const back = new URL(paypal.approve(c.url, { pending: true }))
    // The return finds the capture pending (held for review).
    const ret = await t.client().get(back.pathname + back.search)
    expect(ret.headers.location).toContain('payment=pending')
    const orderId = back.searchParams.get('token')!
    expect((await invoiceOf(inv.id)).status).toBe('sent')
    const event = paypal.completed(orderId)
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(paypal.deliveryOf(app, event))))
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200])
    expect((await invoiceOf(inv.id)).status).toBe('paid')
    expect((await owner.client.get(`/api/v1/payments?invoiceId=${inv.id}`)).json().data).toHaveLength(1)
    const stored = await t.database.db
      .select()
      .from(gatewayEvents)
      .where(eq(gatewayEvents.eventId, event.id as string))
    expect(stored).toHaveLength(1)
    expect(stored[0]!.outcome).toBe('paid')
  })

  it('a declined capture and a denied one leave the invoice open', async () => {
    const inv = await sentInvoice(owner, clientId, 3000)
    const d = await payThroughPayPal(inv.id, { decline: true })
    expect(d.ret.headers.location).toContain('payment=failed')
    expect((await onlineOf(d.onlinePaymentId)).status).toBe('failed')
    expect((await invoiceOf(inv.id)).status).toBe('sent')

    const inv2 = await sentInvoice(owner, clientId, 3100)
    const p = await payThroughPayPal(inv2.id, { pending: true })
    const [o] = await deliver(paypal.denied(p.orderId))
    expect(o.outcome).toBe('failed')
    expect((await onlineOf(p.onlinePaymentId)).status).toBe('failed')
    expect((await invoiceOf(inv2.id)).status).toBe('sent')
  })

  it('the payer picks the gateway on the view page (both connected: both offered, Stripe first)', async () => {
    const inv = await sentInvoice(owner, clientId, 2000)
    const { token } = (await owner.client.post(`/api/v1/invoices/${inv.id}/view-link`)).json()
    const anon = t.client()
    const stripe = await owner.client.put('/api/v1/payment-gateways/stripe', {
      secretKey: 'sk_test_BothGatewaysKey1234567890',
      webhookSecret: 'whsec_BothGatewaysSecret1234',
    })
    expect(stripe.statusCode).toBe(200)
    expect((await anon.get(`/api/v1/public/invoices/${token}/payment-options`)).json()).toEqual({
      online: true,
      gateway: 'stripe',
      gateways: ['stripe', 'paypal'],
    })
    expect((await owner.client.del('/api/v1/payment-gateways/stripe')).statusCode).toBe(204)
    const r = await anon.post(`/api/v1/public/invoices/${token}/checkout`, { gateway: 'paypal' })
    expect(r.statusCode, r.body).toBe(201)
    const back = new URL(paypal.approve(r.json().url))
    expect(back.searchParams.get('back')).toBe(`/view/${token}`)
    const ret = await anon.get(back.pathname + back.search)
    expect(ret.headers.location).toBe(`http://localhost:3000/view/${token}?payment=success`)
    expect((await anon.get(`/api/v1/public/invoices/${token}`)).json().status).toBe('paid')
    const paid = await anon.post(`/api/v1/public/invoices/${token}/checkout`, { gateway: 'paypal' })
    expect(paid.statusCode).toBe(409)
    const inv2 = await sentInvoice(owner, clientId, 2100)
    const { token: token2 } = (await owner.client.post(`/api/v1/invoices/${inv2.id}/view-link`)).json()
    const notConnected = await anon.post(`/api/v1/public/invoices/${token2}/checkout`, { gateway: 'stripe' })
    expect(notConnected.statusCode).toBe(409)
    expect(notConnected.json().errors[0].field).toBe('gateway')
    // A return naming another order, or a page off this site, goes nowhere.
    const forged = await anon.get(back.pathname + back.search.replace(/token=[^&]+/, 'token=ABCDEF123456'))
    expect(forged.statusCode).toBe(404)
    const offsite = new URL(back)
    offsite.searchParams.set('back', 'https://evil.test/')
    const o = await anon.get(offsite.pathname + offsite.search)
    expect(o.headers.location).toBe('http://localhost:3000/')
  })
})

describe('pay now in the email and on the PDF', () => {
  it('the sent invoice’s email has a Pay now button and its PDF a Pay online link, to the view page’s pay action', async () => {
    const d = await owner.client.post('/api/v1/invoices', {
      clientId,
      lines: [{ description: 'Retainer', quantity: '1', unitPrice: 90000 }],
    })
    const sent = await owner.client.post(`/api/v1/invoices/${d.json().id}/send`, { email: true })
    expect(sent.statusCode, sent.body).toBe(200)
    const mail = await t.mail('ap@contoso.test', new RegExp(sent.json().number))
    const [row] = await t.database.db
      .select()
      .from(mailMessages)
      .where(eq(mailMessages.to, 'ap@contoso.test'))
      .orderBy(desc(mailMessages.createdAt))
      .limit(1)
    const pay = /http:\/\/localhost:3000\/view\/[A-Za-z0-9_-]+\?pay=now/.exec(row!.html ?? '')?.[0]
    expect(pay).toBeTruthy()
    expect(row!.html).toContain('Pay now')
    expect(mail.text).toContain(pay)
    expect(mail.text).toMatch(/PAY NOW|Pay now/)
    const pdf = Buffer.from(row!.attachments[0]!.content, 'base64')
    const text = (await extractText(new Uint8Array(pdf), { mergePages: true })).text
    expect(text.toLowerCase()).toContain('pay online')
    expect(text.replace(/\s+/g, '')).toContain(pay)

    // The link opens the view page, whose pay action asks for the balance as it is then.
    const token = new URL(pay!).pathname.split('/').pop()!
    const manual = await owner.client.post('/api/v1/payments', {
      invoiceId: d.json().id,
      amount: 40000,
      paidOn: new Date().toISOString().slice(0, 10),
      method: 'bank_transfer',
    })
    expect(manual.statusCode, manual.body).toBe(201)
    const c = await t.client().post(`/api/v1/public/invoices/${token}/checkout`, { gateway: 'paypal' })
    expect(c.statusCode, c.body).toBe(201)
    expect(c.json().amount).toBe(50000)
  })

  it('a workspace without a gateway sends no pay link', async () => {
    const solo = await t.user({ workspace: 'No Gateway Ltd' })
    const cli = (
      await solo.client.post('/api/v1/clients', {
        name: 'Plain',
        currency: 'EUR',
        email: 'plain@client.test',
      })
    ).json().id
    const d = await solo.client.post('/api/v1/invoices', {
      clientId: cli,
      lines: [{ description: 'Work', quantity: '1', unitPrice: 1000 }],
    })
    await solo.client.post(`/api/v1/invoices/${d.json().id}/send`, { email: true })
    const mail = await t.mail('plain@client.test')
    expect(mail.text).not.toContain('pay=now')
  })
})

describe('refunds, reversals and order', () => {
  it('a partial refund from Atrium calls PayPal with an idempotency key and is final when the webhook confirms', async () => {
    const inv = await sentInvoice(owner, clientId, 10000)
    const p = await payThroughPayPal(inv.id)
    const r = await owner.client.post(`/api/v1/online-payments/${p.onlinePaymentId}/refund`, { amount: 5000 })
    expect(r.statusCode, r.body).toBe(202)
    expect(r.json()).toMatchObject({ status: 'pending', amount: 5000 })
    const captureId = paypal.captureOf(p.orderId)!.id
    const call = paypal.requests.findLast((q) => q.path === `/v2/payments/captures/${captureId}/refund`)!
    expect(call.requestId).toBe(`atrium-refund-${r.json().id}`)
    expect(call.body).toMatchObject({
      amount: { currency_code: 'EUR', value: '50.00' },
      custom_id: r.json().id,
    })
    expect((await invoiceOf(inv.id)).status).toBe('paid')

    const [o] = await deliver(paypal.refunded(p.orderId))
    expect(o.outcome).toBe('refunded')
    expect(await invoiceOf(inv.id)).toMatchObject({ status: 'partially_paid', balance: 5000 })
    const op = await onlineOf(p.onlinePaymentId)
    expect(op).toMatchObject({ status: 'partially_refunded', amountRefunded: 5000 })
    expect(op.refunds).toHaveLength(1)
    expect(op.refunds[0]).toMatchObject({ id: r.json().id, status: 'succeeded' })
    // More than is left is refused, naming the field.
    const over = await owner.client.post(`/api/v1/online-payments/${p.onlinePaymentId}/refund`, {
      amount: 16000,
    })
    expect(over.statusCode).toBe(400)
    expect(over.json().errors[0].field).toBe('amount')
  })

  it('events shuffled (duplicates, a dashboard refund, a reversal) end in the same state', async () => {
    for (const seed of [7, 42, 1234]) {
      const inv = await sentInvoice(owner, clientId, 8000)
      const p = await payThroughPayPal(inv.id, { pending: true })
      const completed = paypal.completed(p.orderId)
      const refund = paypal.refunded(p.orderId, { amount: 4000 })
      const reversal = paypal.reversed(p.orderId)
      const events = [completed, completed, refund, refund, reversal, completed, reversal]
      for (const e of shuffle(events, seed)) await deliver(e)
      const after = await invoiceOf(inv.id)
      expect(after.status, `seed ${seed}`).toBe('sent')
      expect(after.balance).toBe(16000)
      const op = await onlineOf(p.onlinePaymentId)
      expect(op).toMatchObject({ status: 'refunded', amountReceived: 16000, amountRefunded: 16000 })
      expect(op.refunds.map((x: { status: string }) => x.status)).toEqual(['succeeded', 'succeeded'])
      const pays = (await owner.client.get(`/api/v1/payments?invoiceId=${inv.id}`)).json().data
      expect(pays).toHaveLength(3)
    }
  })

  it('bad, missing, tampered and other-workspace signatures answer 400 and change nothing', async () => {
    const inv = await sentInvoice(owner, clientId, 4400)
    const p = await payThroughPayPal(inv.id, { pending: true })
    const event = paypal.completed(p.orderId)
    const good = paypal.deliveryOf(app, event)
    const tampered = { ...good, body: good.body.replace('"COMPLETED"', '"COMPLETED" ') }
    const answers = [
      await post(good, owner.workspaceId!, { 'paypal-transmission-sig': 'bm90IGEgc2lnbmF0dXJl' }),
      await post({ body: good.body, headers: {} }),
      await post(tampered),
      await post(paypal.deliveryOf(app, event, { webhookId: otherApp.webhookId })),
      await post(paypal.deliveryOf(otherApp, event)),
    ]
    for (const a of answers) {
      expect(a.statusCode, a.body).toBe(400)
      expect(a.json().errors[0].field).toBe('paypal-transmission-sig')
    }
    // Delivered to another workspace's endpoint: verified with that workspace's webhook id, refused.
    expect((await post(good, other.workspaceId!)).statusCode).toBe(400)
    const stored = await t.database.db
      .select()
      .from(gatewayEvents)
      .where(eq(gatewayEvents.eventId, event.id as string))
    expect(stored).toHaveLength(0)
    expect((await invoiceOf(inv.id)).status).toBe('sent')
    expect((await post(good)).statusCode).toBe(200)
    expect((await invoiceOf(inv.id)).status).toBe('paid')
  })

  it('another workspace cannot read, refund or capture these payments', async () => {
    const inv = await sentInvoice(owner, clientId, 1500)
    const p = await payThroughPayPal(inv.id)
    expect((await other.client.get(`/api/v1/online-payments/${p.onlinePaymentId}`)).statusCode).toBe(404)
    expect(
      (await other.client.post(`/api/v1/online-payments/${p.onlinePaymentId}/refund`, {})).statusCode,
    ).toBe(404)
    const crossed = await t
      .client()
      .get(
        `/api/v1/public/payments/paypal/return/${other.workspaceId}/${p.onlinePaymentId}?token=${p.orderId}`,
      )
    expect(crossed.statusCode).toBe(404)
    expect(
      (await member.client.post(`/api/v1/online-payments/${p.onlinePaymentId}/refund`, {})).statusCode,
    ).toBe(403)
  })

  it('reconcile reports a refund made at PayPal whose event never came, until it is delivered', async () => {
    const inv = await sentInvoice(owner, clientId, 2500)
    const p = await payThroughPayPal(inv.id)
    const lost = paypal.refunded(p.orderId, { amount: 1000 })
    const deps = paymentsDeps(t.kernel)
    const found = (await reconcile(t.database.db, deps, 1)).filter((d) => d.gatewayPaymentId === p.orderId)
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'refunds',
        gateway: '1000',
        atrium: '0',
        onlinePaymentId: p.onlinePaymentId,
      }),
    ])
    await deliver(lost)
    expect((await reconcile(t.database.db, deps, 1)).filter((d) => d.gatewayPaymentId === p.orderId)).toEqual(
      [],
    )
  })
})
