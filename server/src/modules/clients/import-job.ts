import { createHash } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import type { Db } from '../../kernel/db/index.ts'
import type { Events } from '../../kernel/events/index.ts'
import { job } from '../../kernel/module.ts'
import { memberships, withWorkspace } from '../../kernel/tenancy/index.ts'
import { parseCsv } from './csv-import.ts'
import {
  BATCH,
  checkRows,
  IMPORT_QUEUE,
  type ImportJob,
  KEPT_ERRORS,
  newMemory,
  processRows,
  type Scope,
} from './import.service.ts'
import { clientImports } from './schema.ts'
import { loadFieldDefs } from './service.ts'

// The import's background job: the file's rows written in batches (see docs/clients.md, Import).

/** A batch that failed because the one before it failed: that one's error is the one to report. */
class EarlierBatchFailed extends Error {}

const isDeadlock = (err: unknown) =>
  (err as { code?: string })?.code === '40P01' ||
  ((err as { cause?: { code?: string } })?.cause?.code ?? '') === '40P01'

/**
 * The job: two thousand rows per transaction, progress saved with each. A run that fails part-way stays
 * `running` and its retry resumes after the last saved row; only the last attempt marks it failed.
 *
 * With `inFlight: 2` (PostgreSQL, which has connections to spare) two batches are written at once, in
 * two transactions: a batch starts once the one before it knows what it will write, and commits only
 * after it (it waits for that transaction's advisory lock, then for its outcome), so the saved progress
 * is always a prefix of the file and a retry resumes as before. Should the two wait for each other (a
 * dictionary word both add), PostgreSQL's deadlock detector ends one: the job then goes on one batch at
 * a time from the last committed batch.
 */
export async function processImport(
  db: Db,
  events: Events,
  job: ImportJob,
  attempt: { last: boolean; inFlight?: number } = { last: true },
): Promise<void> {
  const scope = { db, workspaceId: job.workspaceId }
  const start = await withWorkspace(scope, async (tx) => {
    const [i] = await tx.select().from(clientImports).where(eq(clientImports.id, job.importId))
    if (!i || i.status === 'completed' || i.status === 'failed') return null
    // The uploader's role now, not when the import was queued: the same rules as any other write.
    const [m] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(eq(memberships.userId, job.userId))
    await tx
      .update(clientImports)
      .set(m ? { status: 'running' } : { status: 'failed', finishedAt: new Date() })
      .where(eq(clientImports.id, i.id))
    return m ? { i, role: m.role, defs: await loadFieldDefs(tx) } : null
  })
  if (!start) return
  const { i, defs } = start
  const ctx: Scope = { ...scope, meta: job.meta, actor: { userId: job.userId, role: start.role } }
  const rows = parseCsv(i.content)
  const opts = { mapping: i.mapping, duplicates: i.duplicates, defs, write: true }
  const check = (from: number) => {
    const p = checkRows(rows, from, Math.min(from + BATCH, rows.length), opts)
    // Awaited in its turn; until then a failure must not count as unhandled.
    p.catch(() => {})
    return p
  }
  // The advisory lock of batch n is (lockKey, n), held by its transaction until it ends.
  const lockKey = createHash('sha256').update(i.id).digest().readInt32BE(0)
  const first = 1 + i.processedRows
  let inFlight = Math.max(1, attempt.inFlight ?? 1)
  let committed = first
  try {
    restart: for (;;) {
      const memory = newMemory()
      let next = check(committed)
      let previous: Promise<void> = Promise.resolve()
      const pending: Promise<void>[] = []
      for (let from = committed; from < rows.length; from += BATCH) {
        const to = Math.min(from + BATCH, rows.length)
        const n = Math.floor((from - 1) / BATCH)
        const checked = await next
        // The next batch is checked while this one is written.
        if (to < rows.length) next = check(to)
        const parallel = inFlight > 1
        const before = previous
        let planned: () => void = () => {}
        const plannedNow = new Promise<void>((resolve) => {
          planned = resolve
        })
        const batch = withWorkspace(ctx, async (tx) => {
          if (parallel) await tx.execute(sql`select pg_advisory_xact_lock(${lockKey}, ${n})`)
          const o = await processRows(tx, ctx, events, checked, opts, memory, planned)
          await tx
            .update(clientImports)
            .set({
              processedRows: to - 1,
              created: sql`${clientImports.created} + ${o.created}`,
              updated: sql`${clientImports.updated} + ${o.updated}`,
              skipped: sql`${clientImports.skipped} + ${o.skipped}`,
              failed: sql`${clientImports.failed} + ${new Set(o.errors.map((e) => e.row)).size}`,
              errors: o.errors.length
                ? sql`case when jsonb_array_length(${clientImports.errors}) < ${KEPT_ERRORS} then ${clientImports.errors} || ${JSON.stringify(o.errors)}::jsonb else ${clientImports.errors} end`
                : undefined,
            })
            .where(eq(clientImports.id, i.id))
          if (parallel) {
            // Commit after the batch before: its lock is free once its transaction has ended.
            await tx.execute(sql`select pg_advisory_xact_lock(${lockKey}, ${n - 1})`)
            await before.catch(() => {
              throw new EarlierBatchFailed('an earlier batch of this import failed')
            })
          }
        }).finally(planned)
        batch.catch(() => {})
        previous = batch.then(() => {
          committed = to
        })
        previous.catch(() => {})
        pending.push(previous)
        await plannedNow
        // At most `inFlight` batches at once; the first one alone, so its statistics can be refreshed.
        const settle = from === first ? pending : pending.slice(0, Math.max(0, pending.length - inFlight + 1))
        const outcomes = await Promise.allSettled(settle)
        pending.splice(0, settle.length)
        const failed = outcomes.find((o) => o.status === 'rejected')
        if (failed) {
          await Promise.allSettled(pending)
          const errors = [...outcomes, ...(await Promise.allSettled(pending))]
            .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
            .map((o) => o.reason)
          if (parallel && errors.some(isDeadlock)) {
            inFlight = 1
            continue restart
          }
          throw errors.find((e) => !(e instanceof EarlierBatchFailed)) ?? errors[0]
        }
        // A big import into a workspace the statistics think is small: once the first rows are in,
        // refresh them, or the planner may read the whole workspace for every duplicate lookup.
        if (from === first && rows.length > 2 * BATCH) await db.execute(sql`analyze clients, contacts`)
      }
      const outcomes = await Promise.allSettled(pending)
      const errors = outcomes
        .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
        .map((o) => o.reason)
      if (errors.length) {
        if (inFlight > 1 && errors.some(isDeadlock)) {
          inFlight = 1
          continue
        }
        throw errors.find((e) => !(e instanceof EarlierBatchFailed)) ?? errors[0]
      }
      break
    }
    await withWorkspace(ctx, (tx) =>
      tx
        .update(clientImports)
        .set({ status: 'completed', finishedAt: new Date() })
        .where(eq(clientImports.id, i.id)),
    )
  } catch (err) {
    if (attempt.last)
      await withWorkspace(ctx, (tx) =>
        tx
          .update(clientImports)
          .set({ status: 'failed', finishedAt: new Date() })
          .where(eq(clientImports.id, i.id)),
      )
    throw err
  }
}

/** The import job, for the module definition. */
export const importJob = job<ImportJob>(IMPORT_QUEUE, (data, kernel, run) =>
  processImport(kernel.database.db, kernel.events, data, {
    last: run.retryCount >= run.retryLimit,
    inFlight: kernel.database.kind === 'postgres' ? 2 : 1,
  }),
)
