import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StripeTestServer } from '../../src/modules/payments/stripe-test-server.ts'
import { SK, WHSEC } from '../../src/modules/payments/testing.ts'
import { engine } from '../engine.ts'
import {
  type AtriumServer,
  createOwner,
  createStore,
  type Store,
  signIn,
  sleep,
  startServer,
  waitFor,
} from './lib.ts'

/**
 * A server killed with SIGKILL while it applies a payment webhook: the event's row and its effect are
 * one transaction, so the redelivery (Stripe retries) gives exactly one payment. PostgreSQL only: the
 * kill is timed by holding the invoice's row lock from outside, so the webhook is stopped inside its
 * transaction.
 */
describe.skipIf(engine() !== 'postgres')('payment webhook across a kill -9', () => {
  let store: Store
  let stripe: StripeTestServer
  let server: AtriumServer
  let stripeUrl: string
  let owner: { email: string; password: string }

  beforeAll(async () => {
    store = await createStore('postgres')
    stripe = new StripeTestServer()
    stripe.keys.add(SK)
    stripeUrl = await stripe.start()
    owner = await createOwner(store)
    server = await startServer(store, { env: { STRIPE_API_URL: stripeUrl } })
  })
  afterAll(async () => {
    await server?.kill()
    await stripe?.stop()
    await store?.drop()
  })

  it('redelivery after the crash records the payment once', async () => {
    const api = await signIn(server.url, owner)
    const json = async (path: string, method: string, body: object = {}) => {
      const r = await api(path, { method, body: JSON.stringify(body) })
      expect(r.status, path).toBeLessThan(300)
      return r.json()
    }
    const gw = await json('/api/v1/payment-gateways/stripe', 'PUT', { secretKey: SK, webhookSecret: WHSEC })
    const workspaceId = (gw.webhookUrl as string).split('/').pop()!
    const client = await json('/api/v1/clients', 'POST', { name: 'Northwind Traders', currency: 'EUR' })
    const inv = await json('/api/v1/invoices', 'POST', {
      clientId: client.id,
      lines: [{ description: 'Design sprint', quantity: '1', unitPrice: 50_000 }],
    })
    await json(`/api/v1/invoices/${inv.id}/send`, 'POST')
    const c = await json('/api/v1/online-payments/checkout', 'POST', { invoiceId: inv.id })
    const event = stripe
      .pay(c.url.split('/').pop())
      .events.find((e) => e.type === 'payment_intent.succeeded')!
    const payload = JSON.stringify(event)
    const signer = new Stripe('sk_test_signer')
    const deliver = (base: string) =>
      fetch(`${base}/webhooks/stripe/${workspaceId}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret: WHSEC }),
        },
        body: payload,
      })
    const count = async (q: string) => Number((await store.admin!.query(q)).rows[0].n)
    const payments = () => count(`select count(*)::int as n from invoice_payments where gateway = 'stripe'`)
    const events = () => count(`select count(*)::int as n from payment_gateway_events`)

    // Hold the invoice's row lock: the webhook stops inside its transaction, after storing the event.
    const locker = await store.admin!.connect()
    await locker.query('begin')
    await locker.query('select id from invoice_documents where id = $1 for update', [inv.id])
    const inFlight = deliver(server.url).catch(() => null)
    await waitFor('the webhook waiting on the lock', async () => {
      const n = await count(
        `select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
          where not l.granted and a.query ilike '%invoice_documents%'`,
      )
      return n > 0 || undefined
    })
    await server.kill('SIGKILL')
    expect(await inFlight).toBeNull()
    await locker.query('rollback')
    locker.release()
    await sleep(200)
    // Nothing of the webhook's transaction survived: neither the event nor the payment.
    expect(await events()).toBe(0)
    expect(await payments()).toBe(0)

    // Stripe retries: once applied, then a duplicate.
    server = await startServer(store, { port: server.port, env: { STRIPE_API_URL: stripeUrl } })
    const first = await deliver(server.url)
    expect(first.status, await first.clone().text()).toBe(200)
    expect((await first.json()).outcome).toBe('paid')
    const again = await deliver(server.url)
    expect((await again.json()).duplicate).toBe(true)
    expect(await payments()).toBe(1)
    expect(await events()).toBe(1)
    const after = await (await signIn(server.url, owner))(`/api/v1/invoices/${inv.id}`)
    expect((await after.json()).status).toBe('paid')
  })
})
