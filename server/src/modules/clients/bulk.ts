import { eq, inArray, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type { BulkActionSchema } from '../../../../contracts/clients.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { type AuditMeta, record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { type JobRun, job } from '../../kernel/module.ts'
import { memberships, withWorkspace } from '../../kernel/tenancy/index.ts'
import {
  applyClientChanges,
  type ChangeScope,
  type ClientChange,
  type ClientPatch,
  type ClientRecord,
  restoredStatus,
  statusChange,
} from './change.ts'
import { filterConditions, SEARCH_LIMIT, searchFrom } from './query.ts'
import { clientBulkRuns, clients } from './schema.ts'
import { type ClientDeps, countMatching, loadFieldDefs, visibleTo } from './service.ts'

export type BulkInput = z.output<typeof BulkActionSchema>

function required<T>(value: T | undefined, field: string, action: string): T {
  if (value === undefined) throw problems.validation([{ field, message: `is required for ${action}` }])
  return value
}

/** What the action changes on one client, or null when it would not change it. */
function patchFor(c: ClientRecord, input: BulkInput, now: Date): ClientPatch | null {
  switch (input.action) {
    case 'tag':
      return { tags: [...c.tags, ...(input.tags ?? [])] }
    case 'untag':
      return { tags: c.tags.filter((t) => !input.tags?.includes(t)) }
    case 'assign':
      return { assigneeIds: [...c.assigneeIds, input.userId as string] }
    case 'unassign':
      return { assigneeIds: c.assigneeIds.filter((a) => a !== input.userId) }
    case 'setOwner':
      return { ownerId: input.userId ?? null }
    case 'status':
      return statusChange(c, input.status as ClientRecord['status'], now)
    case 'archive':
      return statusChange(c, 'archived', now)
    case 'restore':
      return statusChange(c, restoredStatus(c), now)
    default:
      return null
  }
}

/** Above `inline` clients, a bulk action runs as a job with progress instead of in the request. */
export const bulkLimits = { inline: 5000, batch: 1000 }

function checkInput(input: BulkInput) {
  if (!input.ids === !input.filter)
    throw problems.validation([{ field: 'ids', message: 'give either ids or filter' }])
  if (input.action === 'tag' || input.action === 'untag') required(input.tags, 'tags', input.action)
  if (input.action === 'assign' || input.action === 'unassign')
    required(input.userId ?? undefined, 'userId', input.action)
  if (input.action === 'setOwner') required(input.userId, 'userId', input.action)
  if (input.action === 'status') required(input.status, 'status', input.action)
}

/** The clients an action applies to: its ids (those the actor may see) or every client of its view. */
async function selection(tx: Tx, ctx: ServiceContext, input: BulkInput) {
  const defs = await loadFieldDefs(tx)
  const { conditions, search } = input.ids
    ? {
        conditions: [
          sql`c.id in (${sql.join(
            input.ids.map((i) => sql`${i}`),
            sql`, `,
          )})`,
        ],
        search: null,
      }
    : filterConditions(ctx, input.filter ?? {}, defs)
  const vis = input.ids ? visibleTo(ctx) : undefined
  if (vis) conditions.push(vis)
  return { conditions, from: searchFrom(search, SEARCH_LIMIT) }
}

/** Applies the action to the next batch (a thousand) of selected clients after `after`, in the caller's transaction. */
async function nextBatch(
  tx: Tx,
  scope: ChangeScope,
  input: BulkInput,
  sel: Awaited<ReturnType<typeof selection>>,
  after: string,
) {
  const where = [...sel.conditions, sql`c.id > ${after}`]
  const r = await tx.execute(
    sql`select c.id from ${sel.from} where ${sql.join(where, sql` and `)} order by c.id limit ${bulkLimits.batch}`,
  )
  const ids = (r as unknown as { rows: { id: string }[] }).rows.map((x) => x.id)
  const affected = ids.length ? await applyBatch(tx, scope, input, ids) : 0
  return {
    ids,
    affected,
    last: ids.length ? (ids[ids.length - 1] as string) : after,
    done: ids.length < bulkLimits.batch,
  }
}

/**
 * Applies one action to a selection (ids) or to every client matching a view's filter. Up to
 * `bulkLimits.inline` clients it runs in one transaction, a thousand at a time, and answers
 * `{ affected }`; above, it queues a job that does a thousand per transaction, saving its progress, so
 * a retry resumes, and answers the run to follow. Every client goes through the one write path.
 */
export async function bulkAction(deps: ClientDeps & { jobs: Jobs }, ctx: ServiceContext, input: BulkInput) {
  assertCan(ctx.actor, input.action === 'delete' ? 'clients:delete' : 'clients:write')
  checkInput(input)
  return withWorkspace(ctx, async (tx) => {
    if ((input.action === 'assign' || input.action === 'setOwner') && input.userId) {
      const [m] = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(eq(memberships.userId, input.userId as string))
      if (!m) throw problems.validation([{ field: 'userId', message: 'is not a member of this workspace' }])
    }
    const count = input.ids ? input.ids.length : await countMatching(tx, ctx, input.filter ?? {})
    if (input.filter && input.expectedCount !== undefined && count !== input.expectedCount)
      throw problems.conflict(
        `The view now matches ${count} clients, not ${input.expectedCount}: review it and try again.`,
        'expectedCount',
      )
    if (count > bulkLimits.inline) return { run: await queueRun(tx, deps.jobs, ctx, input, count) }
    const sel = await selection(tx, ctx, input)
    const scope = { ...ctx, events: deps.events }
    let affected = 0
    let after = ''
    for (;;) {
      const b = await nextBatch(tx, scope, input, sel, after)
      affected += b.affected
      after = b.last
      if (b.done) break
    }
    return { affected }
  })
}

export const BULK_QUEUE = 'clients.bulk'
export type BulkJob = { runId: string; workspaceId: string; userId: string; meta: AuditMeta }
type Run = typeof clientBulkRuns.$inferSelect

export const serializeRun = (r: Run) => ({
  id: r.id,
  action: (r.input as BulkInput).action,
  status: r.status,
  total: r.total,
  processed: r.processed,
  affected: r.affected,
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
})

async function queueRun(tx: Tx, jobs: Jobs, ctx: ServiceContext, input: BulkInput, total: number) {
  const [run] = await tx
    .insert(clientBulkRuns)
    .values({ id: newId('blk'), workspaceId: ctx.workspaceId, userId: ctx.actor.userId, input, total })
    .returning()
  const r = run as Run
  const job: BulkJob = { runId: r.id, workspaceId: ctx.workspaceId, userId: ctx.actor.userId, meta: ctx.meta }
  await jobs.send(BULK_QUEUE, job, tx)
  await record(tx, ctx.workspaceId, ctx.meta, {
    action: 'client_bulk.started',
    targetType: 'client_bulk',
    targetId: r.id,
    targetLabel: input.action,
    after: { action: input.action, clients: total },
  })
  return serializeRun(r)
}

/** A bulk run's progress; runs are private to the person who started them. */
export async function getBulkRun(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'clients:read')
  return withWorkspace(ctx, async (tx) => {
    const [r] = await tx.select().from(clientBulkRuns).where(eq(clientBulkRuns.id, id))
    if (!r || r.userId !== ctx.actor.userId) throw problems.notFound('Bulk action')
    return serializeRun(r)
  })
}

/**
 * The job: a thousand clients per transaction, the progress and the last id saved with each, so a
 * retry resumes after it; the starter's role is read again, so the rules are today's.
 */
export async function processBulkRun(kernel: Kernel, job: BulkJob, run: JobRun): Promise<void> {
  const base = { db: kernel.database.db, workspaceId: job.workspaceId }
  const start = await withWorkspace(base, async (tx) => {
    const [r] = await tx.select().from(clientBulkRuns).where(eq(clientBulkRuns.id, job.runId))
    if (!r || r.status === 'completed' || r.status === 'failed') return null
    const [m] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(eq(memberships.userId, job.userId))
    await tx
      .update(clientBulkRuns)
      .set(m ? { status: 'running' } : { status: 'failed', finishedAt: new Date() })
      .where(eq(clientBulkRuns.id, r.id))
    return m ? { r, role: m.role } : null
  })
  if (!start) return
  const ctx: ServiceContext = { ...base, meta: job.meta, actor: { userId: job.userId, role: start.role } }
  const input = start.r.input as BulkInput
  let after = start.r.after
  try {
    for (;;) {
      const b = await withWorkspace(ctx, async (tx) => {
        const batch = await nextBatch(
          tx,
          { ...ctx, events: kernel.events },
          input,
          await selection(tx, ctx, input),
          after,
        )
        await tx
          .update(clientBulkRuns)
          .set({
            processed: sql`${clientBulkRuns.processed} + ${batch.ids.length}`,
            affected: sql`${clientBulkRuns.affected} + ${batch.affected}`,
            after: batch.last,
            ...(batch.done ? { status: 'completed' as const, finishedAt: new Date() } : {}),
          })
          .where(eq(clientBulkRuns.id, job.runId))
        return batch
      })
      after = b.last
      if (b.done) return
    }
  } catch (err) {
    if (run.retryCount >= run.retryLimit)
      await withWorkspace(ctx, (tx) =>
        tx
          .update(clientBulkRuns)
          .set({ status: 'failed', finishedAt: new Date() })
          .where(eq(clientBulkRuns.id, job.runId)),
      )
    throw err
  }
}

export const bulkJob = job<BulkJob>(BULK_QUEUE, (data, kernel, run) => processBulkRun(kernel, data, run))

/** One batch of the action, through the clients' one write path. */
async function applyBatch(tx: Tx, scope: ChangeScope, input: BulkInput, ids: string[]): Promise<number> {
  const rows = await tx.select().from(clients).where(inArray(clients.id, ids)).for('update')
  const now = new Date()
  const changes: ClientChange[] =
    input.action === 'delete'
      ? rows.map((before) => ({ kind: 'delete', before }))
      : rows.flatMap((before) => {
          const patch = patchFor(before, input, now)
          return patch ? [{ kind: 'update' as const, before, patch }] : []
        })
  const r = await applyClientChanges(tx, scope, changes)
  return r.updated.length + r.deleted.length
}
