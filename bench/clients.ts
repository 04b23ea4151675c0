import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { COMMON_TAG, type Dataset, ensureDataset, KNOWN_NAMES, PASSWORD } from './clients-data.ts'
import {
  DURATION,
  fmt,
  type LoadResult,
  load,
  rssMiB,
  signIn,
  sleep,
  startAtrium,
  stop,
  waitReady,
} from './lib.ts'

// npm run bench -- clients [--fresh]: the clients module on 2,010,000 generated clients (see
// clients-data.ts): list, filtered list, detail and search throughput against a bare pg baseline,
// p99 at 10 connections, search cost against workspace size, a 100,000-row CSV import and a streamed
// export of the 1,000,000-client workspace with the server's memory growth.

const PORT = 3803
const BASELINE_PORT = 3903
const APP_URL = `http://localhost:${PORT}`
const BASE = `http://127.0.0.1:${PORT}`

/** Search-as-you-type: prefixes of the known names with a typo, as a user types them. */
const SEARCHES = [
  'northwnd',
  'northwnd trad',
  'contso',
  'contso pharma',
  'fabrikm',
  'fabrikam indus',
  'adventur wroks',
  'wide wrld',
  'wide world imprt',
  'tailspn',
  'tailspin tys',
  'litwre',
  'litware sofw',
  'prosewre',
  'proseware analyt',
]

type Figure = { label: string; value: string; target?: string; met?: boolean }

const pct = (a: number, b: number) => (a / b) * 100
const qs = (q: string) => `/api/v1/clients?q=${encodeURIComponent(q)}`

async function getJson(path: string, cookie: string) {
  const t = performance.now()
  const r = await fetch(`${BASE}${path}`, { headers: { cookie } })
  const text = await r.text()
  const ms = performance.now() - t
  let body: any = null
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: r.status, body, text, ms }
}

/** One request per kind before loading them: right status, sensible answer. Returns the problems seen. */
async function smokeTest(cookie: string, paths: Record<string, string>) {
  const problems: string[] = []
  for (const [label, path] of Object.entries(paths)) {
    const r = await getJson(path, cookie)
    if (r.status !== 200) problems.push(`${label}: GET ${path} answered ${r.status}: ${r.text.slice(0, 300)}`)
    else if (label !== 'detail' && !Array.isArray(r.body?.data))
      problems.push(`${label}: GET ${path} has no data array`)
  }
  return problems
}

/**
 * Each search alone, three times in a row (the median counts), in the big and the small workspace:
 * which queries cost what, and does the typo'd text find the known client first?
 */
async function searchProbe(cookie: string, smallCookie: string) {
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const rows: { q: string; big: number; small: number; first: string; found: boolean; status: number }[] = []
  for (const q of SEARCHES) {
    const times = { big: [] as number[], small: [] as number[] }
    let first = ''
    let status = 0
    for (let i = 0; i < 3; i++) {
      const r = await getJson(qs(q), cookie)
      times.big.push(r.ms)
      status = r.status
      first = r.body?.data?.[0]?.name ?? '(nothing)'
      times.small.push((await getJson(qs(q), smallCookie)).ms)
    }
    const wanted = KNOWN_NAMES.find((n) => n.toLowerCase().startsWith(q.slice(0, 4)))
    rows.push({
      q,
      big: median(times.big),
      small: median(times.small),
      first,
      found: first === wanted,
      status,
    })
  }
  return rows
}

/** Waits until the benchmark database has no statement running (slow requests outlive a load run). */
async function settle(admin: pg.Client, timeoutMs = 120_000) {
  const t = performance.now()
  let quiet = 0
  while (quiet < 3 && performance.now() - t < timeoutMs) {
    const r = await admin.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`,
    )
    quiet = r.rows[0]!.n === 0 ? quiet + 1 : 0
    await sleep(100)
  }
}

/** Samples a process's RSS every 100 ms until stopped; keeps the peak and one sample every 5 s. */
function sampleRss(pid: number) {
  const t0 = performance.now()
  let peak = rssMiB(pid)
  const trace: number[] = []
  const timer = setInterval(() => {
    const v = rssMiB(pid)
    if (v > peak) peak = v
    if (performance.now() - t0 >= (trace.length + 1) * 5000) trace.push(v)
  }, 100)
  return {
    stop: () => {
      clearInterval(timer)
      return { peak: Math.max(peak, rssMiB(pid)), trace }
    },
  }
}

async function exportRun(cookie: string, pid: number) {
  await sleep(2000)
  const before = rssMiB(pid)
  const rss = sampleRss(pid)
  const t = performance.now()
  const res = await fetch(`${BASE}/api/v1/clients/export`, { headers: { cookie } })
  let bytes = 0
  let lines = 0
  let firstByte = 0
  if (res.body)
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (!firstByte) firstByte = performance.now() - t
      bytes += chunk.length
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++
    }
  const seconds = (performance.now() - t) / 1000
  const { peak, trace } = rss.stop()
  await sleep(5000)
  const after = rssMiB(pid)
  return {
    status: res.status,
    rows: lines - 1,
    bytes,
    seconds,
    firstByte,
    before,
    peak,
    trace,
    after,
    growth: peak - before,
  }
}

/** A realistic 100,000-row CSV, as exported from another tool: unique emails, some tags and contacts. */
export function importCsv(rows: number): string {
  const words = [
    'Alder',
    'Birch',
    'Cobalt',
    'Delta',
    'Ember',
    'Fjord',
    'Garnet',
    'Hazel',
    'Indigo',
    'Juniper',
  ]
  const kinds = ['Consulting', 'Logistics', 'Bakery', 'Studio', 'Dental', 'Motors', 'Analytics', 'Realty']
  const cities: [string, string][] = [
    ['Berlin', 'DE'],
    ['Paris', 'FR'],
    ['London', 'GB'],
    ['Madrid', 'ES'],
    ['Boston', 'US'],
  ]
  const tags = ['', 'import', 'import; priority', 'newsletter', '']
  const statuses = ['Active', 'Lead', 'active', 'lead']
  const out = [
    'Company,Email,Phone,Website,VAT number,Status,Tags,City,Postal code,Country,Contact,Contact email',
  ]
  for (let i = 0; i < rows; i++) {
    const name = `${words[i % 10]} ${words[Math.floor(i / 10) % 10]} ${kinds[i % 8]} ${i}`
    const domain = `${name.toLowerCase().replaceAll(' ', '')}.example`
    const [city, country] = cities[i % 5]!
    out.push(
      [
        name,
        `info@${domain}`,
        `+49 30 ${String(1000000 + i)}`,
        i % 3 ? `https://${domain}` : '',
        i % 4 ? '' : `DE${String(100000000 + i)}`,
        statuses[i % 4],
        tags[i % 5],
        city,
        String(10000 + (i % 89999)),
        country,
        i % 2 ? `Contact Person ${i}` : '',
        i % 2 ? `contact${i}@${domain}` : '',
      ].join(','),
    )
  }
  return `${out.join('\n')}\n`
}

/**
 * Removes what an import run wrote to the import workspace (clients with their facets and contacts,
 * the import, its audit entries), then VACUUM ANALYZE, so every run starts from the generated state:
 * statistics that know the workspace as empty, as they would for a new tenant, and no dead rows for
 * autovacuum to pick up in the middle of a later measurement.
 */
async function resetImportWorkspace(admin: pg.Client, workspaceId: string, always = false) {
  const r = await admin.query('delete from clients where workspace_id = $1', [workspaceId])
  await admin.query('delete from client_imports where workspace_id = $1', [workspaceId])
  await admin.query(`delete from audit_logs where workspace_id = $1 and target_type = 'client'`, [
    workspaceId,
  ])
  if (always || r.rowCount)
    await admin.query('vacuum (analyze) clients, client_facets, contacts, client_imports, audit_logs')
}

async function importRun(cookie: string, admin: pg.Client, workspaceId: string) {
  await resetImportWorkspace(admin, workspaceId)
  const csv = importCsv(100_000)
  const post = (path: string, body: string, type: string) =>
    fetch(`${BASE}${path}`, {
      method: 'POST',
      headers: { cookie, 'content-type': type, origin: APP_URL },
      body,
    })
  const t0 = performance.now()
  const up = await post('/api/v1/clients/import?filename=bench.csv', csv, 'text/csv')
  const upload = await up.json()
  const uploadS = (performance.now() - t0) / 1000
  if (up.status !== 201)
    throw new Error(`import upload answered ${up.status}: ${JSON.stringify(upload).slice(0, 500)}`)
  const options = JSON.stringify({ mapping: upload.mapping, duplicates: 'skip' })
  const t1 = performance.now()
  const ch = await post(`/api/v1/clients/import/${upload.id}/check`, options, 'application/json')
  const check = await ch.json()
  const checkS = (performance.now() - t1) / 1000
  if (ch.status !== 200)
    throw new Error(`import check answered ${ch.status}: ${JSON.stringify(check).slice(0, 500)}`)
  const t2 = performance.now()
  const run = await post(`/api/v1/clients/import/${upload.id}/run`, options, 'application/json')
  if (run.status !== 202)
    throw new Error(`import run answered ${run.status}: ${(await run.text()).slice(0, 500)}`)
  let state: any
  for (;;) {
    await sleep(250)
    state = (await getJson(`/api/v1/clients/import/${upload.id}`, cookie)).body
    if (state?.status === 'completed' || state?.status === 'failed') break
    if (performance.now() - t2 > 600_000) throw new Error('import did not finish in 10 minutes')
  }
  const runS = (performance.now() - t2) / 1000
  const counts = (
    await admin.query<{ c: number; f: number; k: number }>(
      `select (select count(*) from clients where workspace_id = $1)::int as c,
              (select count(*) from client_facets where workspace_id = $1)::int as f,
              (select count(*) from contacts where workspace_id = $1)::int as k`,
      [workspaceId],
    )
  ).rows[0]!
  return { uploadS, checkS, runS, state, check, counts, bytes: Buffer.byteLength(csv) }
}

/** A two-row file with the address columns spreadsheets have: does the upload accept it? */
async function importAddressProbe(cookie: string) {
  const csv =
    'Company,Street,Address 2,City\nProbe One,1 Main Street,Floor 2,Berlin\nProbe Two,2 Main Street,,Paris\n'
  const r = await fetch(`${BASE}/api/v1/clients/import?filename=probe.csv`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'text/csv', origin: APP_URL },
    body: csv,
  })
  const text = await r.text()
  return r.status === 201
    ? null
    : `upload of a CSV with Street / Address 2 columns answered ${r.status}: ${text.slice(0, 200)}`
}

async function baseline(
  databaseUrl: string,
  workspaceId: string,
  connections: number,
  mode = 'clients',
): Promise<LoadResult> {
  const child = fork('bench/baseline-server.ts', [mode, String(BASELINE_PORT)], {
    env: { ...process.env, DATABASE_URL: databaseUrl, BASELINE_WORKSPACE_ID: workspaceId },
    stdio: 'ignore',
  })
  await new Promise((r) => child.once('message', r))
  try {
    return await load(`http://127.0.0.1:${BASELINE_PORT}/api/v1/clients`, {}, connections)
  } finally {
    await stop(child)
  }
}

/** The server's error lines (pino level ≥ 50), shortened, for the problems list. */
function serverErrors(log: string): string[] {
  const out = new Map<string, number>()
  for (const line of log.split('\n')) {
    if (!/"level":(50|60)/.test(line)) continue
    let msg = line
    try {
      const j = JSON.parse(line)
      msg = `${j.msg}: ${j.err?.type ?? ''} ${j.err?.message ?? ''} ${j.err?.stack?.split('\n')[1]?.trim() ?? ''}`
    } catch {}
    msg = msg.replace(/\s+/g, ' ').slice(0, 300)
    out.set(msg, (out.get(msg) ?? 0) + 1)
  }
  return [...out].map(([m, n]) => `server logged ${n}× ${m}`)
}

export async function clientsBench(opts: { fresh?: boolean } = {}) {
  const data: Dataset = await ensureDataset(opts)
  const big = data.workspaces['bench-big']!
  const small = data.workspaces['bench-small']!
  const importWs = data.workspaces['bench-import']!
  const admin = new pg.Client({ connectionString: data.databaseUrl })
  await admin.connect()
  const ids = (
    await admin.query<{ id: string }>(
      'select id from clients where workspace_id = $1 order by random() limit 2000',
      [big.id],
    )
  ).rows.map((r) => `/api/v1/clients/${r.id}`)

  const dataDir = mkdtempSync(join(tmpdir(), 'atrium-bench-'))
  const atrium = startAtrium({
    DATA_DIR: dataDir,
    PORT: String(PORT),
    APP_URL,
    DATABASE_URL: data.databaseUrl,
  })
  const figures: { title: string; rows: Figure[] }[] = []
  const problems: string[] = []
  // Each part reports its own failure and lets the others run.
  const part = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn()
    } catch (err) {
      problems.push(`${name} failed: ${(err as Error).message}`)
    }
  }
  const errs = (r: LoadResult) => (r.errors ? `, ${r.errors} errors/non-2xx` : '')
  const routes: { label: string; paths: string[]; target: number }[] = [
    { label: 'list ?limit=25 (newest first)', paths: ['/api/v1/clients?limit=25'], target: 60 },
    {
      label: `filtered ?status=active&tag=${COMMON_TAG}&sort=name`,
      paths: [`/api/v1/clients?status=active&tag=${COMMON_TAG}&sort=name&limit=25`],
      target: 60,
    },
    { label: 'detail /clients/{id} (2,000 ids)', paths: ids, target: 60 },
    { label: `search ?q= (${SEARCHES.length} typo'd prefixes)`, paths: SEARCHES.map(qs), target: 40 },
  ]
  try {
    await waitReady(`${BASE}/readyz`, performance.now())
    const cookie = await signIn(APP_URL, big.owner.email, PASSWORD)
    const smallCookie = await signIn(APP_URL, small.owner.email, PASSWORD)
    const importCookie = await signIn(APP_URL, importWs.owner.email, PASSWORD)
    const pid = atrium.child.pid!

    // Export first, on a freshly started server, so the memory growth is not hidden by earlier load.
    await part('export', async () => {
      const exp = await exportRun(cookie, pid)
      if (exp.status !== 200) throw new Error(`GET /api/v1/clients/export answered ${exp.status}`)
      figures.push({
        title: 'CSV export of the 1,000,000-client workspace (GET /clients/export, streamed)',
        rows: [
          {
            label: 'rows, size, time',
            value: `${exp.rows} rows, ${fmt(exp.bytes / 1048576, 1)} MiB in ${fmt(exp.seconds, 1)} s (${fmt(exp.rows / exp.seconds)} rows/s, first byte ${fmt(exp.firstByte)} ms)`,
            target: `all ${big.clients} rows`,
            met: exp.rows === big.clients,
          },
          {
            label: 'server RSS growth (sampled every 100 ms)',
            value: `${fmt(exp.growth * 1.048576)} MB (${fmt(exp.before)} → peak ${fmt(exp.peak)} MiB; every 5 s: ${exp.trace.map((v) => fmt(v)).join(', ')}; 5 s after: ${fmt(exp.after)} MiB)`,
            target: '< 100 MB',
            met: exp.growth * 1.048576 < 100,
          },
        ],
      })
    })

    problems.push(
      ...(await smokeTest(
        cookie,
        Object.fromEntries(routes.map((r) => [r.label.split(' ')[0]!, r.paths[0]!])),
      )),
    )
    const probe = await searchProbe(cookie, smallCookie)
    const misses = probe.filter((p) => !p.found)
    if (misses.length)
      problems.push(
        `search: the known client is not first for ${misses.length} of ${probe.length} queries: ${misses.map((m) => `"${m.q}" → ${m.first}`).join('; ')}`,
      )

    const base50 = await baseline(data.databaseUrl, big.id, 50)
    const base10 = await baseline(data.databaseUrl, big.id, 10)
    const tenant50 = await baseline(data.databaseUrl, big.id, 50, 'clients-tenant')
    const at50: LoadResult[] = []
    const at10: LoadResult[] = []
    const run = async (c: string, connections: number, paths: string[]) => {
      await settle(admin)
      return load(BASE, { cookie: c }, connections, paths)
    }
    for (const r of routes) at50.push(await run(cookie, 50, r.paths))
    for (const r of routes) at10.push(await run(cookie, 10, r.paths))
    const searchSmall = await run(smallCookie, 10, SEARCHES.map(qs))
    await settle(admin)
    figures.unshift(
      {
        title: `Throughput at 50 connections, ${DURATION} s each, owner of the 1,000,000-client workspace`,
        rows: [
          {
            label: 'baseline: bare Fastify + one pg list query',
            value: `${fmt(base50.rps)} req/s, p50 ${base50.p50} ms, p99 ${base50.p99} ms${errs(base50)}`,
          },
          {
            label: '  same query in a workspace transaction (RLS)',
            value: `${fmt(tenant50.rps)} req/s = ${fmt(pct(tenant50.rps, base50.rps))} % of baseline, p50 ${tenant50.p50} ms${errs(tenant50)} (for reference)`,
          },
          ...routes.map((r, i) => ({
            label: r.label,
            value: `${fmt(at50[i]!.rps)} req/s = ${fmt(pct(at50[i]!.rps, base50.rps))} % of baseline, p50 ${at50[i]!.p50} ms${errs(at50[i]!)}`,
            target: `≥ ${r.target} %`,
            met: pct(at50[i]!.rps, base50.rps) >= r.target && at50[i]!.errors === 0,
          })),
        ],
      },
      {
        title: `Latency at 10 connections, ${DURATION} s each`,
        rows: [
          {
            label: 'baseline: bare Fastify + one pg list query',
            value: `p99 ${base10.p99} ms, p50 ${base10.p50} ms, ${fmt(base10.rps)} req/s${errs(base10)}`,
          },
          ...routes.map((r, i) => ({
            label: r.label,
            value: `p99 ${at10[i]!.p99} ms, p50 ${at10[i]!.p50} ms, ${fmt(at10[i]!.rps)} req/s${errs(at10[i]!)}`,
          })),
        ],
      },
    )
    const bigSearch = at10[3]!
    const sizeRatio = searchSmall.rps / bigSearch.rps
    figures.splice(2, 0, {
      title: 'Search against workspace size (the same queries, 10 connections)',
      rows: [
        {
          label: '1,000,000-client workspace',
          value: `${fmt(bigSearch.rps)} req/s, p50 ${bigSearch.p50} ms, p99 ${bigSearch.p99} ms${errs(bigSearch)}`,
        },
        {
          label: '10,000-client workspace',
          value: `${fmt(searchSmall.rps)} req/s, p50 ${searchSmall.p50} ms, p99 ${searchSmall.p99} ms${errs(searchSmall)}`,
        },
        {
          label: 'cost ratio 1M / 10k (throughput)',
          value: `${fmt(sizeRatio, 2)}×`,
          target: '≤ 2×',
          met: sizeRatio <= 2 && !bigSearch.errors && !searchSmall.errors,
        },
        {
          label: "typo'd searches finding the known client first",
          value: `${probe.filter((p) => p.found).length} of ${probe.length}`,
        },
        ...probe.map((p) => ({
          label: `  "${p.q}" alone`,
          value: `1M: ${fmt(p.big)} ms, 10k: ${fmt(p.small)} ms${p.status !== 200 ? ` [${p.status}]` : ''} → ${p.first}`,
        })),
      ],
    })

    await part('import', async () => {
      const addressProbe = await importAddressProbe(importCookie)
      if (addressProbe) problems.push(addressProbe)
      const imp = await importRun(importCookie, admin, importWs.id)
      const done = imp.state
      const total = imp.uploadS + imp.runS
      figures.push({
        title: `CSV import of 100,000 rows (${fmt(imp.bytes / 1048576, 1)} MiB) into an empty workspace, duplicates skipped`,
        rows: [
          { label: 'upload (POST /clients/import)', value: `${fmt(imp.uploadS, 1)} s` },
          {
            label: 'dry run (POST …/check)',
            value: `${fmt(imp.checkS, 1)} s: ${imp.check.created} to create, ${imp.check.skipped} to skip, ${imp.check.failed} bad`,
          },
          {
            label: 'run (POST …/run → completed)',
            value: `${fmt(imp.runS, 1)} s, ${fmt(100_000 / imp.runS)} rows/s: ${done.status}, ${done.created} created, ${done.skipped} skipped, ${done.failed} failed`,
          },
          {
            label: 'upload + run',
            value: `${fmt(total, 1)} s (${imp.counts.c} clients, ${imp.counts.k} contacts, ${imp.counts.f} facets written)`,
            target: '< 30 s',
            met: total < 30 && done.status === 'completed' && imp.counts.c === 100_000,
          },
        ],
      })
    })
  } catch (err) {
    problems.push(`benchmark stopped: ${(err as Error).message}`)
  } finally {
    await stop(atrium.child)
    problems.push(...serverErrors(atrium.log()))
    await resetImportWorkspace(admin, importWs.id).catch((err) => problems.push(`cleanup: ${err.message}`))
    await admin.end()
    rmSync(dataDir, { recursive: true, force: true })
  }

  // ---- print ----
  console.log(
    `\nClients on PostgreSQL: ${data.totalClients.toLocaleString('en')} clients in ${Object.keys(data.workspaces).length} workspaces, ${data.totalFacets.toLocaleString('en')} facet rows`,
  )
  console.log(
    `  data set ${data.generated ? 'generated in this run' : 'reused (--fresh regenerates)'}: ${fmt(data.generationSeconds)} s to generate — ${data.timings
      .map(([k, v]) => `${k} ${fmt(v, 1)} s`)
      .join(', ')}`,
  )
  for (const f of figures) {
    console.log(`\n${f.title}`)
    for (const r of f.rows)
      console.log(
        `  ${r.label.padEnd(46)} ${r.value}${r.target ? `  [target ${r.target}: ${r.met ? 'met' : 'NOT met'}]` : ''}`,
      )
  }
  if (problems.length) {
    console.log('\nProblems seen')
    for (const p of problems) console.log(`  - ${p}`)
  }
}
