import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { COMMON_TAG, type Dataset, DB_NAME, ensureDataset, KNOWN_NAMES, PASSWORD } from './clients-data.ts'
import { APP_URL, BASE, BASELINE_PORT, getJson, PORT } from './clients-http.ts'
import { exportRun, importAddressProbe, importRun, resetImportWorkspace } from './clients-io.ts'
import { DURATION, fmt, type LoadResult, load, signIn, sleep, startAtrium, stop, waitReady } from './lib.ts'

// npm run bench -- clients [--fresh]: the clients module on 2,010,000 generated clients (see
// clients-data.ts): list, filtered list, detail, typo'd and prefix search against a bare pg baseline
// in alternating rounds (baseline first, then last, ...; medians of BENCH_ROUNDS, default 3) with the
// server's and PostgreSQL's CPU per request, p99 at 10 connections, search cost against workspace
// size, a 100,000-row CSV import and a streamed export of the 1,000,000-client workspace.
// BENCH_PARTS=export,import runs only those (default: export,load,import).

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

/** Search-as-you-type without typos: the start of a name (or of its words), as typed. */
const PREFIXES = ['north', 'northwind', 'contoso ph', 'fab', 'blue har', 'litware', 'wide world', 'pros']

type Figure = { label: string; value: string; target?: string; met?: boolean }

const pct = (a: number, b: number) => (a / b) * 100
const qs = (q: string) => `/api/v1/clients?q=${encodeURIComponent(q)}`

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
async function searchProbe(cookie: string, smallCookie: string, queries: string[], typos: boolean) {
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const rows: { q: string; big: number; small: number; first: string; found: boolean; status: number }[] = []
  for (const q of queries) {
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
      // A typo'd name finds that name first; a prefix, a name that starts with it.
      found: typos ? first === wanted : first.toLowerCase().startsWith(q),
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

type Server = { child: ChildProcess; base: string; headers: Record<string, string> }

async function startBaseline(databaseUrl: string, workspaceId: string, mode: string): Promise<Server> {
  const child = fork('bench/baseline-server.ts', [mode, String(BASELINE_PORT)], {
    env: { ...process.env, DATABASE_URL: databaseUrl, BASELINE_WORKSPACE_ID: workspaceId },
    stdio: 'ignore',
  })
  await new Promise((r) => child.once('message', r))
  return { child, base: `http://127.0.0.1:${BASELINE_PORT}`, headers: {} }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
const range = (xs: number[], d = 0) =>
  xs.length > 1 ? ` (${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)})` : ''

/** Medians of several load runs of one route (and of its ratio to the baseline of the same round). */
type Series = { runs: LoadResult[]; ratios: number[] }
const summary = (x: Series) => {
  const m = (f: (r: LoadResult) => number) => median(x.runs.map(f))
  return {
    rps: m((r) => r.rps),
    p50: m((r) => r.p50),
    p99: m((r) => r.p99),
    serverCpu: m((r) => r.serverCpu ?? Number.NaN),
    pgCpu: m((r) => r.pgCpu ?? Number.NaN),
    errors: x.runs.reduce((a, r) => a + r.errors, 0),
    ratio: median(x.ratios),
  }
}
const cpuText = (c: { serverCpu?: number; pgCpu?: number }) =>
  `CPU/request: server ${fmt(c.serverCpu ?? Number.NaN, 2)} ms, PostgreSQL ${fmt(c.pgCpu ?? Number.NaN, 2)} ms`

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
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3))
  // BENCH_PARTS=export,import runs only those parts (default: export, load, import).
  const parts = new Set((process.env.BENCH_PARTS ?? 'export,load,import').split(','))
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
  const errs = (r: { errors: number }) => (r.errors ? `, ${r.errors} errors/non-2xx` : '')
  const allRoutes: { key: string; label: string; paths: string[]; target?: number }[] = [
    { key: 'list', label: 'list ?limit=25 (newest first)', paths: ['/api/v1/clients?limit=25'], target: 60 },
    {
      key: 'filtered',
      label: `filtered ?status=active&tag=${COMMON_TAG}&sort=name`,
      paths: [`/api/v1/clients?status=active&tag=${COMMON_TAG}&sort=name&limit=25`],
      target: 60,
    },
    { key: 'detail', label: 'detail /clients/{id} (2,000 ids)', paths: ids, target: 60 },
    {
      key: 'typo',
      label: `search ?q= (${SEARCHES.length} typo'd names)`,
      paths: SEARCHES.map(qs),
      target: 40,
    },
    { key: 'prefix', label: `search ?q= (${PREFIXES.length} prefixes, as typed)`, paths: PREFIXES.map(qs) },
  ]
  // BENCH_ROUTES=list,filtered,detail loads only those routes (and skips the search probes and the
  // search-against-size runs unless typo or prefix is among them).
  const only = process.env.BENCH_ROUTES?.split(',')
  const routes = only ? allRoutes.filter((r) => only.includes(r.key)) : allRoutes
  const searching = routes.some((r) => r.key === 'typo' || r.key === 'prefix')
  let baselineServer: Server | null = null
  try {
    await waitReady(`${BASE}/readyz`, performance.now())
    const cookie = await signIn(APP_URL, big.owner.email, PASSWORD)
    const smallCookie = await signIn(APP_URL, small.owner.email, PASSWORD)
    const importCookie = await signIn(APP_URL, importWs.owner.email, PASSWORD)
    const pid = atrium.child.pid!
    const atriumServer: Server = { child: atrium.child, base: BASE, headers: { cookie } }

    // Export first, on a freshly started server, so the memory growth is not hidden by earlier load.
    if (parts.has('export'))
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

    if (parts.has('load')) {
      problems.push(
        ...(await smokeTest(
          cookie,
          Object.fromEntries(routes.map((r) => [r.label.split(' ')[0]!, r.paths[0]!])),
        )),
      )
      const typoProbe = searching ? await searchProbe(cookie, smallCookie, SEARCHES, true) : []
      const prefixProbe = searching ? await searchProbe(cookie, smallCookie, PREFIXES, false) : []
      for (const [kind, probe] of [
        ['typo', typoProbe],
        ['prefix', prefixProbe],
      ] as const) {
        const misses = probe.filter((p) => !p.found)
        if (misses.length)
          problems.push(
            `${kind} search: the expected client is not first for ${misses.length} of ${probe.length} queries: ${misses.map((m) => `"${m.q}" → ${m.first}`).join('; ')}`,
          )
      }

      baselineServer = await startBaseline(data.databaseUrl, big.id, 'clients')
      const run = async (server: Server, connections: number, paths: string[], headers = server.headers) => {
        await settle(admin)
        return load(server.base, headers, connections, paths, { pid: server.child.pid!, database: DB_NAME })
      }
      const basePath = ['/api/v1/clients']
      // Rounds: the baseline first, then last, then first... so that drift in the machine's load falls
      // on both sides; every figure is the median of the rounds.
      const base: LoadResult[] = []
      const series: Series[] = routes.map(() => ({ runs: [], ratios: [] }))
      for (let r = 0; r < rounds; r++) {
        const mine: LoadResult[] = []
        if (r % 2 === 0) base.push(await run(baselineServer, 50, basePath))
        for (const route of routes) mine.push(await run(atriumServer, 50, route.paths))
        if (r % 2 === 1) base.push(await run(baselineServer, 50, basePath))
        const b = base[base.length - 1]!
        mine.forEach((m, i) => {
          series[i]!.runs.push(m)
          series[i]!.ratios.push(pct(m.rps, b.rps))
        })
      }
      // Latency at 10 connections, in alternating rounds too: the p99 follows the machine's load.
      const base10runs: LoadResult[] = []
      const at10series: Series[] = routes.map(() => ({ runs: [], ratios: [] }))
      for (let r = 0; r < rounds; r++) {
        if (r % 2 === 0) base10runs.push(await run(baselineServer, 10, basePath))
        for (const [i, route] of routes.entries())
          at10series[i]!.runs.push(await run(atriumServer, 10, route.paths))
        if (r % 2 === 1) base10runs.push(await run(baselineServer, 10, basePath))
      }
      const base10 = summary({ runs: base10runs, ratios: [] })
      const at10 = at10series.map(summary)
      await stop(baselineServer.child)
      baselineServer = await startBaseline(data.databaseUrl, big.id, 'clients-tenant')
      const tenant50 = await run(baselineServer, 50, basePath)
      await stop(baselineServer.child)
      baselineServer = null

      // The same typo'd searches in the 1,000,000- and the 10,000-client workspace, alternating.
      const size = { big: [] as LoadResult[], small: [] as LoadResult[] }
      for (let r = 0; searching && r < rounds; r++) {
        const order = r % 2 === 0 ? (['big', 'small'] as const) : (['small', 'big'] as const)
        for (const w of order)
          size[w].push(
            await run(atriumServer, 10, SEARCHES.map(qs), { cookie: w === 'big' ? cookie : smallCookie }),
          )
      }
      await settle(admin)

      const b = summary({ runs: base, ratios: [] })
      figures.unshift(
        {
          title: `Throughput at 50 connections, ${DURATION} s each, owner of the 1,000,000-client workspace; medians of ${rounds} alternating rounds (range)`,
          rows: [
            {
              label: 'baseline: bare Fastify + one pg list query',
              value: `${fmt(b.rps)} req/s${range(base.map((x) => x.rps))}, p99 ${b.p99} ms; ${cpuText(b)}${errs(b)}`,
            },
            {
              label: '  same query in a workspace transaction (RLS)',
              value: `${fmt(tenant50.rps)} req/s = ${fmt(pct(tenant50.rps, b.rps))} % of baseline (one run, for reference)`,
            },
            ...routes.map((route, i) => {
              const x = summary(series[i]!)
              return {
                label: route.label,
                value: `${fmt(x.rps)} req/s = ${fmt(x.ratio)} %${range(series[i]!.ratios)} of baseline, p99 ${x.p99} ms; ${cpuText(x)}${errs(x)}`,
                ...(route.target
                  ? { target: `≥ ${route.target} %`, met: x.ratio >= route.target && x.errors === 0 }
                  : {}),
              }
            }),
          ],
        },
        {
          title: `Latency at 10 connections, ${DURATION} s each; medians of ${rounds} alternating rounds (p99 range)`,
          rows: [
            {
              label: 'baseline: bare Fastify + one pg list query',
              value: `p99 ${base10.p99} ms${range(base10runs.map((x) => x.p99))}, p50 ${base10.p50} ms, ${fmt(base10.rps)} req/s; ${cpuText(base10)}${errs(base10)}`,
            },
            ...routes.map((route, i) => ({
              label: route.label,
              value: `p99 ${at10[i]!.p99} ms${range(at10series[i]!.runs.map((x) => x.p99))}, p50 ${at10[i]!.p50} ms, ${fmt(at10[i]!.rps)} req/s; ${cpuText(at10[i]!)}${errs(at10[i]!)}`,
              target: '< 25 ms',
              met: at10[i]!.p99 < 25 && !at10[i]!.errors,
            })),
          ],
        },
      )
      const prefixSeries = series[routes.findIndex((r) => r.key === 'prefix')]
      const sb = summary({ runs: size.big, ratios: [] })
      const ss = summary({ runs: size.small, ratios: [] })
      const sizeRatio = ss.rps / sb.rps
      const prefixPg = prefixSeries ? summary(prefixSeries).pgCpu : Number.NaN
      if (searching)
        figures.splice(2, 0, {
          title: `Search against workspace size (the typo'd searches, 10 connections, medians of ${rounds})`,
          rows: [
            {
              label: '1,000,000-client workspace',
              value: `${fmt(sb.rps)} req/s, p50 ${sb.p50} ms, p99 ${sb.p99} ms; ${cpuText(sb)}${errs(sb)}`,
            },
            {
              label: '10,000-client workspace',
              value: `${fmt(ss.rps)} req/s, p50 ${ss.p50} ms, p99 ${ss.p99} ms; ${cpuText(ss)}${errs(ss)}`,
            },
            {
              label: 'cost ratio 1M / 10k (throughput)',
              value: `${fmt(sizeRatio, 2)}×`,
              target: '≤ 2×',
              met: sizeRatio <= 2 && !sb.errors && !ss.errors,
            },
            {
              label: 'prefix search, PostgreSQL CPU per request (1M)',
              value: `${fmt(prefixPg, 2)} ms`,
              target: '≤ 1 ms',
              met: prefixPg <= 1,
            },
            {
              label: "typo'd searches finding the known client first",
              value: `${typoProbe.filter((p) => p.found).length} of ${typoProbe.length}`,
            },
            ...[...typoProbe, ...prefixProbe].map((p) => ({
              label: `  "${p.q}" alone`,
              value: `1M: ${fmt(p.big)} ms, 10k: ${fmt(p.small)} ms${p.status !== 200 ? ` [${p.status}]` : ''} → ${p.first}`,
            })),
          ],
        })
    }

    if (parts.has('import'))
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
    if (baselineServer) await stop(baselineServer.child)
    await stop(atrium.child)
    problems.push(...serverErrors(atrium.log()))
    await resetImportWorkspace(admin, importWs.id).catch((err) => problems.push(`cleanup: ${err.message}`))
    await admin.end()
    rmSync(dataDir, { recursive: true, force: true })
  }
  print(data, figures, problems)
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

function print(data: Dataset, figures: { title: string; rows: Figure[] }[], problems: string[]) {
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
