import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import {
  ADMIN_URL,
  DURATION,
  demoPassword,
  fmt,
  load,
  rssMiB,
  signIn,
  sleep,
  startAtrium,
  stop,
  databaseUrl as urlOf,
  waitReady,
} from './lib.ts'

// npm run bench [-- startup|me|clients|invoices|invoices-list|realtime|storage|payments|billing] [--fresh]: start-up time, idle memory, /api/v1/me throughput
// against baselines, and the clients module on 2 million generated clients (bench/clients.ts).
const args = process.argv.slice(2)
const only = args.find((a) => !a.startsWith('--'))

async function coldStart() {
  const dataDir = mkdtempSync(join(tmpdir(), 'atrium-bench-'))
  const port = 3801
  const results: Record<string, number> = {}
  for (const label of ['first start (migrations + seed)', 'restart']) {
    const t0 = performance.now()
    const { child } = startAtrium({
      DATA_DIR: dataDir,
      PORT: String(port),
      APP_URL: `http://localhost:${port}`,
    })
    results[label] = await waitReady(`http://127.0.0.1:${port}/readyz`, t0)
    if (label === 'restart') {
      await sleep(3000)
      results['idle RSS (MiB)'] = rssMiB(child.pid!)
    }
    await stop(child)
  }
  rmSync(dataDir, { recursive: true, force: true })
  return results
}

async function meThroughput() {
  const admin = new pg.Pool({ connectionString: ADMIN_URL, max: 1 })
  const name = `atrium_bench_${Date.now()}`
  await admin.query(`create database ${name}`)
  const databaseUrl = urlOf(name)
  const port = 3802
  const appUrl = `http://localhost:${port}`
  const dataDir = mkdtempSync(join(tmpdir(), 'atrium-bench-'))
  const env = { DATA_DIR: dataDir, PORT: String(port), APP_URL: appUrl, DATABASE_URL: databaseUrl }
  let atrium = startAtrium(env)
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`, performance.now())
    const password = await demoPassword(atrium.log)
    const cookie = await signIn(appUrl, 'demo@atrium.local', password)
    const meRes = await fetch(`${appUrl}/api/v1/me`, { headers: { cookie } })
    const body = await meRes.text()
    if (meRes.status !== 200) throw new Error(`/api/v1/me answered ${meRes.status}`)

    const baseline = async (mode: string, bport: number) => {
      const child = fork('bench/baseline-server.ts', [mode, String(bport)], {
        env: { ...process.env, BASELINE_BODY: body, DATABASE_URL: databaseUrl },
        stdio: 'ignore',
      })
      await new Promise((r) => child.once('message', r))
      const r = await load(`http://127.0.0.1:${bport}/api/v1/me`)
      await stop(child)
      return r
    }
    const bare = await baseline('json', 3901)
    const onePg = await baseline('pg', 3902)
    const me = await load(`http://127.0.0.1:${port}/api/v1/me`, { cookie })
    await stop(atrium.child)
    // The same route with the per-node session cache off: one query on every request.
    atrium = startAtrium({ ...env, SESSION_CACHE_MS: '0' })
    await waitReady(`http://127.0.0.1:${port}/readyz`, performance.now())
    const meUncached = await load(`http://127.0.0.1:${port}/api/v1/me`, { cookie })
    return { me, meUncached, bare, onePg }
  } finally {
    await stop(atrium.child)
    rmSync(dataDir, { recursive: true, force: true })
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

console.log(`Atrium foundation benchmark — ${new Date().toISOString()} — node ${process.version}\n`)
if (!only || only === 'startup') {
  const cold = await coldStart()
  console.log('Start-up on PGlite (process spawn to first 200 from /readyz)')
  for (const [k, v] of Object.entries(cold))
    console.log(`  ${k.padEnd(34)} ${k.includes('RSS') ? `${fmt(v, 1)} MiB` : `${fmt(v)} ms`}`)
}
if (!only || only === 'me') {
  const { me, meUncached, bare, onePg } = await meThroughput()
  console.log(`\nGET /api/v1/me on PostgreSQL, 50 connections, ${DURATION} s each`)
  const row = (label: string, r: typeof me) =>
    console.log(
      `  ${label.padEnd(38)} ${fmt(r.rps).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}`,
    )
  row('bare Fastify, same JSON', bare)
  row('bare Fastify + one pg query', onePg)
  row('Atrium, session cache 1 s (default)', me)
  row('Atrium, session cache off', meUncached)
  const pct = (a: number, b: number) => `${fmt((a / b) * 100)} %`
  console.log(
    `  ratio to the one-query route: ${pct(me.rps, onePg.rps)} (cache off ${pct(meUncached.rps, onePg.rps)}; target ≥ 80 %)`,
  )
  console.log(
    `  ratio to the bare JSON route: ${pct(me.rps, bare.rps)} (cache off ${pct(meUncached.rps, bare.rps)})`,
  )
}
if (!only || only === 'footprint') {
  const { footprintBench } = await import('./footprint.ts')
  await footprintBench()
}
if (!only || only === 'clients') {
  const { clientsBench } = await import('./clients.ts')
  await clientsBench({ fresh: args.includes('--fresh') })
}
if (!only || only === 'invoices') {
  const { invoicesPdfBench } = await import('./invoices-pdf.ts')
  await invoicesPdfBench()
}
if (!only || only === 'invoices' || only === 'invoices-list') {
  const { invoicesListBench } = await import('./invoices-list.ts')
  await invoicesListBench({ fresh: args.includes('--fresh') })
}
if (!only || only === 'realtime') {
  const { realtimeBench } = await import('./realtime.ts')
  await realtimeBench()
}
if ((!only || only === 'realtime' || only === 'messages-search') && !process.env.BENCH_ONLY) {
  const { messageSearchBench } = await import('./messages-search.ts')
  await messageSearchBench({ fresh: args.includes('--fresh') })
}
if (!only || only === 'payments') {
  const { paymentsWebhookBench } = await import('./payments-webhooks.ts')
  await paymentsWebhookBench()
}
if (!only || only === 'billing') {
  const { billingWebhookBench } = await import('./billing-webhooks.ts')
  await billingWebhookBench()
}
if (!only || only === 'storage') {
  const { storageBench } = await import('./storage.ts')
  await storageBench()
}
