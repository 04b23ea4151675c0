import { and, asc, eq, inArray, isNotNull, isNull, lt, type SQL, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type {
  CreateTaskSchema,
  Task,
  TaskListQuerySchema,
  UpdateTaskSchema,
} from '../../../../contracts/timeline.ts'
import { assertCan, can } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { decodeCursor, encodeCursor } from '../../kernel/http/pagination.ts'
import { problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import type { TimelineDeps } from './events.ts'
import { memberRole, namesOf, personOf } from './people.ts'
import { assertRecordVisible, recordType, visibleRecords } from './record-types.ts'
import { timelineTasks } from './schema.ts'

type TaskRow = typeof timelineTasks.$inferSelect
type RecordRef = { recordType: string; recordId: string }

export async function serializeTasks(tx: Tx, rows: TaskRow[], labels: Map<string, string>): Promise<Task[]> {
  const names = await namesOf(
    tx,
    rows.flatMap((r) => [r.assigneeId, r.createdBy]),
  )
  return rows.map((t) => ({
    id: t.id,
    recordType: t.recordType,
    recordId: t.recordId,
    recordLabel: labels.get(`${t.recordType}:${t.recordId}`) ?? null,
    title: t.title,
    dueAt: t.dueAt?.toISOString() ?? null,
    assignee: personOf(names, t.assigneeId),
    done: t.doneAt !== null,
    doneAt: t.doneAt?.toISOString() ?? null,
    createdBy: personOf(names, t.createdBy),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  }))
}

/** Tasks by id (the feed's detail query); their record is the one the feed is about. */
export async function tasksByIds(tx: Tx, ids: string[], labels: Map<string, string>) {
  if (!ids.length) return new Map<string, Task>()
  const rows = await tx.select().from(timelineTasks).where(inArray(timelineTasks.id, ids))
  return new Map((await serializeTasks(tx, rows, labels)).map((t) => [t.id, t]))
}

/** The assignee must be a member who may see the record, so their reminder can link to it. */
async function checkAssignee(tx: Tx, ctx: ServiceContext, ref: RecordRef, assigneeId: string) {
  const role = await memberRole(tx, assigneeId, 'assigneeId')
  const seen = await recordType(ref.recordType).visible(
    tx,
    { workspaceId: ctx.workspaceId, actor: { userId: assigneeId, role } },
    [ref.recordId],
  )
  if (!seen.has(ref.recordId))
    throw problems.validation([{ field: 'assigneeId', message: 'cannot see this record' }])
}

const auditView = (t: Partial<TaskRow>) => ({
  title: t.title,
  dueAt: t.dueAt?.toISOString() ?? null,
  assigneeId: t.assigneeId ?? null,
  done: t.doneAt != null,
})

const labelsOf = (ref: RecordRef, label: string) => new Map([[`${ref.recordType}:${ref.recordId}`, label]])

export async function createTask(
  deps: TimelineDeps,
  ctx: ServiceContext,
  ref: RecordRef,
  input: z.output<typeof CreateTaskSchema>,
): Promise<Task> {
  assertCan(ctx.actor, 'timeline:write')
  return withWorkspace(ctx, async (tx) => {
    const label = await assertRecordVisible(tx, ctx, ref.recordType, ref.recordId)
    if (input.assigneeId) await checkAssignee(tx, ctx, ref, input.assigneeId)
    const [row] = await tx
      .insert(timelineTasks)
      .values({
        id: newId('task'),
        workspaceId: ctx.workspaceId,
        ...ref,
        title: input.title,
        dueAt: input.dueAt ? new Date(input.dueAt) : null,
        assigneeId: input.assigneeId ?? null,
        createdBy: ctx.actor.userId,
      })
      .returning()
    const t = row!
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'task.created',
      targetType: 'task',
      targetId: t.id,
      targetLabel: label,
      after: { ...ref, ...auditView(t) },
    })
    await deps.events.emit(tx, 'task.created', ctx.workspaceId, { taskId: t.id, ...ref })
    return (await serializeTasks(tx, [t], labelsOf(ref, label)))[0]!
  })
}

async function loadForWrite(tx: Tx, ctx: ServiceContext, id: string) {
  const [t] = await tx.select().from(timelineTasks).where(eq(timelineTasks.id, id)).for('update')
  if (!t) throw problems.notFound('Task')
  try {
    return { t, label: await assertRecordVisible(tx, ctx, t.recordType, t.recordId) }
  } catch {
    throw problems.notFound('Task')
  }
}

export async function updateTask(
  deps: TimelineDeps,
  ctx: ServiceContext,
  id: string,
  input: z.output<typeof UpdateTaskSchema>,
): Promise<Task> {
  assertCan(ctx.actor, 'timeline:write')
  return withWorkspace(ctx, async (tx) => {
    const { t, label } = await loadForWrite(tx, ctx, id)
    if (input.assigneeId && input.assigneeId !== t.assigneeId)
      await checkAssignee(tx, ctx, t, input.assigneeId)
    const now = new Date()
    const next: Partial<TaskRow> = {}
    if (input.title !== undefined) next.title = input.title
    if (input.assigneeId !== undefined) next.assigneeId = input.assigneeId
    if (input.dueAt !== undefined) {
      next.dueAt = input.dueAt ? new Date(input.dueAt) : null
      // A new due time deserves its own reminder.
      if (next.dueAt?.getTime() !== t.dueAt?.getTime()) next.remindedAt = null
    }
    if (input.done !== undefined && input.done !== (t.doneAt !== null)) {
      next.doneAt = input.done ? now : null
      next.doneBy = input.done ? ctx.actor.userId : null
    }
    const before = auditView(t)
    const after = auditView({ ...t, ...next })
    if (JSON.stringify(before) === JSON.stringify(after))
      return (await serializeTasks(tx, [t], labelsOf(t, label)))[0]!
    const [row] = await tx
      .update(timelineTasks)
      .set({ ...next, updatedAt: now })
      .where(eq(timelineTasks.id, id))
      .returning()
    const completed = next.doneAt != null
    const action = completed ? 'task.completed' : 'task.updated'
    await record(tx, ctx.workspaceId, ctx.meta, {
      action,
      targetType: 'task',
      targetId: id,
      targetLabel: label,
      before,
      after,
    })
    await deps.events.emit(tx, action, ctx.workspaceId, {
      taskId: id,
      recordType: t.recordType,
      recordId: t.recordId,
    })
    return (await serializeTasks(tx, [row!], labelsOf(t, label)))[0]!
  })
}

/** The creator, the assignee and admins may delete a task. */
export async function deleteTask(deps: TimelineDeps, ctx: ServiceContext, id: string): Promise<void> {
  assertCan(ctx.actor, 'timeline:write')
  await withWorkspace(ctx, async (tx) => {
    const { t, label } = await loadForWrite(tx, ctx, id)
    const me = ctx.actor.userId
    if (t.createdBy !== me && t.assigneeId !== me && !can(ctx.actor, 'timeline:manage'))
      throw problems.forbidden('Only the creator, the assignee or an admin can delete this task.')
    await tx.delete(timelineTasks).where(eq(timelineTasks.id, id))
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'task.deleted',
      targetType: 'task',
      targetId: id,
      targetLabel: label,
      before: { recordType: t.recordType, recordId: t.recordId, ...auditView(t) },
    })
    await deps.events.emit(tx, 'task.deleted', ctx.workspaceId, {
      taskId: id,
      recordType: t.recordType,
      recordId: t.recordId,
    })
  })
}

/** A record's tasks: open ones first by due time, then done ones, newest first. */
export async function recordTasks(ctx: ServiceContext, ref: RecordRef): Promise<{ data: Task[] }> {
  assertCan(ctx.actor, 'timeline:read')
  return withWorkspace(ctx, async (tx) => {
    const label = await assertRecordVisible(tx, ctx, ref.recordType, ref.recordId)
    const rows = await tx
      .select()
      .from(timelineTasks)
      .where(and(eq(timelineTasks.recordType, ref.recordType), eq(timelineTasks.recordId, ref.recordId)))
      .orderBy(
        sql`${timelineTasks.doneAt} is not null`,
        sql`${timelineTasks.dueAt} asc nulls last`,
        sql`${timelineTasks.doneAt} desc`,
        asc(timelineTasks.id),
      )
      .limit(500)
    return { data: await serializeTasks(tx, rows, labelsOf(ref, label)) }
  })
}

// Tasks without a due time sort last; the cursor stands them at this far-off time.
const NO_DUE = '9999-12-31T00:00:00.000Z'

/** Tasks assigned to a member across record types, by due time: "my tasks due". */
export async function listTasks(
  ctx: ServiceContext,
  q: z.output<typeof TaskListQuerySchema>,
): Promise<{ data: Task[]; nextCursor: string | null }> {
  assertCan(ctx.actor, 'timeline:read')
  const assignee = q.assignee === 'me' ? ctx.actor.userId : q.assignee
  if (assignee !== ctx.actor.userId && !can(ctx.actor, 'timeline:manage'))
    throw problems.forbidden("Only owners and admins can list someone else's tasks.")
  const cursor = decodeCursor(q.cursor)
  const due = sql`coalesce(${timelineTasks.dueAt}, ${NO_DUE}::timestamptz)`
  const where: (SQL | undefined)[] = [eq(timelineTasks.assigneeId, assignee)]
  if (q.status === 'open') where.push(isNull(timelineTasks.doneAt))
  if (q.status === 'done') where.push(isNotNull(timelineTasks.doneAt))
  if (q.dueBefore) where.push(lt(timelineTasks.dueAt, new Date(q.dueBefore)))
  if (cursor) where.push(sql`(${due}, ${timelineTasks.id}) > (${cursor.t}::timestamptz, ${cursor.id})`)
  return withWorkspace(ctx, async (tx) => {
    const rows = await tx
      .select()
      .from(timelineTasks)
      .where(and(...where))
      .orderBy(sql`${due} asc`, asc(timelineTasks.id))
      .limit(q.limit + 1)
    const more = rows.length > q.limit
    const pageRows = more ? rows.slice(0, q.limit) : rows
    const last = pageRows[pageRows.length - 1]
    // Tasks on records the caller can no longer see are left out of the page.
    const labels = await visibleRecords(tx, ctx, pageRows)
    const shown = pageRows.filter((r) => labels.has(`${r.recordType}:${r.recordId}`))
    return {
      data: await serializeTasks(tx, shown, labels),
      nextCursor: more && last ? encodeCursor(last.dueAt ?? NO_DUE, last.id) : null,
    }
  })
}
