import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import v8 from 'node:v8'
import type { PGlite } from '@electric-sql/pglite'
import { type SQL, sql } from 'drizzle-orm'
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import { NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres/session'
import pg from 'pg'
import { heldScope, releaseHeld, runTransaction } from './held.ts'
import { POOL_SETTINGS } from './pool.ts'

/** Both engines expose the same Drizzle PostgreSQL API; node-postgres' type is used as the common one. */
export type Db = NodePgDatabase
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
export type Executor = Db | Tx

// `pg`'s own conversion of a parameter to its text form (dates, arrays, JSON, buffers), as it sends it.
const pgUtils = createRequire(import.meta.url)('pg/lib/utils.js') as {
  prepareValue(v: unknown): string | Buffer | null
}

export const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../db/migrations')

export type Database = {
  kind: 'pglite' | 'postgres'
  db: Db
  pglite?: PGlite
  pool?: pg.Pool
  /**
   * Runs a raw statement and returns its rows. A `name` makes it a prepared statement on PostgreSQL,
   * planned once per connection: worth it for the statements every request runs.
   */
  query<T = Record<string, unknown>>(text: string, params?: unknown[], name?: string): Promise<T[]>
  migrate(): Promise<void>
  close(): Promise<void>
}

export type DatabaseOptions = {
  url?: string
  dataDir?: string
  pglite?: PGlite
  poolSize?: number
  /** Called when a connection breaks outside a query (server restart, failover, network cut). */
  onConnectionError?: (err: Error) => void
}

// int8 and numeric stay strings in node-postgres unless told otherwise; counts are cast in SQL instead.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v))

const PGLITE_SHARED_BUFFERS = '16MB'

/**
 * PGlite and its extensions, loaded only for the embedded engine: a server on PostgreSQL does not
 * hold their code. PGlite's WebAssembly module is compiled lazily, and its hot functions again by
 * V8's optimizing tier in the background; with one compilation task instead of one per core, the
 * memory those compilations leave in the allocator's per-thread arenas drops by ~30 MiB of idle RSS
 * (docs/operations.md, Footprint). Whoever starts node with their own setting keeps it.
 */
async function loadPglite() {
  const nodeArgs = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`
  if (!/wasm[-_]num[-_]compilation[-_]tasks/.test(nodeArgs))
    v8.setFlagsFromString('--wasm-num-compilation-tasks=1')
  const [{ PGlite }, { pg_trgm }, { btree_gin }, { fuzzystrmatch }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/btree_gin'),
    import('@electric-sql/pglite/contrib/fuzzystrmatch'),
  ])
  return { PGlite, pg_trgm, btree_gin, fuzzystrmatch }
}

/** Opens PostgreSQL when a URL is given, otherwise the embedded PGlite database under dataDir. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? POOL_SETTINGS.max,
      // While the server is unreachable a request fails within seconds (503) instead of waiting forever.
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: POOL_SETTINGS.idleTimeoutMillis,
      keepAlive: true,
    })
    // A connection the server drops (restart, failover, pg_terminate_backend) emits 'error' on its client.
    // The pool listens only while a client is idle; this listener also covers clients checked out
    // between two statements, whose next query then fails and the pool discards them on release.
    pool.on('connect', (client) => client.on('error', (err) => opts.onConnectionError?.(err)))
    const poolQuery = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>
    pool.query = (async (...args: unknown[]) => {
      await releaseHeld()
      return poolQuery(...args)
    }) as typeof pool.query
    // The pool re-emits an idle client's error, already reported by the listener above.
    pool.on('error', () => {})
    const db = holdable(drizzlePg(pool))
    return {
      kind: 'postgres',
      db,
      pool,
      async query(text, params, name) {
        const r = await pool.query({ text, values: params as unknown[], name })
        return r.rows
      },
      migrate: () => migratePg(db, { migrationsFolder }),
      async close() {
        // pool.end() resolves before every socket has closed; wait for the pool to remove each client.
        let open = pool.totalCount
        const closed = new Promise<void>((resolve) => {
          if (open === 0) resolve()
          pool.on('remove', () => {
            if (--open <= 0) resolve()
          })
          setTimeout(resolve, 5000).unref()
        })
        await pool.end()
        await closed
      },
    }
  }
  let pglite = opts.pglite
  let template: string | null = null
  let saveTemplate: (() => Promise<void>) | null = null
  if (!pglite) {
    const dir = join(opts.dataDir ?? './data', 'db')
    mkdirSync(dirname(dir), { recursive: true })
    if (!existsSync(join(dir, 'PG_VERSION')) && isEmptyOrMissing(dir)) {
      template = pgliteTemplatePath()
      if (template && existsSync(template)) {
        cpSync(template, dir, { recursive: true })
        template = null
      }
    }
    const { PGlite, pg_trgm, btree_gin, fuzzystrmatch } = await loadPglite()
    pglite = await PGlite.create(dir, {
      extensions: { pg_trgm, btree_gin, fuzzystrmatch },
      // One embedded user needs far less than PostgreSQL's 128 MB of shared buffers, which the WASM
      // heap would otherwise grow to hold; pages beyond them come from the operating system's file
      // cache. 16 MB instead of 32 MB: ~13 MiB less idle RSS (bench/footprint.ts).
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
    })
    if (template) {
      const [from, to] = [dir, template]
      template = null
      saveTemplate = async () => {
        await client.exec('checkpoint')
        keepTemplate(from, to)
      }
    }
  }
  for (const method of ['query', 'exec', 'transaction'] as const) {
    const original = pglite[method].bind(pglite) as (...args: unknown[]) => Promise<unknown>
    ;(pglite as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      await releaseHeld()
      return original(...args)
    }
  }
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite')
  const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator')
  const db = holdable(drizzlePglite(pglite) as unknown as Db)
  const client = pglite
  return {
    kind: 'pglite',
    db,
    pglite: client,
    async query(text, params) {
      const r = await client.query(text, params as unknown[])
      return r.rows as never
    },
    async migrate() {
      await migratePglite(db as never, { migrationsFolder })
      const save = saveTemplate
      saveTemplate = null
      await save?.().catch(() => {})
    },
    close: () => client.close(),
  }
}

/** Lets a request hold its first transaction open until its answer is known (see held.ts). */
function holdable(db: Db): Db {
  const original = db.transaction.bind(db)
  db.transaction = ((fn, config) => runTransaction((body) => original(body, config), fn)) as Db['transaction']
  return db
}

type Internals = { dialect: never; session: { schema: never; options: never } }

/**
 * Runs `fn` in a transaction that starts with `prelude` (trusted SQL without parameters). On
 * PostgreSQL, BEGIN and the prelude travel in one round trip, which every tenant request saves; on
 * PGlite, the prelude is the transaction's first statement.
 */
export async function transactionWithPrelude<T>(
  db: Db,
  prelude: string,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  const pool = (db as unknown as { $client?: unknown }).$client
  if (!(pool instanceof pg.Pool)) {
    return db.transaction(async (tx) => {
      await tx.execute(sql.raw(prelude))
      return fn(tx)
    })
  }
  const { dialect, session: parent } = db as unknown as Internals
  return runTransaction(
    (body) =>
      onPooledClient(pool, async (client) => {
        const session = new NodePgSession(client, dialect, parent.schema, parent.options)
        const tx = new NodePgTransaction(dialect, session, parent.schema) as unknown as Tx
        await client.query(`begin; ${prelude}`)
        const result = await body(tx)
        await client.query('commit')
        return result
      }),
    fn,
  )
}

/**
 * Runs `fn` on a pooled connection; when it fails, rolls back whatever transaction it left open. A
 * connection that cannot even roll back is destroyed rather than returned to the pool.
 */
async function onPooledClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken = false
  try {
    return await fn(client)
  } catch (err) {
    await client.query('rollback').catch(() => {
      broken = true
    })
    throw err
  } finally {
    client.release(broken || undefined)
  }
}

/**
 * A statement's parameters written into its text as quoted literals (`pg`'s own value conversion and
 * escaping), so that it can travel in one simple-protocol message with others. A literal is untyped,
 * as a parameter is, so the statement means the same.
 */
export function inlineParams(text: string, params: readonly unknown[]): string {
  return text.replace(/\$(\d+)\b/g, (_, n: string) => literalOf(params[Number(n) - 1]))
}

function literalOf(value: unknown): string {
  const v = pgUtils.prepareValue(value) as string | Buffer | null
  if (v === null) return 'NULL'
  if (Buffer.isBuffer(v)) return `'\\x${v.toString('hex')}'::bytea`
  return pg.escapeLiteral(String(v))
}

/** The SQL-level prepared statements (`PREPARE`) each connection holds for `readWithPrelude`, oldest first. */
const preparedOn = new WeakMap<pg.PoolClient, Set<string>>()
const MAX_PREPARED = 200
const statementNames = new Map<string, string>()

function preparedName(text: string): string {
  let name = statementNames.get(text)
  if (!name) {
    if (statementNames.size >= 1000) statementNames.clear()
    name = `atrium_read_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`
    statementNames.set(text, name)
  }
  return name
}

export type ReadOptions = {
  /**
   * Run the statement as an SQL prepared statement of the connection (`PREPARE` once, then `EXECUTE`
   * with the values as literals, still one round trip): PostgreSQL plans it once per connection
   * instead of per request. For statements of a few fixed shapes whose parameters all have a type
   * PostgreSQL can infer from where they stand (comparisons, casts, IN lists).
   */
  prepare?: boolean
}

/**
 * One read-only statement in a transaction that starts with `prelude` (trusted SQL without
 * parameters), returning its rows. On PostgreSQL, BEGIN, the prelude, the statement and COMMIT travel
 * in one round trip instead of three; the transaction is READ ONLY, so the statement cannot write.
 * On PGlite, or inside a request whose first transaction must hold a claim, it is a plain transaction.
 */
export async function readWithPrelude<T>(
  db: Db,
  prelude: string,
  query: SQL,
  opts: ReadOptions = {},
): Promise<T[]> {
  const pool = (db as unknown as { $client?: unknown }).$client
  const scope = heldScope.getStore()
  if (!(pool instanceof pg.Pool) || (scope && !scope.claimed))
    return transactionWithPrelude(db, prelude, async (tx) => (await tx.execute(query)).rows as T[])
  await releaseHeld()
  const { dialect } = db as unknown as { dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } } }
  const q = dialect.sqlToQuery(query)
  return onPooledClient(pool, async (client) => {
    if (!opts.prepare) {
      const results = (await client.query(
        `begin read only; ${prelude}; ${inlineParams(q.sql, q.params)}; commit`,
      )) as unknown as pg.QueryResult[]
      return results[2]!.rows as T[]
    }
    const name = preparedName(q.sql)
    const held = preparedOn.get(client) ?? new Set<string>()
    preparedOn.set(client, held)
    let text = ''
    if (held.has(name)) held.delete(name)
    else {
      if (held.size >= MAX_PREPARED) {
        const oldest = held.values().next().value as string
        held.delete(oldest)
        text = `deallocate ${oldest}; `
      }
      text += `prepare ${name} as ${q.sql}; `
    }
    const args = q.params.length ? `(${q.params.map(literalOf).join(', ')})` : ''
    try {
      const results = (await client.query(
        `${text}begin read only; ${prelude}; execute ${name}${args}; commit`,
      )) as unknown as pg.QueryResult[]
      held.add(name)
      return results[results.length - 2]!.rows as T[]
    } catch (err) {
      // A statement prepared before the failure outlives it (PREPARE is not transactional): drop it,
      // so that the next request prepares it again from a known state.
      await client.query('rollback').catch(() => {})
      await client.query(`deallocate ${name}`).catch(() => {})
      throw err
    }
  })
}

const isEmptyOrMissing = (dir: string) => !existsSync(dir) || readdirSync(dir).length === 0

/**
 * Where a freshly migrated PGlite cluster is kept for this installation: a new data folder starts as
 * a copy of it instead of running initdb and every migration (5–13 s of a first start on the 2-core
 * machine, against ~0.1 s for the copy; docs/operations.md, Footprint). Named by the PGlite version,
 * its extensions and the content of every migration, so a new migration or PGlite release makes a
 * new one. Null when node_modules is not writable (then each new folder runs initdb, as before).
 */
function pgliteTemplatePath(): string | null {
  try {
    const pgliteRoot = resolve(fileURLToPath(import.meta.resolve('@electric-sql/pglite')), '../..')
    const hash = createHash('sha256')
    hash.update(readFileSync(join(pgliteRoot, 'package.json')))
    hash.update('pg_trgm,btree_gin,fuzzystrmatch')
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
        a.name < b.name ? -1 : 1,
      )) {
        const path = join(dir, entry.name)
        hash.update(path.slice(migrationsFolder.length))
        if (entry.isDirectory()) walk(path)
        else hash.update(readFileSync(path))
      }
    }
    walk(migrationsFolder)
    const cache = resolve(pgliteRoot, '../../.cache/atrium')
    mkdirSync(cache, { recursive: true })
    return join(cache, `pglite-template-${hash.digest('hex').slice(0, 16)}`)
  } catch {
    return null
  }
}

/**
 * Copies a migrated cluster (checkpointed just before, and idle: PGlite runs one statement at a
 * time) to the template path. A copy that loses a race with another process is dropped.
 */
function keepTemplate(from: string, to: string): void {
  const partial = `${to}.${process.pid}.partial`
  try {
    cpSync(from, partial, { recursive: true })
    renameSync(partial, to)
  } catch {
    rmSync(partial, { recursive: true, force: true })
  }
}

let migrationCount: number | undefined

/** True when every committed migration has been applied. The folder is read once per process. */
export async function migrationsCurrent(database: Database): Promise<boolean> {
  if (migrationCount === undefined) {
    const { readMigrationFiles } = await import('drizzle-orm/migrator')
    migrationCount = readMigrationFiles({ migrationsFolder }).length
  }
  const expected = migrationCount
  const rows = await database.query<{ n: number }>(
    'select count(*)::int as n from drizzle.__drizzle_migrations',
  )
  return (rows[0]?.n ?? 0) >= expected
}

export { sql }

/**
 * One read-only statement's answer as CSV bytes written by PostgreSQL (`COPY (…) TO STDOUT`), streamed:
 * the connection's socket is read only as fast as the stream is consumed, so memory stays flat
 * whatever the row count (pg-copy-streams). It runs in a read-only transaction that starts with
 * `prelude`, on a connection it holds until the stream ends; a stream that fails or is destroyed
 * before its end (a client gone) drops that connection rather than return it mid-COPY. Resolves once the first bytes (or
 * the end) arrived, so a failing statement rejects before any answer starts. PGlite has no streamed
 * COPY: null there, and the caller reads in pages.
 */
export async function copyCsvWithPrelude(
  db: Db,
  prelude: string,
  query: SQL,
): Promise<import('node:stream').Readable | null> {
  const pool = (db as unknown as { $client?: unknown }).$client
  if (!(pool instanceof pg.Pool)) return null
  const { dialect } = db as unknown as { dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } } }
  const q = dialect.sqlToQuery(query)
  const { to } = createRequire(import.meta.url)('pg-copy-streams') as typeof import('pg-copy-streams')
  const client = await pool.connect()
  let released = false
  const release = (broken: boolean) => {
    if (released) return
    released = true
    client.release(broken || undefined)
  }
  try {
    await client.query(`begin read only; ${prelude}`)
  } catch (err) {
    release(true)
    throw err
  }
  const stream = client.query(to(`copy (${inlineParams(q.sql, q.params)}) to stdout with (format csv)`))
  let ended = false
  stream.once('end', () => {
    ended = true
    client.query('commit').then(
      () => release(false),
      () => release(true),
    )
  })
  // Failed or abandoned before its end (a statement error, a client gone): the connection may still be
  // mid-COPY, so it is dropped rather than returned.
  // (pg-copy-streams emits PostgreSQL's error without destroying the stream, so both are heard.)
  const drop = () => {
    if (!ended) release(true)
  }
  stream.once('close', drop)
  stream.once('error', drop)
  await new Promise<void>((resolve, reject) => {
    const ready = () => {
      stream.off('error', fail)
      resolve()
    }
    const fail = (err: Error) => {
      stream.off('readable', ready)
      reject(err)
    }
    stream.once('readable', ready)
    stream.once('error', fail)
  })
  return stream
}
