import { sql } from 'drizzle-orm'
import { fromDrizzle, fromPglite, PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { Database, Tx } from '../db/index.ts'
import { listen } from '../db/listen.ts'

/** `retryCount` counts earlier attempts; the last attempt is the one where it reaches `retryLimit`. */
export type JobHandler<T> = (
  data: T,
  meta: { id: string; queue: string; retryCount: number; retryLimit: number },
) => Promise<void>

/**
 * A worker refreshes each running job's heartbeat every HEARTBEAT_SECONDS / 2. A job whose heartbeat is
 * older than HEARTBEAT_SECONDS (its worker died: kill -9, crash, lost machine) is failed and retried by
 * the supervisor of any running process, which looks every SUPERVISE_SECONDS. So a dead worker's job
 * starts again within HEARTBEAT_SECONDS + SUPERVISE_SECONDS plus one poll, well under a minute.
 */
export const HEARTBEAT_SECONDS = 15
export const SUPERVISE_SECONDS = 10

/**
 * Workers wake when a job is written (pg-boss's NOTIFY, sent at commit) and otherwise look about every
 * NOTIFY_POLL_SECONDS, each queue at its own period within 0.75–1.25 × of it (a retry's or a delayed
 * job's due time has no NOTIFY); until the LISTEN is in place, or for a queue pg-boss has not yet seen
 * with `notify`, every POLL_SECONDS.
 */
const POLL_SECONDS = 0.5
const NOTIFY_POLL_SECONDS = 2

const BOSS_OPTIONS = {
  schema: 'pgboss',
  superviseIntervalSeconds: SUPERVISE_SECONDS,
  monitorIntervalSeconds: SUPERVISE_SECONDS,
  // Queue settings are read again this often (one statement): a queue created or given `notify` after
  // start-up polls every POLL_SECONDS until then.
  queueCacheIntervalSeconds: SUPERVISE_SECONDS,
  useListenNotify: true,
}
// Also on each job, so queues created before the heartbeat existed get it too.
const SEND_OPTIONS = { heartbeatSeconds: HEARTBEAT_SECONDS }

type Registered = { name: string; handler: JobHandler<any>; retryLimit: number; cron?: string }

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
    let db: unknown
    if (database.kind === 'pglite') db = fromPglite(database.pglite as never)
    else {
      // pg-boss's LISTEN, on a connection of its own (the Drizzle adapter has none).
      const adapter = fromDrizzle(database.db as never, sql as never) as { listen?: unknown }
      adapter.listen = async (
        channel: string,
        onNotification: (payload: string | undefined) => void,
        onReconnect?: () => void,
      ) => {
        let first = true
        const close = await listen(
          database,
          channel,
          {
            onNotify: onNotification,
            onListening: () => {
              if (!first) onReconnect?.()
              first = false
            },
          },
          log,
        )
        return { close }
      }
      db = adapter
    }
    this.boss = new PgBoss({ db, ...BOSS_OPTIONS } as never)
    this.boss.on('error', (err: unknown) => this.log.error({ err }, 'job queue error'))
    // Slow queries, backlogs, a LISTEN that could not start (workers then only poll).
    this.boss.on('warning', (warning: unknown) => this.log.warn({ warning }, 'job queue warning'))
  }

  /** Declares a queue and its handler; handlers must be idempotent (a job may run more than once). */
  register<T>(name: string, handler: JobHandler<T>, opts: { retryLimit?: number; cron?: string } = {}): void {
    this.handlers.set(name, { name, handler, retryLimit: opts.retryLimit ?? 5, cron: opts.cron })
  }

  async start(opts: { work: boolean }): Promise<void> {
    if (!this.started) {
      await this.boss.start()
      // What exists already, in one statement (not one per queue at every start).
      const existing = new Map((await this.boss.getQueues()).map((q) => [q.name, q]))
      for (const q of this.handlers.values()) {
        const settings = {
          retryLimit: q.retryLimit,
          retryBackoff: true,
          heartbeatSeconds: HEARTBEAT_SECONDS,
          notify: true,
        }
        const found = existing.get(q.name)
        if (!found) await this.boss.createQueue(q.name, settings as never)
        // A queue created before it woke its workers by NOTIFY gets the setting too.
        else if (!found.notify) await this.boss.updateQueue(q.name, settings as never)
        if (q.cron) await this.boss.schedule(q.name, q.cron)
      }
      this.started = true
    }
    if (opts.work && !this.working) {
      this.working = true
      const queues = [...this.handlers.values()]
      for (const [i, q] of queues.entries()) {
        await this.boss.work(
          q.name,
          {
            pollingIntervalSeconds: POLL_SECONDS,
            // Each queue looks at its own pace, spread over 0.75–1.25 × NOTIFY_POLL_SECONDS: workers all
            // start together, and with one period they would all query at the same moment, every time.
            notifyPollingIntervalSeconds: NOTIFY_POLL_SECONDS * (0.75 + (0.5 * i) / queues.length),
            batchSize: 5,
            includeMetadata: true,
          } as never,
          (async (jobs: any[]) => {
            for (const job of jobs) {
              await q.handler(job.data, {
                id: job.id,
                queue: q.name,
                retryCount: job.retryCount ?? 0,
                retryLimit: job.retryLimit ?? q.retryLimit,
              })
            }
          }) as never,
        )
      }
    }
  }

  /** Enqueues a job; with `tx` it is written inside that transaction. */
  async send(name: string, data: object, tx?: Tx): Promise<void> {
    await this.sendAll([{ name, data }], tx)
  }

  /** Enqueues several jobs; with `tx` they are written inside that transaction. */
  async sendAll(jobs: { name: string; data: object }[], tx?: Tx): Promise<void> {
    for (const job of jobs) if (!this.handlers.has(job.name)) throw new Error(`unknown job queue ${job.name}`)
    if (!tx) {
      for (const job of jobs) await this.boss.send(job.name, job.data, SEND_OPTIONS)
      return
    }
    if (jobs.length === 0) return
    // pg-boss tables belong to the owner role: leave the tenant role for these statements, then return
    // to whatever role the transaction had.
    const { rows } = await tx.execute<{ role: string }>(
      sql`select current_setting('role') as role, set_config('role', 'none', true)`,
    )
    const db = fromDrizzle(tx as never, sql as never) as never
    if (jobs.length === 1)
      await this.boss.send(jobs[0]!.name, jobs[0]!.data, { ...SEND_OPTIONS, db } as never)
    else {
      // One statement per queue (a bulk change's events are thousands of jobs), with the queue's
      // retry and expiry settings as `send` applies them.
      const byQueue = new Map<string, object[]>()
      for (const job of jobs) {
        const list = byQueue.get(job.name)
        if (list) list.push(job.data)
        else byQueue.set(job.name, [job.data])
      }
      for (const [name, data] of byQueue)
        await this.boss.insert(
          name,
          data.map((d) => ({ data: d, ...SEND_OPTIONS })),
          { db },
        )
    }
    await tx.execute(sql`select set_config('role', ${rows[0]?.role ?? 'none'}, true)`)
  }

  async stop(): Promise<void> {
    if (this.started) await this.boss.stop({ graceful: true, wait: true, timeout: 5000 } as never)
    this.started = false
    this.working = false
  }
}
