import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addPrices,
  OPERATOR_SK,
  OPERATOR_WHSEC,
  plansFile,
  signedDelivery,
} from '../../src/modules/billing/stripe-testing.ts'
import { StripeTestServer } from '../../src/modules/payments/stripe-test-server.ts'
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
 * A server killed with SIGKILL while it applies a subscription webhook of the operator's Stripe: the
 * event's id and its effect are one transaction, so Stripe's redelivery takes effect exactly once.
 * PostgreSQL only: the workspace's billing row is locked from outside, so the webhook is stopped
 * inside its transaction, after storing the event.
 */
describe.skipIf(engine() !== 'postgres')('subscription webhook across a kill -9', () => {
  let store: Store
  let stripe: StripeTestServer
  let server: AtriumServer
  let env: Record<string, string>
  let owner: { email: string; password: string }

  beforeAll(async () => {
    store = await createStore('postgres')
    stripe = new StripeTestServer()
    addPrices(stripe)
    env = {
      STRIPE_API_URL: await stripe.start(),
      STRIPE_SECRET_KEY: OPERATOR_SK,
      STRIPE_WEBHOOK_SECRET: OPERATOR_WHSEC,
      PLANS_FILE: plansFile(mkdtempSync(join(tmpdir(), 'atrium-plans-'))),
    }
    owner = await createOwner(store)
    server = await startServer(store, { env })
  })
  afterAll(async () => {
    await server?.kill()
    await stripe?.stop()
    await store?.drop()
  })

  it('redelivery after the crash applies the subscription once', async () => {
    const api = await signIn(server.url, owner)
    const r = await api('/api/v1/billing/checkout', {
      method: 'POST',
      body: JSON.stringify({ planKey: 'pro' }),
    })
    expect(r.status, await r.clone().text()).toBe(200)
    const done = stripe.billing.completeCheckout((await r.json()).url.split('/').pop())
    const created = done.events.find((e) => e.type === 'customer.subscription.created')!
    const deliver = (base: string) => {
      const d = signedDelivery(created)
      return fetch(`${base}${d.url}`, { method: 'POST', headers: d.headers, body: d.payload })
    }
    const count = async (q: string) => Number((await store.admin!.query(q)).rows[0].n)
    const events = () => count('select count(*)::int as n from billing_stripe_events')
    const status = async () =>
      (await store.admin!.query('select status from workspace_billing')).rows[0].status
    const changes = () =>
      count(`select count(*)::int as n from audit_logs where action = 'billing.status_changed'`)

    const locker = await store.admin!.connect()
    await locker.query('begin')
    await locker.query('select workspace_id from workspace_billing for update')
    const inFlight = deliver(server.url).catch(() => null)
    await waitFor('the webhook waiting on the billing row', async () => {
      const n = await count(
        `select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
          where not l.granted and a.query ilike '%workspace_billing%'`,
      )
      return n > 0 || undefined
    })
    await server.kill('SIGKILL')
    expect(await inFlight).toBeNull()
    await locker.query('rollback')
    locker.release()
    await sleep(200)
    // Nothing of the webhook's transaction survived.
    expect(await events()).toBe(0)
    expect(await status()).toBe('free')

    server = await startServer(store, { port: server.port, env })
    const first = await deliver(server.url)
    expect(first.status, await first.clone().text()).toBe(200)
    expect((await first.json()).outcome).toContain('trialing')
    const again = await deliver(server.url)
    expect((await again.json()).duplicate).toBe(true)
    expect(await events()).toBe(1)
    expect(await status()).toBe('trialing')
    expect(await changes()).toBe(1)
  })
})
