import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { createUser } from '../server/src/db/seed.ts'
import { migrationsFolder, openDatabase } from '../server/src/kernel/db/index.ts'
import { bulkIndexStatements } from '../server/src/kernel/search/bulk.ts'
import { databaseUrl, withAdmin } from './lib.ts'

/*
 * The clients benchmark's data set, generated with set-based SQL on the owner connection (not through
 * the API): 1,000,000 clients in one workspace, 100,000 in each of ten others, 10,000 in a small one
 * (search cost against workspace size) and an empty one for the import run. The derived state is
 * written as the clients record type derives it (client_facets, the search dictionary and postings).
 *
 * The database is kept between runs: a marker table records the generator's version (this file and
 * the migrations that shape the data: up to the search index), and a run reuses the
 * data when it matches, applying any later migration. `--fresh` regenerates.
 */

export const DB_NAME = 'atrium_bench_clients'
export const PASSWORD = 'bench-password-not-secret'
const BATCH = 100_000

export type BenchWorkspace = {
  slug: string
  id: string
  clients: number
  owner: { id: string; email: string }
  member: { id: string; email: string }
}
export type Dataset = {
  databaseUrl: string
  workspaces: Record<string, BenchWorkspace>
  generated: boolean
  /** Wall-clock seconds of each generation phase, in order (from the marker when reused). */
  timings: [string, number][]
  /** Wall-clock seconds of the whole generation. */
  generationSeconds: number
  totalClients: number
  totalFacets: number
}

const WORKSPACES: { slug: string; name: string; clients: number }[] = [
  { slug: 'bench-big', name: 'Big Agency', clients: 1_000_000 },
  ...Array.from({ length: 10 }, (_, i) => ({
    slug: `bench-w${String(i + 1).padStart(2, '0')}`,
    name: `Agency ${i + 1}`,
    clients: 100_000,
  })),
  { slug: 'bench-small', name: 'Small Agency', clients: 10_000 },
  { slug: 'bench-import', name: 'Import Target', clients: 0 },
]

/** Exact names the benchmark searches for, typo'd; rows 1–8 of every workspace carry them. */
export const KNOWN_NAMES = [
  'Northwind Traders',
  'Contoso Pharmaceuticals',
  'Fabrikam Industries',
  'Adventure Works Cycles',
  'Wide World Importers',
  'Tailspin Toys',
  'Litware Software',
  'Proseware Analytics',
]

// Word lists for company-like and person names: varied enough that trigram search meets realistic
// overlaps (shared syllables, common industry words), not one unique token per row.
const ADJ = `Blue Red Green Silver Golden Northern Southern Eastern Western Pacific Atlantic Summit Pioneer
  Premier Global United Royal Grand Bright Clear Swift Rapid Prime Apex Peak Evergreen Oak Maple Cedar Pine
  River Lake Harbor Bay Coast Valley Mountain Stone Iron Copper Crystal Granite Urban Metro Civic Modern
  Classic Heritage Liberty Eagle Falcon Lion Bear Wolf Fox Sun Star Moon Sky Cloud Ocean North Wind Nordic
  Alpine Sterling Noble Vivid Bold True First Open Smart Quantum Vertex Nova Orbit Zenith`.split(/\s+/)
const NOUN = `Bridge Gate Point Ridge Field Park Works Labs Systems Solutions Partners Group Holdings Ventures
  Dynamics Networks Studio Forge Craft Line Path Way Port Crest Creek Hill Brook Wood Stream Light Wave Spark
  Core Hub Nest Tower Square Circle Harvest Anchor Compass Beacon Horizon Vista Meadow Orchard Garden Quarry
  Mill Trade Trail Shore Haven Field Point Rock Leaf Root Bloom Frame Signal Bridge`.split(/\s+/)
const IND = `Logistics Consulting Software Analytics Design Marketing Media Foods Bakery Brewing Coffee
  Construction Engineering Architecture Dental Medical Health Pharma Energy Solar Motors Automotive Freight
  Shipping Travel Realty Properties Insurance Capital Finance Accounting Legal Law Education Academy Fitness
  Apparel Textiles Furniture Electronics Robotics Security Cleaning Landscaping Plumbing Electric Printing
  Publishing Catering Hotels Traders Importers Industries Supplies Services Technologies Interiors Imaging
  Recruiting Staffing Events Wellness Veterinary Optics Packaging Metals Plastics Chemicals Seeds Farms`.split(
  /\s+/,
)
const SUR =
  `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
  Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez
  Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall
  Rivera Campbell Mitchell Carter Roberts Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz
  Hoffmann Dubois Laurent Moreau Lefebvre Bernard Rossi Russo Ferrari Esposito Bianchi Romano Jansen Visser
  Bakker Smit Meijer Kowalski Nowak Novak Horvat Silva Santos Oliveira Costa Pereira Patel Shah Singh Kumar
  Khan Tanaka Suzuki Sato Kim Park Chen Wang Li Zhang Liu Andersson Johansson Larsen Nielsen Hansen
  OBrien Murphy Kelly Walsh Byrne Ryan`.split(/\s+/)
const FIRST = `James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard
  Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Sandra Paul
  Ashley Steven Emily Andrew Donna Joshua Michelle Lukas Anna Leon Emma Finn Mia Hugo Chloe Louis Camille
  Marco Giulia Luca Sofia Jan Eva Piotr Zofia Mateo Lucia Noah Olivia Aarav Priya Yuki Hana Wei Mei Lars
  Ingrid Sven Astrid Liam Aoife Ada Alan Grace Tim Margaret Linus Katherine`.split(/\s+/)
// Cities with their countries (same index), for addresses and some company names.
const CITIES = `Berlin:DE Hamburg:DE Munich:DE Paris:FR Lyon:FR London:GB Manchester:GB Dublin:IE Amsterdam:NL
  Rotterdam:NL Brussels:BE Madrid:ES Barcelona:ES Lisbon:PT Rome:IT Milan:IT Vienna:AT Zurich:CH Geneva:CH
  Prague:CZ Warsaw:PL Krakow:PL Stockholm:SE Oslo:NO Copenhagen:DK Helsinki:FI Boston:US Chicago:US Denver:US
  Austin:US Seattle:US Portland:US Toronto:CA Vancouver:CA Sydney:AU Melbourne:AU Auckland:NZ Singapore:SG
  Tokyo:JP Osaka:JP`
  .split(/\s+/)
  .map((c) => c.split(':') as [string, string])
const CITY = CITIES.map(([c]) => c)
const COUNTRY = CITIES.map(([, c]) => c)
const STREET =
  `Main Street|High Street|Station Road|Church Lane|Park Avenue|Mill Road|King Street|Queen Street|
  Market Square|Harbour Road|Elm Street|Oak Avenue|Bahnhofstraße|Hauptstraße|Rue de la Paix|Via Roma|
  Kerkstraat|Calle Mayor|Rua Augusta|Bridge Road`
    .split('|')
    .map((s) => s.trim())
const LEGAL = 'Ltd|LLC|Inc.|GmbH|S.A.|B.V.|AG|Pty Ltd|SARL|Oy|AB|plc|S.r.l.|KG'.split('|')
const MAILBOX = 'info billing hello contact accounts office admin finance'.split(' ')
const MAILHOST = 'gmail.example outlook.example proton.example yahoo.example web.example'.split(' ')

// Tags and how often a client carries each: a few common ones, a long tail.
const TAGS: [string, number][] = [
  ['priority', 0.3],
  ['newsletter', 0.2],
  ['smb', 0.15],
  ['retail', 0.12],
  ['software', 0.1],
  ['enterprise', 0.08],
  ['referral', 0.08],
  ['wholesale', 0.06],
  ['manufacturing', 0.06],
  ['vip', 0.05],
  ['partner', 0.05],
  ['healthcare', 0.05],
  ['finance', 0.05],
  ['logistics', 0.05],
  ['reseller', 0.04],
  ['hospitality', 0.04],
  ['construction', 0.04],
  ['trade-show-2024', 0.04],
  ['nonprofit', 0.03],
  ['education', 0.03],
  ['media', 0.03],
  ['trade-show-2023', 0.03],
  ['government', 0.02],
  ['legal', 0.02],
]
export const COMMON_TAG = 'priority'

/** A small deterministic PRNG (mulberry32) for the tag sets built here. */
function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const lit = (words: string[]) =>
  `array[${words.map((w) => `'${w.replaceAll("'", "''")}'`).join(',')}]::text[]`
/** SQL picking one element of a word list with the random column r (0 ≤ r < 1). */
const pick = (words: string[], r: string) => `(${lit(words)})[1 + floor(${r} * ${words.length})::int]`

/**
 * One statement per batch: random draws (materialised once), the fields built from them, the clients
 * inserted, and their facets (tag, access, assignee) from the inserted rows, as the clients record type
 * derives them. The search index follows per workspace (SEARCH_SOURCE).
 */
const BATCH_SQL = `
with r as materialized (
  select i, random() as rk, random() as rp, random() as ra, random() as rb, random() as rc,
         random() as rd, random() as re, random() as rf, random() as rg, random() as rh,
         random() as rs, random() as rs2, random() as rt, random() as ro, random() as ro2,
         random() as rcr, random() as rup, random() as rar, random() as rm, random() as rw,
         random() as rx, random() as ry, random() as rz, random() as rad, random() as rcu,
         floor(random() * 1000)::int as tagset
    from generate_series($3::int, $4::int) i
), w as (
  select r.*,
         ${pick(ADJ, 'ra')} as adj, ${pick(NOUN, 'rb')} as noun, ${pick(IND, 'rc')} as ind,
         ${pick(SUR, 'rd')} as sur1, ${pick(SUR, 're')} as sur2, ${pick(FIRST, 'rf')} as first,
         ${pick(CITY, 'rg')} as city, rk < 0.15 and i > ${KNOWN_NAMES.length} as person
    from r
), n as materialized (
  select w.*,
         case
           when i <= ${KNOWN_NAMES.length} then (${lit(KNOWN_NAMES)})[i]
           when person then first || ' ' || sur1
           when rp < 0.35 then adj || ' ' || noun || ' ' || ind
           when rp < 0.55 then sur1 || ' ' || ind
           when rp < 0.68 then sur1 || ' & ' || sur2
           when rp < 0.85 then adj || lower(noun) || ' ' || ind
           else noun || ' ' || ind || ' ' || city
         end as name
    from w
), f as materialized (
  select n.*,
         case when not person and rh < 0.6 then name || ' ' || ${pick(LEGAL, 'rz')} end as legal_name,
         case
           when rm < 0.1 then null
           when person then lower(first || '.' || sur1) || (i % 100) || '@' || ${pick(MAILHOST, 'rw')}
           else ${pick(MAILBOX, 'rw')} || '@' || translate(lower(name), ' &.,''-', '') || '.example'
         end as email,
         case when rs < 0.25 then 'lead' when rs < 0.85 then 'active' else 'archived' end as status,
         now() - rcr * interval '5 years' as created,
         t.tags,
         case when ro < 0.7 then $6::uuid when ro < 0.9 then $5::uuid end as owner,
         case
           when ro < 0.7 then (case when ro2 < 0.3 then array[$5::uuid] else '{}'::uuid[] end)
           when ro < 0.9 then (case when ro2 < 0.5 then array[$6::uuid] else '{}'::uuid[] end)
           else (case when ro2 < 0.5 then array[$6::uuid] else '{}'::uuid[] end)
         end as assignees
    from n join bench_tagsets t on t.k = n.tagset
), ins as (
  insert into clients (id, workspace_id, kind, name, legal_name, email, phone, website, tax_id,
                       billing_address, currency, language, payment_terms_days, status, tags, owner_id,
                       assignee_ids, status_before_archive, archived_at, created_by,
                       created_at, updated_at)
  select 'cli_' || md5($2 || ':' || i), $1::uuid,
         case when person then 'person' else 'company' end, name, legal_name, email,
         case when ry < 0.7 then '+' || ${pick(['1', '44', '49', '33', '31', '34', '39', '61'], 'rx')} || ' '
              || (100000000 + floor(rz * 899999999))::bigint end,
         case when not person and rw < 0.5 then 'https://www.' || translate(lower(name), ' &.,''-', '') || '.example' end,
         case when not person and rt < 0.3 then 'VAT' || lpad(floor(rx * 999999999)::bigint::text, 9, '0') end,
         case when rad < 0.7 then jsonb_build_object(
                'line1', (1 + floor(ry * 250))::int || ' ' || ${pick(STREET, 'rad')}, 'line2', null,
                'city', city, 'region', null, 'postalCode', lpad(floor(rz * 99999)::int::text, 5, '0'),
                'country', ${pick(COUNTRY, 'rg')}) end,
         case when rcu < 0.85 then ${pick(['EUR', 'EUR', 'EUR', 'USD', 'USD', 'GBP'], 'rcu')} end,
         case when rcu < 0.8 then ${pick(['en', 'en', 'de', 'fr', 'nl', 'es', 'it'], 'rp')} end,
         case when rt < 0.75 then ${pick(['14', '30', '30', '30', '45', '60'], 'rt')}::int end,
         status, tags, owner, assignees,
         case when status = 'archived' then (case when rs2 < 0.3 then 'lead' else 'active' end) end,
         case when status = 'archived' then created + (now() - created) * rar end,
         $5::uuid, created, created + (now() - created) * rup
    from f
  returning id, workspace_id, tags, owner_id, assignee_ids
)
insert into client_facets (workspace_id, client_id, key, value)
select workspace_id, id, 'tag', t from ins, unnest(tags) t
union all
select workspace_id, id, 'access', owner_id::text from ins where owner_id is not null
union all
select workspace_id, id, k.key, a::text from ins, unnest(assignee_ids) a, (values ('assignee'), ('access')) k(key)
`

/**
 * A workspace's clients as the search index reads them: the name as title, then legal name, email and
 * tags (no contacts and no custom fields are generated).
 */
const SEARCH_SOURCE = (workspaceId: string) =>
  `select workspace_id, id, name as title, concat_ws(' ', legal_name, email, array_to_string(tags, ' ')) as body
     from clients where workspace_id = '${workspaceId}'`

/** The last migration that changes the generated data; later ones are applied to the kept data set. */
const DATA_MIGRATIONS_UP_TO = '0011_search_index.sql'

function versionHash(): string {
  const h = createHash('sha256')
  h.update(readFileSync(fileURLToPath(import.meta.url)))
  for (const f of readdirSync(migrationsFolder).sort())
    if (f.endsWith('.sql') && f <= DATA_MIGRATIONS_UP_TO) h.update(readFileSync(join(migrationsFolder, f)))
  return h.digest('hex').slice(0, 16)
}

type Marker = {
  version: string
  workspaces: Record<string, BenchWorkspace>
  timings: [string, number][]
  generationSeconds: number
  totalClients: number
  totalFacets: number
}

async function readMarker(url: string): Promise<Marker | null> {
  const exists = await withAdmin((a) => a.query('select 1 from pg_database where datname = $1', [DB_NAME]))
  if (!exists.rowCount) return null
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    const r = await c.query(`select to_regclass('bench_dataset') is not null as ok`)
    if (!r.rows[0].ok) return null
    const m = await c.query('select info from bench_dataset limit 1')
    return (m.rows[0]?.info as Marker) ?? null
  } finally {
    await c.end()
  }
}

const log = (msg: string) => process.stderr.write(`[clients data] ${msg}\n`)

/** Returns the benchmark database, generating it first when missing, outdated or `fresh`. */
export async function ensureDataset(opts: { fresh?: boolean } = {}): Promise<Dataset> {
  const url = databaseUrl(DB_NAME)
  const version = versionHash()
  if (!opts.fresh) {
    const m = await readMarker(url)
    if (m && m.version === version) {
      // Migrations added after the data set was generated (or left unapplied by a crash).
      const database = await openDatabase({ url, poolSize: 1 })
      await database.migrate()
      await database.close()
      return { databaseUrl: url, generated: false, ...m }
    }
    if (m) log(`data set version ${m.version} is outdated (now ${version}); regenerating`)
  }
  return generate(url, version)
}

async function generate(url: string, version: string): Promise<Dataset> {
  const timings: [string, number][] = []
  const t0 = performance.now()
  let mark = t0
  const lap = (label: string) => {
    const now = performance.now()
    const seconds = (now - mark) / 1000
    timings.push([label, seconds])
    mark = now
    log(`${label}: ${seconds.toFixed(1)} s`)
  }

  await withAdmin(async (a) => {
    await a.query(`drop database if exists ${DB_NAME} with (force)`)
    await a.query(`create database ${DB_NAME}`)
  })
  const database = await openDatabase({ url, poolSize: 2 })
  await database.migrate()

  // Users and workspaces through the product's own helper (password hash, membership, audit entries).
  const workspaces: Record<string, BenchWorkspace> = {}
  for (const w of WORKSPACES) {
    const ownerEmail = `owner@${w.slug}.bench`
    const memberEmail = `member@${w.slug}.bench`
    const owner = await createUser(database, {
      email: ownerEmail,
      name: `Owner of ${w.name}`,
      password: PASSWORD,
      workspace: { name: w.name, slug: w.slug },
    })
    const member = await createUser(database, {
      email: memberEmail,
      name: `Member of ${w.name}`,
      password: PASSWORD,
    })
    await database.query(`insert into memberships (workspace_id, user_id, role) values ($1, $2, 'member')`, [
      owner.workspaceId,
      member.userId,
    ])
    workspaces[w.slug] = {
      slug: w.slug,
      id: owner.workspaceId!,
      clients: w.clients,
      owner: { id: owner.userId, email: ownerEmail },
      member: { id: member.userId, email: memberEmail },
    }
  }
  await database.close()
  lap('database, migrations, users')

  // Two loader connections: the machine has two cores, and each statement is one CPU-bound backend.
  const conns = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })]
  for (const c of conns) {
    await c.connect()
    await c.query(`set synchronous_commit = off; set work_mem = '256MB'; set maintenance_work_mem = '1GB';
      set max_parallel_maintenance_workers = 0; set jit = off`)
  }
  const [a, b] = conns as [pg.Client, pg.Client]

  // Indexes and constraints are built once after the load, which is several times faster than keeping
  // them up to date row by row (foreign keys check every row, trigram GIN entries are the costliest).
  const constraints = (
    await a.query<{ tbl: string; name: string; def: string; type: string }>(
      `select distinct conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def,
              contype as type
         from pg_constraint
        where (conrelid in ('clients'::regclass, 'client_facets'::regclass, 'search_postings'::regclass)
               and contype in ('p', 'u', 'f'))
           or (confrelid = 'clients'::regclass and contype = 'f')`,
    )
  ).rows
  const indexes = (
    await a.query<{ tbl: string; name: string; def: string }>(
      `select indrelid::regclass::text as tbl, indexrelid::regclass::text as name,
              pg_get_indexdef(indexrelid) as def
         from pg_index i
        where indrelid in ('clients'::regclass, 'client_facets'::regclass, 'search_postings'::regclass,
                           'search_words'::regclass)
          and indexrelid <> 'search_words_ws_type_word_idx'::regclass and not indisprimary
          and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    )
  ).rows
  const fks = constraints.filter((c) => c.type === 'f')
  const keys = constraints.filter((c) => c.type !== 'f')
  for (const c of fks) await a.query(`alter table ${c.tbl} drop constraint ${c.name}`)
  for (const c of keys) await a.query(`alter table ${c.tbl} drop constraint ${c.name}`)
  for (const i of indexes) await a.query(`drop index ${i.name}`)
  await a.query(`alter table clients set (autovacuum_enabled = false);
    alter table client_facets set (autovacuum_enabled = false);
    alter table search_postings set (autovacuum_enabled = false)`)

  // The tag sets rows draw from (1,000 of them, weighted as TAGS says).
  const next = rng(42)
  const sets = Array.from({ length: 1000 }, () => TAGS.filter(([, p]) => next() < p).map(([t]) => t))
  await a.query('create table bench_tagsets (k int primary key, tags text[] not null)')
  await a.query(
    "insert into bench_tagsets select k - 1, t from jsonb_array_elements($1::jsonb) with ordinality e(j, k), lateral (select coalesce(array_agg(x), '{}') from jsonb_array_elements_text(j) x) s(t)",
    [JSON.stringify(sets)],
  )
  lap('indexes and constraints dropped')

  const batches: { ws: BenchWorkspace; from: number; to: number }[] = []
  for (const ws of Object.values(workspaces))
    for (let from = 1; from <= ws.clients; from += BATCH)
      batches.push({ ws, from, to: Math.min(ws.clients, from + BATCH - 1) })
  let done = 0
  const worker = async (c: pg.Client, seed: number) => {
    await c.query('select setseed($1)', [seed])
    for (let job = batches.shift(); job; job = batches.shift()) {
      const { ws, from, to } = job
      await c.query(BATCH_SQL, [ws.id, ws.slug, from, to, ws.owner.id, ws.member.id])
      done += to - from + 1
      if (done % 500_000 < BATCH) log(`${done} clients`)
    }
  }
  await Promise.all([worker(a, 0.11), worker(b, 0.22)])
  await a.query('drop table bench_tagsets')
  lap('clients and facets inserted')

  // The search index, one workspace per transaction on each connection (no two touch the same words).
  const pending = Object.values(workspaces).filter((w) => w.clients > 0)
  await Promise.all(
    conns.map(async (c) => {
      for (let ws = pending.shift(); ws; ws = pending.shift()) {
        await c.query('begin')
        for (const statement of bulkIndexStatements('client', SEARCH_SOURCE(ws.id), { fresh: true }))
          await c.query(statement)
        await c.query('commit')
      }
    }),
  )
  lap('search index written')

  // Every index from one queue on both connections, the longest first (the trigram GIN, then the
  // facets table's). Primary keys are built as plain unique indexes, which, unlike ADD CONSTRAINT, do
  // not lock out the other connection's builds on the same table, and attached afterwards. Foreign keys
  // come last; each validates in one join instead of one lookup per inserted row.
  const runQueue = async (tasks: { label: string; sql: string }[]) => {
    const queue = [...tasks]
    await Promise.all(
      conns.map(async (c) => {
        for (let t = queue.shift(); t; t = queue.shift()) {
          const s = performance.now()
          await c.query(t.sql)
          log(`  ${t.label}: ${((performance.now() - s) / 1000).toFixed(1)} s`)
        }
      }),
    )
  }
  const keyColumns = (def: string) => /^(?:PRIMARY KEY|UNIQUE) \(([^)]*)\)$/.exec(def)?.[1]
  const asIndex = keys.filter((k) => keyColumns(k.def))
  const rank = (x: { tbl: string; def: string }, isKey: boolean) =>
    / using gin /i.test(x.def) ? 0 : (x.tbl === 'clients' ? 3 : 1) + Number(isKey)
  const builds = [
    ...indexes.map((i) => ({ label: i.name, sql: i.def, rank: rank(i, false) })),
    ...asIndex.map((k) => ({
      label: k.name,
      sql: `create unique index ${k.name} on ${k.tbl} (${keyColumns(k.def)})`,
      rank: rank(k, true),
    })),
  ].sort((x, y) => x.rank - y.rank)
  await runQueue(builds)
  for (const k of keys)
    await a.query(
      asIndex.includes(k)
        ? `alter table ${k.tbl} add constraint ${k.name} ${k.type === 'p' ? 'primary key' : 'unique'} using index ${k.name}`
        : `alter table ${k.tbl} add constraint ${k.name} ${k.def}`,
    )
  lap('indexes and keys built')
  for (const c of fks.sort((x, y) => Number(x.tbl !== 'clients') - Number(y.tbl !== 'clients')))
    await a.query(`alter table ${c.tbl} add constraint ${c.name} ${c.def}`)
  lap('foreign keys validated')

  await a.query(`alter table clients reset (autovacuum_enabled);
    alter table client_facets reset (autovacuum_enabled);
    alter table search_postings reset (autovacuum_enabled)`)
  // VACUUM sets hint bits and the visibility map (index-only scans on the facets), ANALYZE the stats:
  // what autovacuum would otherwise do in the middle of the measurements.
  await Promise.all([
    a.query('vacuum (analyze) clients').then(() => a.query('vacuum (analyze) search_words')),
    b.query('vacuum (analyze) client_facets').then(() => b.query('vacuum (analyze) search_postings')),
  ])
  await a.query('vacuum (analyze) users, memberships, workspaces, sessions')
  lap('vacuum and analyze')

  const counts = (
    await a.query<{ c: number; f: number }>(
      'select (select count(*) from clients)::int as c, (select count(*) from client_facets)::int as f',
    )
  ).rows[0]!
  const generationSeconds = (performance.now() - t0) / 1000
  const marker: Marker = {
    version,
    workspaces,
    timings,
    generationSeconds,
    totalClients: counts.c,
    totalFacets: counts.f,
  }
  await a.query('create table bench_dataset (info jsonb not null)')
  await a.query('insert into bench_dataset values ($1)', [JSON.stringify(marker)])
  for (const c of conns) await c.end()
  log(`done: ${counts.c} clients, ${counts.f} facets in ${generationSeconds.toFixed(1)} s`)
  return { databaseUrl: url, generated: true, ...marker }
}

// `node bench/clients-data.ts [--fresh]` generates (or checks) the data set alone.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const d = await ensureDataset({ fresh: process.argv.includes('--fresh') })
  console.log(
    JSON.stringify({
      generated: d.generated,
      seconds: d.generationSeconds,
      timings: d.timings,
      clients: d.totalClients,
      facets: d.totalFacets,
    }),
  )
}
