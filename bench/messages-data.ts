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
 * The message search benchmark's data set, generated with set-based SQL (generate_series) on the owner
 * connection, not through the API: 10,000,000 messages in one workspace (1,000 conversations: 100
 * public channels, 900 private ones the bench's member takes part in half of) and 10,000 in a small
 * one with the same shape scaled down. Bodies are 6–14 words drawn with a skewed distribution from a
 * 1,900-word vocabulary plus a numbered token (order numbers), so common words match millions of
 * messages and rare ones a few. The search index is written as the message record type writes it
 * (bulkIndexStatements: titles, dictionary, postings).
 *
 * Kept between runs in the PostgreSQL database `atrium_bench_messages` (a marker records the
 * generator's version); later migrations are applied to it. `--fresh` regenerates.
 */

export const DB_NAME = process.env.BENCH_MESSAGES_DB ?? 'atrium_bench_messages'
export const PASSWORD = 'bench-password-not-secret'
const BATCH = 250_000

export type MessageWorkspace = {
  slug: string
  id: string
  messages: number
  conversations: number
  owner: { id: string; email: string }
  member: { id: string; email: string }
}
export type MessageDataset = {
  databaseUrl: string
  workspaces: Record<string, MessageWorkspace>
  generated: boolean
  generationSeconds: number
  timings: [string, number][]
}

const BIG = Number(process.env.BENCH_MESSAGES ?? 10_000_000)
const WORKSPACES = [
  { slug: 'msg-big', name: 'Big Chat', messages: BIG, conversations: 1000 },
  { slug: 'msg-small', name: 'Small Chat', messages: 10_000, conversations: 10 },
]

// A vocabulary of everyday work-chat words, and made-up ones from syllables for a long tail.
const COMMON = `the a to and of in is it for on that this with we you i be can have are at will not
  please thanks ok yes no just about from today tomorrow meeting call review invoice client project team
  update deploy release fix bug issue ticket design draft send sent check shared doc document file report
  budget quote contract deadline friday monday week month quarter plan roadmap launch customer support
  email follow up notes agenda slides demo feedback question answer approve approved pending done blocked
  urgent later soon morning afternoon lunch coffee office remote travel flight hotel booking order payment
  refund delivery shipping warehouse stock price discount offer proposal pitch estimate hours timesheet`
  .split(/\s+/)
  .filter(Boolean)
const SYLLABLES = 'ka lo mi ren tas vor bel dun fi gra hol jin kre lum mor nav pel quo ris sul'.split(' ')

/** SQL that yields a word for a random r (0 ≤ r < 1): common words often, the long tail rarely. */
function wordSql(r: string): string {
  const common = `array[${COMMON.map((w) => `'${w}'`).join(',')}]::text[]`
  const syl = `array[${SYLLABLES.map((s) => `'${s}'`).join(',')}]::text[]`
  const n = COMMON.length
  // Half the draws from the common words (skewed to the first), half from 8,000 syllable words
  // (20×20×20, also skewed), so a few words are everywhere and most are rare.
  return `case when ${r} < 0.5 then (${common})[1 + floor(power(${r} * 2, 2) * ${n})::int]
    else (${syl})[1 + (floor(power((${r} - 0.5) * 2, 3) * 8000)::int % 20)]
      || (${syl})[1 + (floor(power((${r} - 0.5) * 2, 3) * 8000)::int / 20 % 20)]
      || (${syl})[1 + (floor(power((${r} - 0.5) * 2, 3) * 8000)::int / 400 % 20)] end`
}

/** Message and conversation ids: the type prefix and 32 hex digits, like the product's. */
const idSql = (prefix: string, ws: number, n: string) =>
  `'${prefix}_' || lpad(to_hex(${ws}), 8, '0') || lpad(to_hex(${n}), 24, '0')`

/** One batch of messages [$2, $3] of a workspace ($1), spread over its conversations and two years. */
const batchSql = (w: { n: number; conversations: number; messages: number }) => `
insert into messages (id, workspace_id, conversation_id, seq, author_id, body, has_attachments, created_at, updated_at)
select ${idSql('msg', w.n, 'i')}, $1::uuid, ${idSql('cnv', w.n, `(i % ${w.conversations})`)},
       i / ${w.conversations} + 1,
       case when i % 3 = 0 then $4::uuid else $5::uuid end,
       (select string_agg(${wordSql('x.r')}, ' ') from (select random() as r from generate_series(1, 6 + (i % 9)) k) x)
         || ' #' || (i % 100000)::text,
       i % 20 = 0,
       now() - interval '730 days' + (i::float8 / ${w.messages}) * interval '730 days',
       now() - interval '730 days' + (i::float8 / ${w.messages}) * interval '730 days'
  from generate_series($2::int, $3::int) i`

const hexId = (prefix: string, ws: number, n: number) =>
  `${prefix}_${ws.toString(16).padStart(8, '0')}${n.toString(16).padStart(24, '0')}`

const log = (msg: string) => process.stderr.write(`[messages data] ${msg}\n`)

/** Bump when the generated data changes shape (edits elsewhere in this file keep the data set). */
const DATA_VERSION = '1: 10 M messages, 2.5 M per index slice'

function versionHash(): string {
  const h = createHash('sha256')
  h.update(`${DATA_VERSION}; ${BIG} messages`)
  for (const f of readdirSync(migrationsFolder).sort())
    if (f.endsWith('.sql') && f <= '0038_messaging_rls.sql') h.update(readFileSync(join(migrationsFolder, f)))
  return h.digest('hex').slice(0, 16)
}

type Marker = Omit<MessageDataset, 'databaseUrl' | 'generated'> & { version: string }

async function readMarker(url: string): Promise<Marker | null> {
  const exists = await withAdmin((a) => a.query('select 1 from pg_database where datname = $1', [DB_NAME]))
  if (!exists.rowCount) return null
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    const r = await c.query(`select to_regclass('bench_dataset') is not null as ok`)
    if (!r.rows[0].ok) return null
    return ((await c.query('select info from bench_dataset limit 1')).rows[0]?.info as Marker) ?? null
  } finally {
    await c.end()
  }
}

/** The benchmark database, generated first when missing, outdated or `fresh`. */
export async function ensureMessageDataset(opts: { fresh?: boolean } = {}): Promise<MessageDataset> {
  const url = databaseUrl(DB_NAME)
  const version = versionHash()
  if (!opts.fresh) {
    const m = await readMarker(url)
    if (m && m.version === version) {
      const database = await openDatabase({ url, poolSize: 1 })
      await database.migrate()
      await database.close()
      return { databaseUrl: url, generated: false, ...m }
    }
    if (m) log(`data set version ${m.version} is outdated (now ${version}); regenerating`)
  }
  return generate(url, version)
}

async function generate(url: string, version: string): Promise<MessageDataset> {
  const timings: [string, number][] = []
  const t0 = performance.now()
  let mark = t0
  const lap = (label: string) => {
    const now = performance.now()
    timings.push([label, (now - mark) / 1000])
    log(`${label}: ${((now - mark) / 1000).toFixed(1)} s`)
    mark = now
  }
  await withAdmin(async (a) => {
    await a.query(`drop database if exists ${DB_NAME} with (force)`)
    await a.query(`create database ${DB_NAME}`)
  })
  const database = await openDatabase({ url, poolSize: 2 })
  await database.migrate()
  const workspaces: Record<string, MessageWorkspace> = {}
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
      messages: w.messages,
      conversations: w.conversations,
      owner: { id: owner.userId, email: ownerEmail },
      member: { id: member.userId, email: memberEmail },
    }
  }
  await database.close()
  lap('database, migrations, users')

  const conns = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })]
  for (const c of conns) {
    await c.connect()
    await c.query(`set synchronous_commit = off; set work_mem = '256MB'; set maintenance_work_mem = '512MB';
      set max_parallel_maintenance_workers = 0; set jit = off`)
  }
  const [a, b] = conns as [pg.Client, pg.Client]

  // Conversations (a tenth public channels) and participants: the owner in every one, the member in
  // every public channel and every other private one.
  for (const [n, w] of Object.values(workspaces).entries()) {
    await a.query(
      `insert into conversations (id, workspace_id, kind, name, created_by, last_seq, last_message_at)
       select ${idSql('cnv', n, 'c')}, $1::uuid,
              case when c % 10 = 0 then 'channel_public' else 'channel_private' end,
              'channel-' || c, $2::uuid, ${Math.ceil(w.messages / w.conversations)}, now()
         from generate_series(0, ${w.conversations - 1}) c`,
      [w.id, w.owner.id],
    )
    await a.query(
      `insert into conversation_participants (id, workspace_id, conversation_id, type, user_id, role)
       select ${idSql('cnp', n, 'c * 2')}, $1::uuid, ${idSql('cnv', n, 'c')}, 'member', $2::uuid, 'owner'
         from generate_series(0, ${w.conversations - 1}) c
       union all
       select ${idSql('cnp', n, 'c * 2 + 1')}, $1::uuid, ${idSql('cnv', n, 'c')}, 'member', $3::uuid, 'member'
         from generate_series(0, ${w.conversations - 1}) c where c % 2 = 0`,
      [w.id, w.owner.id, w.member.id],
    )
  }

  // Indexes of the big tables are built once after the load (several times faster than row by row).
  const tables = `'messages'::regclass, 'search_postings'::regclass, 'search_titles'::regclass`
  const constraints = (
    await a.query<{ tbl: string; name: string; def: string; type: string }>(
      `select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def, contype as type
         from pg_constraint
        where (conrelid in (${tables}) and contype in ('p', 'u', 'f'))
           or (confrelid = 'messages'::regclass and contype = 'f')`,
    )
  ).rows
  const indexes = (
    await a.query<{ tbl: string; name: string; def: string }>(
      `select indrelid::regclass::text as tbl, indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as def
         from pg_index i
        where indrelid in (${tables}) and not indisprimary
          and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    )
  ).rows
  const fks = constraints.filter((c) => c.type === 'f')
  const keys = constraints.filter((c) => c.type !== 'f')
  for (const c of [...fks, ...keys]) await a.query(`alter table ${c.tbl} drop constraint ${c.name}`)
  for (const i of indexes) await a.query(`drop index ${i.name}`)
  lap('conversations; indexes dropped')

  const batches: { n: number; w: MessageWorkspace; from: number; to: number }[] = []
  for (const [n, w] of Object.values(workspaces).entries())
    for (let from = 0; from < w.messages; from += BATCH)
      batches.push({ n, w, from, to: Math.min(w.messages, from + BATCH) - 1 })
  let done = 0
  await Promise.all(
    conns.map(async (c, k) => {
      await c.query('select setseed($1)', [0.1 + k / 10])
      for (let job = batches.shift(); job; job = batches.shift()) {
        const { n, w, from, to } = job
        await c.query(batchSql({ n, conversations: w.conversations, messages: w.messages }), [
          w.id,
          from,
          to,
          w.owner.id,
          w.member.id,
        ])
        done += to - from + 1
        if (done % 1_000_000 < BATCH) log(`${done} messages`)
      }
    }),
  )
  lap('messages inserted')

  // The search index in slices of 2.5 million messages, one transaction each, one after
  // another: slices of one workspace share dictionary rows.
  const slices: { w: MessageWorkspace; n: number; from: number; to: number }[] = []
  for (const [n, w] of Object.values(workspaces).entries())
    for (let from = 0; from < w.messages; from += 2_500_000)
      slices.push({ w, n, from, to: Math.min(w.messages, from + 2_500_000) - 1 })
  for (const s of slices) {
    const source = `select workspace_id, id, left(body, 80) as title, substr(body, 81) as body from messages
      where id between '${hexId('msg', s.n, s.from)}' and '${hexId('msg', s.n, s.to)}'`
    await a.query('begin')
    for (const statement of bulkIndexStatements('message', source, { fresh: true })) await a.query(statement)
    await a.query('commit')
    log(`indexed ${s.w.slug} ${s.from}–${s.to}`)
  }
  lap('search index written')

  const queue = [
    ...indexes.map((i) => i.def),
    ...keys.map((k) => `alter table ${k.tbl} add constraint ${k.name} ${k.def}`),
  ]
  await Promise.all(
    conns.map(async (c) => {
      for (let q = queue.shift(); q; q = queue.shift()) await c.query(q)
    }),
  )
  for (const c of fks) await a.query(`alter table ${c.tbl} add constraint ${c.name} ${c.def}`)
  lap('indexes, keys and foreign keys built')
  await Promise.all([
    a.query('vacuum (analyze) messages').then(() => a.query('vacuum (analyze) search_words')),
    b.query('vacuum (analyze) search_postings').then(() => b.query('vacuum (analyze) search_titles')),
  ])
  await a.query('vacuum (analyze) conversations, conversation_participants, users, memberships, workspaces')
  lap('vacuum and analyze')

  const generationSeconds = (performance.now() - t0) / 1000
  const marker: Marker = { version, workspaces, timings, generationSeconds }
  await a.query('create table bench_dataset (info jsonb not null)')
  await a.query('insert into bench_dataset values ($1)', [JSON.stringify(marker)])
  for (const c of conns) await c.end()
  log(`done in ${generationSeconds.toFixed(1)} s`)
  return { databaseUrl: url, generated: true, ...marker }
}

// `node bench/messages-data.ts [--fresh]` generates (or checks) the data set alone.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--version'))
  console.log(versionHash())
else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const d = await ensureMessageDataset({ fresh: process.argv.includes('--fresh') })
  console.log(JSON.stringify({ generated: d.generated, seconds: d.generationSeconds, timings: d.timings }))
}
