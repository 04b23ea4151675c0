import { type ChildProcess, spawn } from 'node:child_process'
import { appendFileSync, readdirSync, readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import pg from 'pg'

// Helpers shared by the benchmark parts: starting Atrium as a child process, signing in, load runs.
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const DURATION = Number(process.env.BENCH_DURATION ?? 10)
const main = 'server/src/main.js'

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export type Atrium = { child: ChildProcess; log: () => string }

const children = new Set<ChildProcess>()
// A bench that fails must not leave a server holding its port for the next run.
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL')
})

/** The Node flags `npm start` and the container give the server (see docs/operations.md, Memory and pauses). */
export const SERVER_NODE_ARGS = ['--max-semi-space-size=16']

/** Spawns `atrium serve` (HTTP server and job worker in one process) with the given environment and Node flags. */
export function startAtrium(env: Record<string, string>, nodeArgs: string[] = []): Atrium {
  let out = ''
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, ...nodeArgs, main, 'serve'], {
    env: { ...process.env, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  child.once('exit', () => children.delete(child))
  // BENCH_SERVER_LOG=file also appends each server's output to that file (with BENCH_SERVER_ARGS=--trace-gc, say).
  const file = process.env.BENCH_SERVER_LOG
  const keep = (d: Buffer) => {
    out += d
    if (file) appendFileSync(file, d)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  return { child, log: () => out }
}

/** The demo password the first start logs (read from the log as it arrives; it may trail /readyz). */
export async function demoPassword(log: () => string, timeoutMs = 15_000): Promise<string> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const password = log().match(/"password":"([^"]+)"/)?.[1]
    if (password) return password
    if (performance.now() > deadline) throw new Error('demo password not found in the log')
    await sleep(50)
  }
}

export async function waitReady(url: string, started: number, timeoutMs = 120_000): Promise<number> {
  while (performance.now() - started < timeoutMs) {
    try {
      const r = await fetch(url)
      if (r.status === 200) return performance.now() - started
    } catch {}
    await sleep(20)
  }
  throw new Error(`${url} not ready`)
}

export async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return
  const done = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await done
}

export const rssMiB = (pid: number) => {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)
  return m ? Number(m[1]) / 1024 : Number.NaN
}

/** The URL of another database on the benchmark server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}

/** Runs fn with a one-connection pool on the admin database (create/drop databases). */
export async function withAdmin<T>(fn: (admin: pg.Pool) => Promise<T>): Promise<T> {
  const admin = new pg.Pool({ connectionString: ADMIN_URL, max: 1 })
  try {
    return await fn(admin)
  } finally {
    await admin.end()
  }
}

/** Signs in with email and password like the web app does; returns the Cookie header to send. */
export async function signIn(appUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${appUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: appUrl },
    body: JSON.stringify({ email, password }),
  })
  if (res.status !== 200) throw new Error(`sign-in as ${email} answered ${res.status}: ${await res.text()}`)
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
}

/** CPU milliseconds a process has used (user + system, from /proc; clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return 0
  }
}

/**
 * Milliseconds of CPU time the hypervisor gave to other machines (steal, summed over this machine's
 * cores, from /proc/stat): a bench reports it for its timed window, since time stolen from a shared
 * host shows up as latency no code here can remove.
 */
export function stealMs(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/)
    return Number(cpu[8] ?? 0) * 10
  } catch {
    return 0
  }
}

/** CPU milliseconds of each PostgreSQL backend connected to one database (from their titles), by pid. */
export function postgresCpuMs(database: string): Map<number, number> {
  const out = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let title = ''
    try {
      title = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
    } catch {
      continue
    }
    if (title.startsWith('postgres: ') && title.includes(` ${database} `))
      out.set(Number(entry), cpuMs(Number(entry)))
  }
  return out
}

/** CPU used by the backends between two samples (a connection opened between them counts from zero). */
function postgresCpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0)
  return total
}

export type LoadResult = {
  rps: number
  p50: number
  p99: number
  errors: number
  non2xx: number
  /** CPU ms per request of the measured server process and of PostgreSQL, when asked for. */
  serverCpu?: number
  pgCpu?: number
}

/** What load() measures besides latency: the server process and the database its backends use. */
export type CpuProbe = { pid: number; database: string }

/**
 * A 2 s warm-up, then DURATION seconds of load. `paths` (optional) rotates each request over the
 * given paths of the same host, picked at random, so caches see realistic variety. With `cpu`, the
 * server's and PostgreSQL's CPU milliseconds per request over the measured seconds come back too.
 */
export async function load(
  url: string,
  headers: Record<string, string> = {},
  connections = 50,
  paths?: string[],
  cpu?: CpuProbe,
): Promise<LoadResult> {
  const requests = paths?.length
    ? [
        {
          setupRequest: (req: Record<string, unknown>) => ({
            ...req,
            path: paths[Math.floor(Math.random() * paths.length)],
          }),
        },
      ]
    : undefined
  const opts = { url, connections, headers, requests } as autocannon.Options
  await autocannon({ ...opts, duration: 2 })
  const before = cpu ? { server: cpuMs(cpu.pid), pg: postgresCpuMs(cpu.database) } : null
  const r = await autocannon({ ...opts, duration: DURATION })
  const total = Math.max(1, r.requests.total)
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
    non2xx: r.non2xx,
    ...(cpu && before
      ? {
          serverCpu: (cpuMs(cpu.pid) - before.server) / total,
          pgCpu: postgresCpuSince(before.pg, postgresCpuMs(cpu.database)) / total,
        }
      : {}),
  }
}

export const fmt = (n: number, d = 0) => n.toFixed(d)
