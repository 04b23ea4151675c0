import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Config } from '../config.ts'
import type { BetterAuth } from './auth/better-auth.ts'
import type { RateLimiter } from './auth/rate-limit.ts'
import type { Database } from './db/index.ts'
import type { Events } from './events/index.ts'
import type { Jobs } from './jobs/index.ts'
import type { ModuleDefinition } from './module.ts'

/** The shared services every module receives; modules narrow it to what they use. */
export type Kernel = {
  config: Config
  log: Logger
  database: Database
  jobs: Jobs
  events: Events
  /**
   * Better Auth, built on first use: only its own routes (`/api/auth/*`) and the OpenAPI document need
   * it (sessions are read by `kernel/auth/session.ts`), so a server that nobody signs in to never loads
   * its ~40 MiB of modules.
   */
  auth(): Promise<BetterAuth>
  limiters: { signInAccount: RateLimiter; signInIp: RateLimiter }
  /**
   * A limiter of `limit` hits per `windowSeconds` under its own key prefix: shared by every node through
   * Redis when REDIS_URL is set (per process while Redis is down), in process otherwise.
   */
  rateLimiter(prefix: string, limit: number, windowSeconds: number): RateLimiter
  /** The shared Redis connection when REDIS_URL is set. */
  redis: Redis | null
  /** The modules the app is built from, and the id prefixes they mint. */
  modules: readonly ModuleDefinition[]
  idPrefixes: ReadonlyMap<string, { module: string; names: string }>
  /** Stops jobs and closes connections. */
  close(): Promise<void>
}
