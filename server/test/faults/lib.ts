import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import pg from 'pg'
import { engine } from '../engine.ts'

/**
 * Real processes for fault tests: Atrium's own CLI (`serve`, `worker`) as children on free ports, a
 * database made for the test, a throwaway Redis, and a TCP proxy that can cut the database off.
 */

const root = resolve(import.meta.dirname, '../../..')
const main = join(root, 'server/src/main.js')
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const { port } = srv.address() as { port: number }
  await new Promise((r) => srv.close(r))
  return port
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const v = await fn()
      if (v !== undefined && v !== null && (v as unknown) !== false) return v
    } catch (err) {
      last = err
    }
    await sleep(50)
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`)
}

/** Where the spawned processes keep their data: a PostgreSQL database or a PGlite data folder. */
export type Store = {
  env: Record<string, string>
  /** PostgreSQL only: runs SQL on the test database as the superuser, from outside Atrium. */
  admin?: pg.Pool
  dbName?: string
  drop(): Promise<void>
}

export async function createStore(kind: 'pglite' | 'postgres' = engine()): Promise<Store> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atrium-fault-'))
  const base = { DATA_DIR: dataDir }
  if (kind === 'pglite')
    return { env: base, drop: async () => rmSync(dataDir, { recursive: true, force: true }) }
  const dbName = `atrium_fault_${randomBytes(4).toString('hex')}`
  const server = new pg.Pool({ connectionString: ADMIN_URL, max: 1 })
  await server.query(`create database ${dbName}`)
  const url = new URL(ADMIN_URL)
  url.pathname = `/${dbName}`
  const admin = new pg.Pool({ connectionString: url.toString(), max: 2 })
  admin.on('error', () => {})
  return {
    env: { ...base, DATABASE_URL: url.toString() },
    admin,
    dbName,
    async drop() {
      await admin.end()
      await server.query(`drop database if exists ${dbName} with (force)`)
      await server.end()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export type Proc = {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
  kill(signal?: NodeJS.Signals): Promise<number | null>
}

/** Runs `node server/src/main.js <args>` with the given environment. */
export function atrium(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [main, ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      ATRIUM_SEED: 'false',
      HOST: '127.0.0.1',
      SECRET_KEY: 'fault-tests-secret-key-0123456789abcdef',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  return {
    child,
    output: () => out,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

/** Applies migrations and creates a verified owner with a workspace, through the CLI. */
export async function createOwner(store: Store): Promise<{ email: string; password: string }> {
  const email = `owner-${randomBytes(3).toString('hex')}@example.com`
  const password = `pw-${randomBytes(8).toString('hex')}`
  const p = atrium(
    ['create-admin', '--email', email, '--password', password, '--workspace', 'Faults', '--slug', 'faults'],
    store.env,
  )
  const code = await p.exited
  if (code !== 0) throw new Error(`create-admin failed (${code}): ${p.output()}`)
  return { email, password }
}

export type AtriumServer = Proc & { url: string; port: number }

/** Starts `serve` (or `worker`) and waits until /readyz answers 200 (for serve) or the log says so. */
export async function startServer(
  store: Store,
  opts: { args?: string[]; env?: Record<string, string>; port?: number } = {},
): Promise<AtriumServer> {
  const port = opts.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  const proc = atrium(opts.args ?? ['serve'], {
    ...store.env,
    PORT: String(port),
    APP_URL: url,
    ...opts.env,
  })
  await waitFor(`${url}/readyz`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`server exited: ${proc.output()}`)
    const res = await fetch(`${url}/readyz`)
    return res.status === 200
  })
  return { ...proc, url, port }
}

/** Starts a `worker` process and waits until it has started its queues. */
export async function startWorker(store: Store): Promise<Proc> {
  const proc = atrium(['worker'], { ...store.env, LOG_LEVEL: 'info' })
  await waitFor('worker start', async () => {
    if (proc.child.exitCode !== null) throw new Error(`worker exited: ${proc.output()}`)
    return proc.output().includes('worker started')
  })
  return proc
}

/** A signed-in HTTP client of one server: keeps the session cookie. */
export async function signIn(base: string, who: { email: string; password: string }) {
  const res = await fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify(who),
  })
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`)
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  return (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        origin: base,
        cookie,
        ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
        ...(init.headers as Record<string, string>),
      },
    })
}

export type Fetcher = Awaited<ReturnType<typeof signIn>>

/** A TCP proxy in front of PostgreSQL: `cut()` drops every connection and refuses new ones. */
export async function tcpProxy(targetPort: number): Promise<{
  port: number
  cut(): void
  restore(): void
  close(): Promise<void>
}> {
  let down = false
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    if (down) {
      client.destroy()
      return
    }
    const upstream = new Socket()
    upstream.connect(targetPort, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
    }
    client.pipe(upstream).pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      down = true
      for (const s of sockets) s.destroy()
    },
    restore() {
      down = false
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      }),
  }
}

/** A Redis server of our own on a free port, which a test may stop and start again. */
export async function throwawayRedis(): Promise<{
  url: string
  stop(): Promise<void>
  start(): Promise<void>
}> {
  const port = await freePort()
  let proc: ChildProcess | null = null
  const start = async () => {
    proc = spawn(
      'redis-server',
      ['--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      {
        stdio: 'ignore',
      },
    )
    await waitFor('redis', async () => {
      return new Promise<boolean>((r) => {
        const s = new Socket()
        s.once('connect', () => {
          s.destroy()
          r(true)
        })
        s.once('error', () => r(false))
        s.connect(port, '127.0.0.1')
      })
    })
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    async stop() {
      const p = proc
      if (!p || p.exitCode !== null) return
      await new Promise((r) => {
        p.once('exit', r)
        p.kill('SIGKILL')
      })
    },
  }
}
