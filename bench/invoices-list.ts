import { type ChildProcess, fork } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { createUser } from '../server/src/db/seed.ts'
import { openDatabase } from '../server/src/kernel/db/index.ts'
import { bulkIndexStatements } from '../server/src/kernel/search/bulk.ts'
import {
  DURATION,
  databaseUrl,
  fmt,
  type LoadResult,
  load,
  signIn,
  startAtrium,
  stop,
  waitReady,
  withAdmin,
} from './lib.ts'

/*
 * The invoices list on 1,000,000 invoices in one workspace, on PostgreSQL (BENCH_DATABASE_URL), against
 * a bare Fastify + pg route running the list's one query (bench/invoices-list-baseline.ts), in
 * alternating rounds (the baseline first, then last…; medians of BENCH_ROUNDS, default 3) at 10
 * connections. The data is generated with set-based SQL on the owner connection and indexed for
 * search the way the invoice record type indexes it (kernel `bulkIndexStatements`); the database is
 * kept between runs (a marker holds this file's hash), `--fresh` regenerates.
 *
 * The number leads the title, as in the record type's own documents, and the client's name then the
 * number is a second title key; words with digits get no typo deletions, so a million numbers add no
 * `search_word_variants` rows.
 */

const DB_NAME = 'atrium_bench_invoices'
const PASSWORD = 'bench-password-not-secret'
const OWNER = 'owner@bench-invoices.bench'
const INVOICES = Number(process.env.BENCH_INVOICES ?? 1_000_000)
const BATCH = 100_000
const PORT = 3806
const BASELINE_PORT = 3906
const APP_URL = `http://localhost:${PORT}`
const BASE = `http://127.0.0.1:${PORT}`
const CONNECTIONS = 10

// Client names are two words of these lists (50 × 40 = 2,000 clients), so a word is in ~2.5% of invoices.
const FIRST = `Northwind Contoso Fabrikam Litware Adatum Tailspin Wingtip Proseware Lucerne Margie Alpine Blue
  Coho Consolidated Fourth Graphic Humongous Lamna Liberty Nod Relecloud Southridge Trey Wide Woodgrove
  Bellows Boreal Cascade Cobalt Delta Ember Fjord Granite Harbor Indigo Juniper Kestrel Lumen Meridian
  Nimbus Orchid Pioneer Quartz Redwood Summit Tundra Umber Vertex Willow Zephyr`.split(/\s+/)
const SECOND = `Traders Pharmaceuticals Software Systems Holdings Partners Airlines Toys Publishing Travel
  Ski Yonder Winery Messenger Coffee Design Insurance Energy Logistics Media Robotics Foods Labs Capital
  Studios Dynamics Textiles Motors Health Consulting Analytics Networks Builders Outfitters Farms Bakery
  Optics Marine Records Ventures`.split(/\s+/)
const SEARCHES = [
  'northwind',
  'fabrikam software',
  'contso',
  'INV-2025-0500000',
  'meridian studios',
  'juniperr',
]

const log = (msg: string) => process.stderr.write(`[invoices list] ${msg}\n`)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
const version = () =>
  createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest('hex')
    .slice(0, 16)

type Dataset = { url: string; workspaceId: string; generatedSeconds: number | null }

async function ensureDataset(fresh: boolean): Promise<Dataset> {
  const url = databaseUrl(DB_NAME)
  if (!fresh) {
    const c = new pg.Client({ connectionString: url })
    try {
      await c.connect()
      const m = await c.query<{ version: string; workspace_id: string; invoices: number }>(
        'select version, workspace_id, invoices from bench_invoices_marker',
      )
      const row = m.rows[0]
      if (row && row.version === version() && Number(row.invoices) === INVOICES) {
        const database = await openDatabase({ url, poolSize: 1 })
        await database.migrate()
        await database.close()
        return { url, workspaceId: row.workspace_id, generatedSeconds: null }
      }
    } catch {
      // No database or no marker yet.
    } finally {
      await c.end().catch(() => {})
    }
  }
  const t0 = performance.now()
  await withAdmin(async (a) => {
    await a.query(`drop database if exists ${DB_NAME} with (force)`)
    await a.query(`create database ${DB_NAME}`)
  })
  const database = await openDatabase({ url, poolSize: 1 })
  await database.migrate()
  const owner = await createUser(database, {
    email: OWNER,
    name: 'Owner of Invoices',
    password: PASSWORD,
    workspace: { name: 'Invoice Factory', slug: 'bench-invoices' },
  })
  await database.close()
  const ws = owner.workspaceId!
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  await c.query(`set synchronous_commit = off; set work_mem = '256MB'; set jit = off`)
  const first = `(array[${FIRST.map((w) => `'${w}'`).join(',')}])`
  const second = `(array[${SECOND.map((w) => `'${w}'`).join(',')}])`
  for (let start = 1; start <= INVOICES; start += BATCH) {
    const end = Math.min(INVOICES, start + BATCH - 1)
    // Statuses: 5% draft, 15% sent, 5% partially paid, 10% overdue, 60% paid, 5% void.
    await c.query(
      `insert into invoice_documents (id, workspace_id, kind, status, number, client_id, client_name,
         currency, base_currency, issue_date, due_date, po_number, subtotal, tax_total, total, paid,
         created_by, created_at, updated_at, sent_at, paid_at, voided_at, void_reason)
       select 'inv_' || md5('inv:' || i), $1::uuid, 'invoice', st,
              case when st <> 'draft' then 'INV-2025-' || lpad(i::text, 7, '0') end,
              'cli_' || md5('cli:' || (i % 2000)), ${first}[1 + i % 50] || ' ' || ${second}[1 + (i / 50) % 40],
              'EUR', 'EUR', day, day + 30, case when i % 3 = 0 then 'PO-' || (i % 100000) end,
              amount, amount / 5, amount + amount / 5,
              case st when 'paid' then amount + amount / 5 when 'partially_paid' then amount / 2 else 0 end,
              $2::uuid, created, created, case when st <> 'draft' then created end,
              case when st = 'paid' then created + interval '20 days' end,
              case when st = 'void' then created + interval '2 days' end,
              case when st = 'void' then 'Duplicate' end
       from (
         select i, (1000 + (i::bigint * 7919) % 500000) as amount,
                timestamptz '2020-01-01' + (i * interval '150 seconds') as created,
                (date '2020-01-01' + (i / 576)) as day,
                case when i % 20 = 0 then 'draft' when i % 20 in (1, 2, 3) then 'sent'
                     when i % 20 = 4 then 'partially_paid' when i % 20 in (5, 6) then 'overdue'
                     when i % 20 = 7 then 'void' else 'paid' end as st
         from generate_series($3::int, $4::int) i
       ) g`,
      [ws, owner.userId, start, end],
    )
    log(`invoices ${end.toLocaleString('en')} / ${INVOICES.toLocaleString('en')}`)
  }
  await c.query('begin')
  for (const s of bulkIndexStatements(
    'invoice',
    `select workspace_id, id, concat_ws(' ', number, client_name) as title, po_number as body,
            array[concat_ws(' ', client_name, number)] as title_keys
       from invoice_documents where workspace_id = '${ws}'`,
    { fresh: true, titleKeys: true },
  ))
    await c.query(s)
  await c.query('commit')
  log('search index written')
  await c.query('vacuum analyze')
  await c.query(
    `create table bench_invoices_marker as select $1::text as version, $2::uuid as workspace_id, $3::int as invoices`,
    [version(), ws, INVOICES],
  )
  await c.end()
  return { url, workspaceId: ws, generatedSeconds: (performance.now() - t0) / 1000 }
}

async function startBaseline(url: string, workspaceId: string): Promise<ChildProcess> {
  const child = fork(
    fileURLToPath(new URL('./invoices-list-baseline.ts', import.meta.url)),
    [String(BASELINE_PORT)],
    {
      env: { ...process.env, DATABASE_URL: url, BASELINE_WORKSPACE_ID: workspaceId },
      stdio: 'ignore',
    },
  )
  await new Promise((r) => child.once('message', r))
  return child
}

export async function invoicesListBench(opts: { fresh?: boolean } = {}) {
  const data = await ensureDataset(opts.fresh ?? false)
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3))
  const dataDir = mkdtempSync(join(tmpdir(), 'atrium-bench-'))
  const atrium = startAtrium({ DATA_DIR: dataDir, PORT: String(PORT), APP_URL, DATABASE_URL: data.url })
  let baseline: ChildProcess | null = null
  const loadBefore = loadavg()
  try {
    await waitReady(`${BASE}/readyz`, performance.now())
    const cookie = await signIn(APP_URL, OWNER, PASSWORD)
    const routes = [
      { label: 'list ?limit=25 (newest first)', paths: ['/api/v1/invoices?limit=25'], target: 60 },
      {
        label: 'filtered ?status=overdue&dueTo=…&limit=25',
        paths: ['/api/v1/invoices?status=overdue&dueTo=2024-12-31&limit=25'],
        target: 60,
      },
      {
        label: `search ?q= (${SEARCHES.length} queries, typos included)`,
        paths: SEARCHES.map((q) => `/api/v1/invoices?q=${encodeURIComponent(q)}&limit=25`),
        target: 40,
      },
    ]
    for (const r of routes) {
      const res = await fetch(`${BASE}${r.paths[0]}`, { headers: { cookie } })
      const body = (await res.json()) as { data?: unknown[] }
      if (res.status !== 200 || !body.data?.length) throw new Error(`${r.paths[0]} answered ${res.status}`)
    }
    baseline = await startBaseline(data.url, data.workspaceId)
    const base: LoadResult[] = []
    const mine: LoadResult[][] = routes.map(() => [])
    for (let round = 0; round < rounds; round++) {
      const runBase = async () =>
        base.push(await load(`http://127.0.0.1:${BASELINE_PORT}/api/v1/invoices`, {}, CONNECTIONS))
      if (round % 2 === 0) await runBase()
      for (const [i, r] of routes.entries()) mine[i]!.push(await load(BASE, { cookie }, CONNECTIONS, r.paths))
      if (round % 2 === 1) await runBase()
    }
    const loadAfter = loadavg()
    const b = { rps: median(base.map((x) => x.rps)), p99: median(base.map((x) => x.p99)) }
    console.log(
      `\nInvoices list on PostgreSQL, ${INVOICES.toLocaleString('en')} invoices in one workspace, ${CONNECTIONS} connections, ${DURATION} s each, medians of ${rounds} alternating rounds`,
    )
    if (data.generatedSeconds !== null) console.log(`  data generated in ${fmt(data.generatedSeconds)} s`)
    console.log(
      `  load average before ${loadBefore.map((l) => fmt(l, 2)).join(' ')}, after ${loadAfter.map((l) => fmt(l, 2)).join(' ')} (${process.env.BENCH_CPUS ?? '2'} cores, shared)`,
    )
    console.log(
      `  ${'bare Fastify + pg, the list query'.padEnd(44)} ${fmt(b.rps).padStart(7)} req/s  p99 ${b.p99} ms  (runs ${base.map((x) => fmt(x.rps)).join(', ')})`,
    )
    for (const [i, r] of routes.entries()) {
      const runs = mine[i]!
      const rps = median(runs.map((x) => x.rps))
      const p99 = median(runs.map((x) => x.p99))
      const errors = runs.reduce((n, x) => n + x.errors, 0)
      const ratio = (rps / b.rps) * 100
      console.log(
        `  ${r.label.padEnd(44)} ${fmt(rps).padStart(7)} req/s  p99 ${p99} ms  ${fmt(ratio)} % of baseline (target ≥ ${r.target} %: ${ratio >= r.target ? 'met' : 'NOT met'})${errors ? `  ${errors} errors` : ''}  (runs ${runs.map((x) => fmt(x.rps)).join(', ')})`,
      )
    }
  } finally {
    if (baseline) await stop(baseline)
    await stop(atrium.child)
    rmSync(dataDir, { recursive: true, force: true })
  }
}
