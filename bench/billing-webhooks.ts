import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import pino from 'pino'
import { buildApp, createKernel } from '../server/src/app.ts'
import { loadConfig } from '../server/src/config.ts'
import { createUser } from '../server/src/db/seed.ts'
import {
  addPrices,
  OPERATOR_SK,
  OPERATOR_WHSEC,
  plansFile,
  signedDelivery,
} from '../server/src/modules/billing/stripe-testing.ts'
import { StripeTestServer } from '../server/src/modules/payments/stripe-test-server.ts'
import { databaseUrl, fmt, withAdmin } from './lib.ts'

// npm run bench -- billing: the operator's Stripe webhook (POST /webhooks/stripe) on PostgreSQL.
// WORKSPACES workspaces subscribe through Checkout, then their trial reminder, first payment, a failed
// payment and its recovery happen at the local Stripe stand-in; a share of the events are delivered
// again so that there are DELIVERIES in all, shuffled, CONCURRENCY at a time over HTTP. Prints events
// per second and latency percentiles, then counts effects: each workspace changed plan once, every
// event stored once, every repeat answered as a duplicate.
const WORKSPACES = Number(process.env.BENCH_BILLING_WORKSPACES ?? 50)
const DELIVERIES = Number(process.env.BENCH_BILLING_DELIVERIES ?? 1000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10)
const DB = 'atrium_bench_billing'

export async function billingWebhookBench() {
  await withAdmin(async (admin) => {
    await admin.query(`drop database if exists ${DB} with (force)`)
    await admin.query(`create database ${DB}`)
  })
  const stripe = new StripeTestServer()
  addPrices(stripe)
  const stripeUrl = await stripe.start()
  const dataDir = mkdtempSync(join(tmpdir(), 'atrium-bench-billing-'))
  const config = loadConfig({
    NODE_ENV: 'development',
    APP_URL: 'http://localhost:3803',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl(DB),
    LOG_LEVEL: 'silent',
    ATRIUM_SEED: 'false',
    SECRET_KEY: randomBytes(32).toString('hex'),
    STRIPE_API_URL: stripeUrl,
    STRIPE_SECRET_KEY: OPERATOR_SK,
    STRIPE_WEBHOOK_SECRET: OPERATOR_WHSEC,
    PLANS_FILE: plansFile(dataDir),
    SIGNIN_RATE_LIMIT: '100000',
  })
  const kernel = await createKernel(config, { log: pino({ level: 'silent' }) })
  await kernel.database.migrate()
  await kernel.jobs.start({ work: true })
  const app = await buildApp(kernel)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  try {
    const events: object[] = []
    for (let i = 0; i < WORKSPACES; i++) {
      const email = `bench${i}@example.test`
      const password = `pw-${randomBytes(8).toString('hex')}`
      await createUser(kernel.database, {
        email,
        password,
        name: `Bench ${i}`,
        workspace: { name: `Bench ${i}`, slug: `bench-${i}-${randomBytes(3).toString('hex')}` },
      })
      const signIn = await app.inject({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        headers: { origin: config.appUrl },
        payload: { email, password },
      })
      const cookie = signIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/billing/checkout',
        payload: { planKey: 'pro', interval: 'month' },
        headers: { cookie, origin: config.appUrl },
      })
      if (r.statusCode !== 200) throw new Error(`checkout: ${r.statusCode} ${r.body}`)
      const done = stripe.billing.completeCheckout(r.json().url.split('/').pop())
      const id = done.subscriptionId
      events.push(
        ...done.events,
        ...stripe.billing.trialWillEnd(id),
        ...stripe.billing.renew(id),
        ...stripe.billing.failPayment(id),
        ...stripe.billing.recover(id),
      )
    }
    const replays = Array.from(
      { length: Math.max(0, DELIVERIES - events.length) },
      (_, i) => events[i % events.length]!,
    )
    const all = [...events, ...replays].sort(() => Math.random() - 0.5)
    const latencies: number[] = []
    let next = 0
    let failed = 0
    let duplicates = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < all.length) {
          const d = signedDelivery(all[next++]!)
          const t0 = performance.now()
          const r = await fetch(`${base}${d.url}`, { method: 'POST', headers: d.headers, body: d.payload })
          const body = (await r.json()) as { duplicate?: boolean }
          latencies.push(performance.now() - t0)
          if (r.status !== 200) failed++
          else if (body.duplicate) duplicates++
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!
    const [c] = (
      await kernel.database.db.execute(sql`select
        (select count(*)::int from billing_stripe_events) as events,
        (select count(*)::int from workspace_billing wb join plans p on p.id = wb.plan_id
          where wb.status = 'active' and p.key = 'pro') as active_pro,
        (select count(*)::int from audit_logs where action = 'billing.plan_changed') as plan_changes,
        (select count(distinct workspace_id)::int from audit_logs where action = 'billing.plan_changed') as plan_changed_workspaces`)
    ).rows as { events: number; active_pro: number; plan_changes: number; plan_changed_workspaces: number }[]
    console.log(
      `billing webhooks (operator account, PostgreSQL, ${CONCURRENCY} in flight): ${all.length} deliveries (${events.length} events, ${replays.length} repeated) in ${fmt(seconds, 1)} s = ${fmt(all.length / seconds)} events/s; p50 ${fmt(p(0.5), 1)} ms, p99 ${fmt(p(0.99), 1)} ms; non-200: ${failed}`,
    )
    console.log(
      `  answered duplicate ${duplicates} (repeats ${all.length - events.length}); events stored ${c!.events}/${events.length}; workspaces active on Pro ${c!.active_pro}/${WORKSPACES}; plan changes ${c!.plan_changes} in ${c!.plan_changed_workspaces} workspaces (duplicates ${c!.plan_changes - c!.plan_changed_workspaces})`,
    )
  } finally {
    await app.close()
    await kernel.close()
    await stripe.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

// `node bench/billing-webhooks.ts` runs it alone (also `npm run bench -- billing`).
if (import.meta.main) await billingWebhookBench()
