import { sql } from 'drizzle-orm'
import { fromDrizzle, fromPglite, PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { Database, Tx } from '../db/index.ts'

export type JobHandler<T> = (data: T, meta: { id: string; queue: string }) => Promise<void>

type Registered = { name: string; handler: JobHandler<any>; retryLimit: number }

/**
 * Durable jobs on pg-boss, on the same database as the data. `send` inside a transaction commits or
 * rolls back with it, so a rolled-back change enqueues nothing.
 */
export class Jobs {
  readonly boss: PgBoss
  private readonly handlers = new Map<string, Registered>()
  private started = false
  private working = false
  private readonly log: Logger

  constructor(database: Database, log: Logger) {
    this.log = log
    this.boss =
      database.kind === 'pglite'
        ? new PgBoss({ db: fromPglite(database.pglite as never), schema: 'pgboss' } as never)
        : new PgBoss({ db: fromDrizzle(database.db as never, sql as never), schema: 'pgboss' } as never)
    this.boss.on('error', (err: unknown) => this.log.error({ err }, 'job queue error'))
  }

  /** Declares a queue and its handler; handlers must be idempotent (a job may run more than once). */
  register<T>(name: string, handler: JobHandler<T>, opts: { retryLimit?: number } = {}): void {
    this.handlers.set(name, { name, handler, retryLimit: opts.retryLimit ?? 5 })
  }

  async start(opts: { work: boolean }): Promise<void> {
    if (!this.started) {
      await this.boss.start()
      for (const q of this.handlers.values()) {
        await this.boss.createQueue(q.name, { retryLimit: q.retryLimit, retryBackoff: true } as never)
      }
      this.started = true
    }
    if (opts.work && !this.working) {
      this.working = true
      for (const q of this.handlers.values()) {
        await this.boss.work(
          q.name,
          { pollingIntervalSeconds: 0.5, batchSize: 5 } as never,
          (async (jobs: any[]) => {
            for (const job of jobs) {
              await q.handler(job.data, { id: job.id, queue: q.name })
            }
          }) as never,
        )
      }
    }
  }

  /** Enqueues a job; with `tx` it is written inside that transaction. */
  async send(name: string, data: object, tx?: Tx): Promise<void> {
    if (!this.handlers.has(name)) throw new Error(`unknown job queue ${name}`)
    if (!tx) {
      await this.boss.send(name, data)
      return
    }
    // pg-boss tables belong to the owner role; leave the tenant role for this one statement.
    await tx.execute(sql`select set_config('role', 'none', true)`)
    await this.boss.send(name, data, { db: fromDrizzle(tx as never, sql as never) } as never)
    await tx.execute(sql`select set_config('role', 'atrium_app', true)`)
  }

  async stop(): Promise<void> {
    if (this.started) await this.boss.stop({ graceful: true, wait: true, timeout: 5000 } as never)
    this.started = false
    this.working = false
  }
}
