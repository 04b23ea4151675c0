import type pg from 'pg'
import { APP_URL, BASE, getJson } from './clients-http.ts'
import { rssMiB, sleep } from './lib.ts'

// The clients benchmark's import and export runs (see clients.ts).

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

export async function exportRun(cookie: string, pid: number) {
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
 * the search titles, dictionary and postings, the import, its audit entries), then VACUUM ANALYZE, so every run
 * starts from the generated state:
 * statistics that know the workspace as empty, as they would for a new tenant, and no dead rows for
 * autovacuum to pick up in the middle of a later measurement.
 */
export async function resetImportWorkspace(admin: pg.Client, workspaceId: string, always = false) {
  const r = await admin.query('delete from clients where workspace_id = $1', [workspaceId])
  // Postings by word (their index leads with it); a workspace's words by their unique index.
  const p = await admin.query(
    `delete from search_postings where word_id in (select id from search_words where workspace_id = $1)`,
    [workspaceId],
  )
  await admin.query('delete from search_words where workspace_id = $1', [workspaceId])
  await admin.query('delete from search_titles where workspace_id = $1', [workspaceId])
  await admin.query('delete from search_word_variants where workspace_id = $1', [workspaceId])
  await admin.query('delete from client_imports where workspace_id = $1', [workspaceId])
  await admin.query(`delete from audit_logs where workspace_id = $1 and target_type = 'client'`, [
    workspaceId,
  ])
  if (always || r.rowCount || p.rowCount)
    await admin.query(
      'vacuum (analyze) clients, client_facets, contacts, client_imports, audit_logs, search_words, search_postings, search_titles, search_word_variants',
    )
  // The deletes and the vacuum dirty gigabytes of pages: written out now, so the checkpoint they would
  // start is not writing them during the next measured import.
  await admin.query('checkpoint')
  // As on a server in use, the tables and indexes an import writes are in the OS cache (pg_prewarm
  // reads them, ~10 GB here): the figure is the import's work, not the first read of a cold disk.
  await admin.query('create extension if not exists pg_prewarm')
  await admin.query(
    `select sum(pg_prewarm(i.oid, 'read')) from pg_class i
    where i.oid in (select x.indexrelid from pg_index x where x.indrelid = any($1::regclass[]))
       or i.oid = any($1::regclass[])`,
    [IMPORT_TABLES],
  )
}

/** What an import writes. */
const IMPORT_TABLES = [
  'clients',
  'client_facets',
  'contacts',
  'audit_logs',
  'search_words',
  'search_postings',
  'search_titles',
  'search_word_variants',
]

export async function importRun(cookie: string, admin: pg.Client, workspaceId: string) {
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
export async function importAddressProbe(cookie: string) {
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
