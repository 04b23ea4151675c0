import type { Redis } from 'ioredis'
import { type Database, migrationsCurrent } from '../db/index.ts'
import { Problem } from '../http/problem.ts'

export type Dependency = 'database' | 'redis'

/** Seconds a client should wait before retrying while a dependency is down. */
export const RETRY_AFTER_SECONDS = 5

// SQLSTATE classes and codes that mean the server went away or refused us, not that the statement was wrong.
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '53400'])
const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])
const PG_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable)/
const REDIS_MESSAGES =
  /^(Connection is closed|Stream isn't writeable|Command timed out|Reached the max retries per request)/

/** An error, then its causes (and an AggregateError's members): what a wrapped driver error carries. */
export function* errorChain(
  err: unknown,
  depth = 0,
): Generator<{ code?: unknown; message?: unknown; name?: unknown }> {
  if (!err || typeof err !== 'object' || depth > 5) return
  yield err as never
  const e = err as { cause?: unknown; errors?: unknown }
  yield* errorChain(e.cause, depth + 1)
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* errorChain(inner, depth + 1)
}

/** Which dependency an error says is unreachable, or null for any other error. */
export function dependencyDown(err: unknown): Dependency | null {
  for (const e of errorChain(err)) {
    const message = typeof e.message === 'string' ? e.message : ''
    if (e.name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.test(message)) return 'redis'
    const code = typeof e.code === 'string' ? e.code : ''
    if (code.startsWith('08') || PG_UNAVAILABLE.has(code) || PG_MESSAGES.test(message)) return 'database'
    if (NET_CODES.has(code)) return 'database'
  }
  return null
}

const NAMES: Record<Dependency, string> = { database: 'The database', redis: 'Redis' }

/** The 503 answered while a dependency is down: the client may retry after a few seconds. */
export function unavailable(dependency: Dependency): Problem {
  return new Problem({
    status: 503,
    type: 'dependency-unavailable',
    title: 'Service unavailable',
    detail: `${NAMES[dependency]} is unreachable. Retry in a few seconds.`,
    errors: [{ field: dependency, message: 'is unreachable' }],
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  })
}

type Check = 'up' | 'down' | 'current' | 'pending' | 'unknown' | 'not configured'

const within = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref()),
  ])

/**
 * Checks each dependency once, each within a second or two: the database, its migrations and Redis
 * when it is configured.
 */
export async function readiness(deps: { database: Database; redis: Redis | null }) {
  const checks: Record<'database' | 'migrations' | 'redis', Check> = {
    database: 'up',
    migrations: 'current',
    redis: deps.redis ? 'up' : 'not configured',
  }
  const [migrations, redis] = await Promise.allSettled([
    within(2000, migrationsCurrent(deps.database)),
    deps.redis ? within(1000, deps.redis.ping()) : Promise.resolve('PONG'),
  ])
  if (migrations.status === 'rejected') {
    checks.database = 'down'
    checks.migrations = 'unknown'
  } else if (!migrations.value) checks.migrations = 'pending'
  if (redis.status === 'rejected') checks.redis = 'down'
  const failing = (Object.keys(checks) as (keyof typeof checks)[]).filter((k) =>
    ['down', 'pending', 'unknown'].includes(checks[k]),
  )
  return { ready: failing.length === 0, checks, failing }
}

/** The /readyz answer: 200 with every check, or 503 problem+json naming what is down. */
export async function checkReady(deps: { database: Database; redis: Redis | null }) {
  const r = await readiness(deps)
  if (r.ready) return { status: 'ready' as const, checks: r.checks }
  const messages: Record<string, string> = {
    down: 'is unreachable',
    pending: 'are pending',
    unknown: 'cannot be checked',
  }
  const errors = r.failing.map((k) => ({ field: k, message: messages[r.checks[k]]! }))
  const detail =
    r.checks.migrations === 'pending' && r.failing.length === 1
      ? 'Database migrations are pending.'
      : `Not ready: ${errors.map((e) => `${e.field} ${e.message}`).join(', ')}.`
  throw new Problem({
    status: 503,
    type: 'unavailable',
    title: 'Service unavailable',
    detail,
    errors,
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  })
}
