import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import pino from 'pino'
import Stripe from 'stripe'
import { buildApp, createKernel } from '../server/src/app.ts'
import { loadConfig } from '../server/src/config.ts'
import { createUser } from '../server/src/db/seed.ts'
import { StripeTestServer } from '../server/src/modules/payments/stripe-test-server.ts'
import { databaseUrl, fmt, withAdmin } from './lib.ts'

// npm run bench -- payments: Stripe webhooks on PostgreSQL. INVOICES invoices are paid through
// Checkout (three events each: charge.succeeded, payment_intent.succeeded, checkout.session.completed)
// and a third of the events are delivered again, in a shuffled order, CONCURRENCY at a time over
// HTTP; prints events per second and latency percentiles, then counts payments (duplicates: none).
const INVOICES = Number(process.env.BENCH_PAYMENTS_INVOICES ?? 250)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10)
const DB = 'atrium_bench_payments'
const SK = `sk_test_${'BenchAtrium'.padEnd(30, 'x')}abcd`
const WHSEC = `whsec_${'BenchSigningSecret'.padEnd(32, 'y')}wxyz`

export async function paymentsWebhookBench() {
  await withAdmin(async (admin) => {
    await admin.query(`drop database if exists ${DB} with (force)`)
    await admin.query(`create database ${DB}`)
  })
  const stripe = new StripeTestServer()
  stripe.keys.add(SK)
  const stripeUrl = await stripe.start()
  const dataDir = mkdtempSync(join(tmpdir(), 'atrium-bench-pay-'))
  const config = loadConfig({
    NODE_ENV: 'development',
    APP_URL: 'http://localhost:3802',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl(DB),
    LOG_LEVEL: 'silent',
    ATRIUM_SEED: 'false',
    SECRET_KEY: randomBytes(32).toString('hex'),
    STRIPE_API_URL: stripeUrl,
    SIGNIN_RATE_LIMIT: '1000',
  })
  const kernel = await createKernel(config, { log: pino({ level: 'silent' }) })
  await kernel.database.migrate()
  await kernel.jobs.start({ work: true })
  const app = await buildApp(kernel)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  try {
    const password = `pw-${randomBytes(8).toString('hex')}`
    const { workspaceId } = await createUser(kernel.database, {
      email: 'bench@example.test',
      password,
      name: 'Bench',
      workspace: { name: 'Bench Co', slug: `bench-${randomBytes(3).toString('hex')}` },
    })
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      headers: { origin: config.appUrl },
      payload: { email: 'bench@example.test', password },
    })
    const cookie = signIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
    const call = async (method: 'POST' | 'PUT', url: string, payload: object) => {
      const r = await app.inject({ method, url, payload, headers: { cookie, origin: config.appUrl } })
      if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`)
      return r.json()
    }
    await call('PUT', '/api/v1/payment-gateways/stripe', { secretKey: SK, webhookSecret: WHSEC })
    const client = await call('POST', '/api/v1/clients', { name: 'Northwind Traders', currency: 'EUR' })
    const events: object[] = []
    for (let i = 0; i < INVOICES; i++) {
      const inv = await call('POST', '/api/v1/invoices', {
        clientId: client.id,
        lines: [{ description: 'Design sprint', quantity: '1', unitPrice: 10_000 + i }],
      })
      await call('POST', `/api/v1/invoices/${inv.id}/send`, {})
      const c = await call('POST', '/api/v1/online-payments/checkout', { invoiceId: inv.id })
      events.push(...stripe.pay(c.url.split('/').pop()).events)
    }
    const replays = events.filter((_, i) => i % 3 === 0)
    const all = [...events, ...replays].sort(() => Math.random() - 0.5)
    const signer = new Stripe('sk_test_signer')
    const latencies: number[] = []
    let next = 0
    let failed = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < all.length) {
          const payload = JSON.stringify(all[next++])
          const t0 = performance.now()
          const r = await fetch(`${base}/webhooks/stripe/${workspaceId}`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret: WHSEC }),
            },
            body: payload,
          })
          await r.arrayBuffer()
          if (r.status !== 200) failed++
          latencies.push(performance.now() - t0)
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!
    const [counts] = (
      await kernel.database.db.execute(sql`select
        (select count(*)::int from invoice_payments where gateway = 'stripe') as payments,
        (select count(distinct gateway_payment_id)::int from invoice_payments where gateway = 'stripe') as distinct_payments,
        (select count(*)::int from invoice_documents where kind = 'invoice' and status = 'paid') as paid,
        (select count(*)::int from payment_gateway_events) as events`)
    ).rows as { payments: number; distinct_payments: number; paid: number; events: number }[]
    console.log(
      `payments webhooks (PostgreSQL, ${CONCURRENCY} in flight): ${all.length} deliveries (${events.length} events, ${replays.length} repeated) in ${fmt(seconds, 1)} s = ${fmt(all.length / seconds)} events/s; p50 ${fmt(p(0.5), 1)} ms, p99 ${fmt(p(0.99), 1)} ms; non-200: ${failed}`,
    )
    console.log(
      `  invoices paid ${counts!.paid}/${INVOICES}; invoice payments ${counts!.payments} (${counts!.distinct_payments} distinct, duplicates ${counts!.payments - counts!.distinct_payments}); events stored ${counts!.events}`,
    )
  } finally {
    await app.close()
    await kernel.close()
    await stripe.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
