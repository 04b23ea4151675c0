import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { auditLogs } from '../../kernel/audit/index.ts'
import { mailMessages } from '../../kernel/mail/schema.ts'
import { StripeTestServer } from '../payments/stripe-test-server.ts'
import { shuffle } from '../payments/testing.ts'
import { runDunning } from './dunning.ts'
import { billingStripeEvents, workspaceBilling } from './schema.ts'
import { billingStripe } from './stripe-client.ts'
import { reconcileSubscriptions } from './stripe-reconcile.ts'
import { addPrices, OPERATOR_SK, OPERATOR_WHSEC, plansFile, signedDelivery } from './stripe-testing.ts'

/** Workspace subscriptions end to end: the real stripe SDK against the local Stripe, webhooks signed as Stripe signs them. */
let t: TestApp
let stripe: StripeTestServer
let owner: TestUser
let admin: TestUser
let member: TestUser
const DAY = 86_400_000

beforeAll(async () => {
  stripe = new StripeTestServer()
  const url = await stripe.start()
  addPrices(stripe)
  t = await createTestApp({
    SESSION_CACHE_MS: '0',
    SIGNIN_RATE_LIMIT: '1000',
    STRIPE_API_URL: url,
    STRIPE_SECRET_KEY: OPERATOR_SK,
    STRIPE_WEBHOOK_SECRET: OPERATOR_WHSEC,
    PLANS_FILE: plansFile(mkdtempSync(join(tmpdir(), 'atrium-plans-'))),
  })
  owner = await t.user({ workspace: 'Subscriber Co' })
  admin = await joinWorkspace(t, owner.workspaceId!, 'admin')
  member = await joinWorkspace(t, owner.workspaceId!, 'member')
})
afterAll(async () => {
  await t?.close()
  await stripe?.stop()
})

const deliver = (event: object, opts: Parameters<typeof signedDelivery>[1] = {}) =>
  t.app.inject(signedDelivery(event, opts))

async function deliverAll(events: object[]) {
  const outcomes: string[] = []
  for (const e of events) {
    const r = await deliver(e)
    expect(r.statusCode, r.body).toBe(200)
    outcomes.push(r.json().outcome)
  }
  return outcomes
}

const billingOf = async (u: TestUser) => {
  const r = await u.client.get('/api/v1/billing')
  expect(r.statusCode, r.body).toBe(200)
  return r.json()
}

async function checkout(u: TestUser, planKey: string, interval: 'month' | 'year' = 'month') {
  const r = await u.client.post('/api/v1/billing/checkout', { planKey, interval })
  expect(r.statusCode, r.body).toBe(200)
  return (r.json().url as string).split('/').pop()!
}

const mailsTo = async (email: string) =>
  t.database.db.select().from(mailMessages).where(eq(mailMessages.to, email))

async function waitForMail(email: string, subject: RegExp, count = 1) {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    const n = (await mailsTo(email)).filter((m) => subject.test(m.subject)).length
    if (n >= count) return n
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no email to ${email} matching ${subject}`)
}

async function auditCount(workspaceId: string, action: string) {
  const rows = await t.database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLogs)
    .where(and(eq(auditLogs.workspaceId, workspaceId), eq(auditLogs.action, action)))
  return Number(rows[0]!.n)
}

describe('the plan lifecycle', () => {
  let subscriptionId: string
  const clientIds: string[] = []

  it('starts on the free plan, whose limits hold', async () => {
    const b = await billingOf(owner)
    expect(b).toMatchObject({ status: 'free', stripeEnabled: true })
    expect(b.plan.key).toBe('free')
    for (const name of ['Acme', 'Globex']) {
      const r = await owner.client.post('/api/v1/clients', { name })
      expect(r.statusCode, r.body).toBe(201)
      clientIds.push(r.json().id)
    }
    const over = await owner.client.post('/api/v1/clients', { name: 'Initech' })
    expect(over.statusCode).toBe(402)
  })

  it('checkout → webhooks → trialing on Pro, the customer made once with our id as idempotency key', async () => {
    const sessionId = await checkout(owner, 'pro')
    const customerCalls = stripe.requests.filter((r) => r.path === '/v1/customers' && r.method === 'POST')
    expect(customerCalls).toHaveLength(1)
    expect(customerCalls[0]!.idempotencyKey).toBe(`atrium-billing-customer-${owner.workspaceId}`)
    expect(customerCalls[0]!.key).toBe(OPERATOR_SK)
    const call = stripe.requests.findLast((r) => r.path === '/v1/checkout/sessions')!
    expect(call.params).toMatchObject({
      mode: 'subscription',
      line_items: { '0': { price: 'price_proMonthly', quantity: '1' } },
      subscription_data: { trial_period_days: '14', metadata: { atrium_workspace: owner.workspaceId } },
    })
    expect(call.idempotencyKey).toMatch(/^atrium-billing-checkout-/)
    // A second click reuses the customer.
    await checkout(owner, 'pro')
    expect(stripe.requests.filter((r) => r.path === '/v1/customers' && r.method === 'POST')).toHaveLength(1)

    const done = stripe.billing.completeCheckout(sessionId, { brand: 'mastercard', last4: '4444' })
    subscriptionId = done.subscriptionId
    const outcomes = await deliverAll(done.events)
    expect(outcomes).toContain('ignored')
    const b = await billingOf(owner)
    expect(b).toMatchObject({ status: 'trialing', interval: 'month', cancelAtPeriodEnd: false })
    expect(b.plan.key).toBe('pro')
    expect(b.trialEndsAt).not.toBeNull()
    expect(b.paymentMethod).toMatchObject({ brand: 'mastercard', last4: '4444' })
    await waitForMail(owner.email, /Welcome to Pro/)
    // The plan's limits apply at once: a third client.
    const r = await owner.client.post('/api/v1/clients', { name: 'Initech' })
    expect(r.statusCode, r.body).toBe(201)
    clientIds.push(r.json().id)
  })

  it('trial_will_end emails the owner; the trial ends and the first payment makes it active', async () => {
    await deliverAll(stripe.billing.trialWillEnd(subscriptionId))
    await waitForMail(owner.email, /trial ends on/)
    await deliverAll(stripe.billing.renew(subscriptionId))
    const b = await billingOf(owner)
    expect(b.status).toBe('active')
    expect(b.trialEndsAt).toBeNull()
    expect(b.nextInvoice).toMatchObject({ amount: 2900, currency: 'EUR' })
  })

  it('previews an upgrade (Stripe’s proration), then upgrades and downgrades', async () => {
    stripe.billing.advance(10 * 86_400)
    const p = await owner.client.post('/api/v1/billing/preview', { planKey: 'business', interval: 'month' })
    expect(p.statusCode, p.body).toBe(200)
    const preview = p.json()
    expect(preview.currency).toBe('EUR')
    expect(preview.lines).toHaveLength(2)
    expect(preview.lines[0].amount).toBeLessThan(0)
    expect(preview.amountDue).toBe(preview.lines[0].amount + preview.lines[1].amount)
    expect(preview.amountDue).toBeGreaterThan(0)
    expect((await billingOf(owner)).plan.key).toBe('pro')

    const up = await owner.client.post('/api/v1/billing/change', { planKey: 'business', interval: 'month' })
    expect(up.statusCode, up.body).toBe(200)
    expect(up.json().plan.key).toBe('business')
    const call = stripe.requests.findLast(
      (r) => r.path === `/v1/subscriptions/${subscriptionId}` && r.method === 'POST',
    )!
    expect(call.params).toMatchObject({
      proration_behavior: 'always_invoice',
      items: { '0': { price: 'price_businessMonthly' } },
    })
    expect(call.idempotencyKey).toMatch(
      new RegExp(`^atrium-billing-change-${subscriptionId}-price_businessMonthly-`),
    )
    const invoice = [...stripe.billing.invoices.values()].findLast(
      (i) => i.billing_reason === 'subscription_update',
    )!
    expect(invoice.amount_due).toBe(preview.amountDue)
    // The webhooks that follow find nothing more to change.
    const outcomes = await deliverAll(stripe.billing.takeEvents())
    expect(outcomes.filter((o) => o !== 'ignored' && o !== 'no_change' && o !== 'period')).toEqual([])
    await waitForMail(owner.email, /now on Business/)

    const down = await owner.client.post('/api/v1/billing/change', { planKey: 'pro', interval: 'month' })
    expect(down.statusCode, down.body).toBe(200)
    expect(down.json().plan.key).toBe('pro')
    await deliverAll(stripe.billing.takeEvents())
    expect(await auditCount(owner.workspaceId!, 'billing.plan_changed')).toBe(3)
  })

  it('a failed payment → past_due → dunning emails on days 0, 3 and 7 from the job → canceled → free plan, nothing lost', async () => {
    await deliverAll(stripe.billing.failPayment(subscriptionId))
    const b = await billingOf(owner)
    expect(b.status).toBe('past_due')
    expect(b.plan.key).toBe('pro')
    const since = new Date(b.pastDueSince)
    expect(new Date(b.graceEndsAt).getTime() - since.getTime()).toBe(14 * DAY)
    // Day 0: the job the webhook queued.
    await waitForMail(owner.email, /Payment failed: update your card/)

    const runJob = async (now: Date) => {
      await t.kernel.jobs.send('billing.dunning', { now: now.toISOString() })
    }
    await runJob(new Date(since.getTime() + 3 * DAY + 1000))
    await waitForMail(owner.email, /Reminder \(day 3\)/)
    // The same step again sends nothing.
    expect(await runDunning(t.kernel, new Date(since.getTime() + 3 * DAY + 5000))).toMatchObject({
      notices: 0,
    })
    await runJob(new Date(since.getTime() + 7 * DAY + 1000))
    await waitForMail(owner.email, /Reminder \(day 7\)/)
    const reminders = (await mailsTo(owner.email)).filter((m) => /Payment failed|Reminder/.test(m.subject))
    expect(reminders).toHaveLength(3)
    expect(await auditCount(owner.workspaceId!, 'billing.dunning_notice')).toBe(3)

    // The grace period ends unpaid: canceled at Stripe, the workspace on the free plan.
    const ended = await runDunning(t.kernel, new Date(since.getTime() + 14 * DAY + 1000))
    expect(ended).toMatchObject({ canceled: 1 })
    expect(stripe.billing.subscriptions.get(subscriptionId)!.status).toBe('canceled')
    const cancel = stripe.requests.findLast((r) => r.method === 'DELETE')!
    expect(cancel.idempotencyKey).toBe(`atrium-billing-grace-cancel-${subscriptionId}`)
    const after = await billingOf(owner)
    expect(after).toMatchObject({ status: 'canceled', pastDueSince: null, graceEndsAt: null })
    expect(after.plan.key).toBe('free')
    await waitForMail(owner.email, /subscription ended/)
    // Stripe's own deletion event changes nothing more.
    const outcomes = await deliverAll(stripe.billing.takeEvents())
    expect(outcomes.every((o) => o === 'no_change' || o === 'ignored')).toBe(true)

    // Free-plan limits: nothing new over the limit, nothing deleted.
    const over = await owner.client.post('/api/v1/clients', { name: 'Umbrella' })
    expect(over.statusCode).toBe(402)
    expect(over.json()).toMatchObject({ limit: 'clients', allowed: 2, usage: 3 })
    for (const id of clientIds) expect((await owner.client.get(`/api/v1/clients/${id}`)).statusCode).toBe(200)
  })
})

describe('cancel, resume, the free plan, the portal and invoices', () => {
  let u: TestUser
  let subscriptionId: string
  beforeAll(async () => {
    u = await t.user({ workspace: 'Canceller Ltd' })
    const done = stripe.billing.completeCheckout(await checkout(u, 'pro', 'year'))
    subscriptionId = done.subscriptionId
    await deliverAll(done.events)
  })

  it('cancels at the end of the period and resumes', async () => {
    const c = await u.client.post('/api/v1/billing/cancel')
    expect(c.statusCode, c.body).toBe(200)
    expect(c.json()).toMatchObject({ cancelAtPeriodEnd: true, status: 'trialing', interval: 'year' })
    expect(stripe.billing.subscriptions.get(subscriptionId)!.cancel_at_period_end).toBe(true)
    await waitForMail(u.email, /will end at the end of the period/)
    const r = await u.client.post('/api/v1/billing/resume')
    expect(r.statusCode, r.body).toBe(200)
    expect(r.json().cancelAtPeriodEnd).toBe(false)
    await deliverAll(stripe.billing.takeEvents())
    expect(await auditCount(u.workspaceId!, 'billing.cancel_scheduled')).toBe(1)
    expect(await auditCount(u.workspaceId!, 'billing.resumed')).toBe(1)
  })

  it('the free plan through change: canceled at the end of the period, then free', async () => {
    const r = await u.client.post('/api/v1/billing/change', { planKey: 'free' })
    expect(r.statusCode, r.body).toBe(200)
    expect(r.json()).toMatchObject({ cancelAtPeriodEnd: true })
    expect(r.json().plan.key).toBe('pro')
    await deliverAll([...stripe.billing.takeEvents(), ...stripe.billing.renew(subscriptionId)])
    const b = await billingOf(u)
    expect(b.status).toBe('canceled')
    expect(b.plan.key).toBe('free')
  })

  it('portal and invoices; a new subscription has no second trial', async () => {
    const p = await u.client.post('/api/v1/billing/portal')
    expect(p.statusCode, p.body).toBe(200)
    expect(p.json().url).toMatch(/^https:\/\/billing\.stripe\.com\//)
    const inv = await u.client.get('/api/v1/billing/invoices')
    expect(inv.statusCode, inv.body).toBe(200)
    expect(inv.json().data.length).toBeGreaterThan(0)
    expect(inv.json().data[0]).toMatchObject({ currency: 'EUR' })
    await checkout(u, 'pro')
    const call = stripe.requests.findLast((r) => r.path === '/v1/checkout/sessions')!
    expect((call.params.subscription_data as Record<string, unknown>).trial_period_days).toBeUndefined()
  })

  it('only the owner manages; admins read; members neither', async () => {
    expect((await admin.client.get('/api/v1/billing/invoices')).statusCode).toBe(200)
    for (const who of [admin, member])
      for (const path of ['checkout', 'preview', 'change', 'cancel', 'resume', 'portal']) {
        const r = await who.client.post(`/api/v1/billing/${path}`, { planKey: 'pro', interval: 'month' })
        expect(r.statusCode, `${path}: ${r.body}`).toBe(403)
      }
    expect((await member.client.get('/api/v1/billing/invoices')).statusCode).toBe(403)
  })

  it('names the field for bad choices and state conflicts', async () => {
    const unknown = await owner.client.post('/api/v1/billing/checkout', { planKey: 'platinum' })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().errors[0].field).toBe('planKey')
    const noYear = await owner.client.post('/api/v1/billing/checkout', {
      planKey: 'business',
      interval: 'year',
    })
    expect(noYear.statusCode).toBe(409)
    expect(noYear.json().errors[0].field).toBe('interval')
    const fresh = await t.user({ workspace: 'Nothing Yet' })
    const none = await fresh.client.post('/api/v1/billing/preview', { planKey: 'business' })
    expect(none.statusCode).toBe(409)
    expect(none.json().errors[0].field).toBe('subscription')
    expect((await fresh.client.get('/api/v1/billing/invoices')).json()).toEqual({ data: [] })
  })
})

describe('webhooks: exactly once, any order, signatures', () => {
  const storedEvents = async () =>
    Number((await t.database.db.select({ n: sql<number>`count(*)::int` }).from(billingStripeEvents))[0]!.n)

  it('the same event five times → one effect', async () => {
    const u = await t.user({ workspace: 'Five Times' })
    const done = stripe.billing.completeCheckout(await checkout(u, 'business'))
    const created = done.events.find((e) => e.type === 'customer.subscription.created')!
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(created)))
    for (const a of answers) expect(a.statusCode, a.body).toBe(200)
    expect(answers.filter((a) => a.json().duplicate === false)).toHaveLength(1)
    expect(await auditCount(u.workspaceId!, 'billing.status_changed')).toBe(1)
    expect(await auditCount(u.workspaceId!, 'billing.plan_changed')).toBe(1)
    await waitForMail(u.email, /Welcome to Business/)
    await new Promise((r) => setTimeout(r, 500))
    expect((await mailsTo(u.email)).filter((m) => /Welcome/.test(m.subject))).toHaveLength(1)
  })

  it('20 events in shuffled orders → the same final state', async () => {
    for (const seed of [1, 7, 42]) {
      const u = await t.user({ workspace: `Shuffled ${seed}` })
      const done = stripe.billing.completeCheckout(await checkout(u, 'pro'))
      const id = done.subscriptionId
      const events = [
        ...done.events,
        ...stripe.billing.trialWillEnd(id),
        ...stripe.billing.renew(id),
        ...stripe.billing.failPayment(id),
        ...stripe.billing.recover(id),
        ...stripe.billing.renew(id),
      ]
      const twenty = [...events, ...events.slice(0, 20 - events.length)].slice(0, 20)
      expect(twenty).toHaveLength(20)
      await deliverAll(shuffle(twenty, seed))
      const b = await billingOf(u)
      expect(b, `seed ${seed}`).toMatchObject({
        status: 'active',
        pastDueSince: null,
        cancelAtPeriodEnd: false,
      })
      expect(b.plan.key).toBe('pro')
      const [row] = await t.database.db
        .select()
        .from(workspaceBilling)
        .where(eq(workspaceBilling.workspaceId, u.workspaceId!))
      expect(row!.stripeSubscriptionId).toBe(id)
      expect(row!.dunningStep).toBe(0)
      expect(await auditCount(u.workspaceId!, 'billing.plan_changed')).toBe(1)
    }
  })

  it('a deletion before its creation ends canceled on the free plan', async () => {
    const u = await t.user({ workspace: 'Backwards' })
    const done = stripe.billing.completeCheckout(await checkout(u, 'pro'))
    const deleted = stripe.billing.cancel(done.subscriptionId)
    await deliverAll([...deleted, ...done.events])
    const b = await billingOf(u)
    expect(b.status).toBe('canceled')
    expect(b.plan.key).toBe('free')
  })

  it('a bad, missing or tampered signature → 400 and nothing stored', async () => {
    const before = await storedEvents()
    const e = stripe.billing.trialWillEnd([...stripe.billing.subscriptions.keys()][0]!)[0]!
    const wrong = await deliver(e, { secret: 'whsec_SomeoneElsesSecret1234567890' })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().errors[0].field).toBe('stripe-signature')
    expect((await deliver(e, { signature: null })).statusCode).toBe(400)
    const tampered = await deliver(e, { payload: JSON.stringify({ ...e, id: 'evt_forged' }) })
    expect(tampered.statusCode).toBe(400)
    expect(await storedEvents()).toBe(before)
  })
})

describe('atrium billing reconcile', () => {
  it('reports subscriptions whose events were lost, until Stripe delivers them again', async () => {
    const u = await t.user({ workspace: 'Lost Events' })
    const done = stripe.billing.completeCheckout(await checkout(u, 'pro'))
    const stripeBilling = billingStripe(t.kernel)!
    const lost = await reconcileSubscriptions(t.database.db, stripeBilling, 7)
    expect(lost).toEqual([
      expect.objectContaining({
        workspaceId: u.workspaceId,
        subscriptionId: done.subscriptionId,
        kind: 'unknown',
        stripe: 'trialing',
      }),
    ])
    await deliverAll(done.events)
    expect(await reconcileSubscriptions(t.database.db, stripeBilling, 7)).toEqual([])
    const failed = stripe.billing.failPayment(done.subscriptionId)
    expect(await reconcileSubscriptions(t.database.db, stripeBilling, 7)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'status', stripe: 'past_due', atrium: 'trialing' }),
      ]),
    )
    await deliverAll(failed)
    expect(await reconcileSubscriptions(t.database.db, stripeBilling, 7)).toEqual([])
  })
})

describe('without Stripe configured', () => {
  let bare: TestApp
  beforeAll(async () => {
    bare = await createTestApp({
      SESSION_CACHE_MS: '0',
      PLANS_FILE: plansFile(mkdtempSync(join(tmpdir(), 'atrium-plans-'))),
    })
  })
  afterAll(() => bare?.close())

  it('answers 409 naming stripe on the subscription routes, 503 on the webhook; the free plan still works', async () => {
    const u = await bare.user({ workspace: 'Self Hosted' })
    for (const path of ['checkout', 'preview', 'portal']) {
      const r = await u.client.post(`/api/v1/billing/${path}`, { planKey: 'free' })
      expect(r.statusCode, r.body).toBe(409)
      expect(r.json().type).toBe('/problems/stripe-not-configured')
      expect(r.json().errors[0].field).toBe('stripe')
    }
    expect((await u.client.get('/api/v1/billing/invoices')).statusCode).toBe(409)
    const hook = await bare.app.inject(signedDelivery({ id: 'evt_x', type: 'invoice.paid' }))
    expect(hook.statusCode).toBe(503)
    const paid = await u.client.post('/api/v1/billing/change', { planKey: 'pro' })
    expect(paid.statusCode).toBe(409)
    expect(paid.json().type).toBe('/problems/stripe-not-configured')
    const free = await u.client.post('/api/v1/billing/change', { planKey: 'free' })
    expect(free.statusCode, free.body).toBe(200)
    expect((await u.client.get('/api/v1/billing')).json().stripeEnabled).toBe(false)
  })
})
