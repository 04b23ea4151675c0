import { eq, inArray } from 'drizzle-orm'
import type { z } from 'zod'
import type { CreateNoteSchema, Note } from '../../../../contracts/timeline.ts'
import { assertCan, can } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import type { TimelineDeps } from './events.ts'
import { namesOf, personOf } from './people.ts'
import { assertRecordVisible } from './record-types.ts'
import { timelineNotes } from './schema.ts'

type NoteRow = typeof timelineNotes.$inferSelect
type RecordRef = { recordType: string; recordId: string }

const mayEdit = (ctx: ServiceContext, n: NoteRow) =>
  n.authorId === ctx.actor.userId || can(ctx.actor, 'timeline:manage')

export function serializeNotes(ctx: ServiceContext, rows: NoteRow[], names: Map<string, string>): Note[] {
  return rows.map((n) => ({
    id: n.id,
    recordType: n.recordType,
    recordId: n.recordId,
    body: n.body,
    author: personOf(names, n.authorId),
    canEdit: mayEdit(ctx, n) && can(ctx.actor, 'timeline:write'),
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
    editedAt: n.editedAt?.toISOString() ?? null,
  }))
}

/** Notes by id with their authors' names (the feed's detail query). */
export async function notesByIds(tx: Tx, ctx: ServiceContext, ids: string[]): Promise<Map<string, Note>> {
  if (!ids.length) return new Map()
  const rows = await tx.select().from(timelineNotes).where(inArray(timelineNotes.id, ids))
  const names = await namesOf(
    tx,
    rows.map((r) => r.authorId),
  )
  return new Map(serializeNotes(ctx, rows, names).map((n) => [n.id, n]))
}

async function one(tx: Tx, ctx: ServiceContext, n: NoteRow): Promise<Note> {
  return serializeNotes(ctx, [n], await namesOf(tx, [n.authorId]))[0]!
}

export async function createNote(
  deps: TimelineDeps,
  ctx: ServiceContext,
  ref: RecordRef,
  input: z.output<typeof CreateNoteSchema>,
): Promise<Note> {
  assertCan(ctx.actor, 'timeline:write')
  return withWorkspace(ctx, async (tx) => {
    const label = await assertRecordVisible(tx, ctx, ref.recordType, ref.recordId)
    const [row] = await tx
      .insert(timelineNotes)
      .values({
        id: newId('note'),
        workspaceId: ctx.workspaceId,
        recordType: ref.recordType,
        recordId: ref.recordId,
        authorId: ctx.actor.userId,
        body: input.body,
      })
      .returning()
    const n = row!
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'note.created',
      targetType: 'note',
      targetId: n.id,
      targetLabel: label,
      after: { recordType: ref.recordType, recordId: ref.recordId, body: n.body },
    })
    await deps.events.emit(tx, 'note.created', ctx.workspaceId, { noteId: n.id, ...ref })
    return one(tx, ctx, n)
  })
}

/** The note when the actor may see its record and change it: 404 when hidden, 403 when not theirs. */
async function loadForWrite(tx: Tx, ctx: ServiceContext, id: string) {
  const [n] = await tx.select().from(timelineNotes).where(eq(timelineNotes.id, id)).for('update')
  if (!n) throw problems.notFound('Note')
  let label: string
  try {
    label = await assertRecordVisible(tx, ctx, n.recordType, n.recordId)
  } catch {
    throw problems.notFound('Note')
  }
  if (!mayEdit(ctx, n)) throw problems.forbidden('Only the author or an admin can change this note.')
  return { n, label }
}

export async function updateNote(
  deps: TimelineDeps,
  ctx: ServiceContext,
  id: string,
  input: z.output<typeof CreateNoteSchema>,
): Promise<Note> {
  assertCan(ctx.actor, 'timeline:write')
  return withWorkspace(ctx, async (tx) => {
    const { n, label } = await loadForWrite(tx, ctx, id)
    if (input.body === n.body) return one(tx, ctx, n)
    const now = new Date()
    const [row] = await tx
      .update(timelineNotes)
      .set({ body: input.body, editedAt: now, updatedAt: now })
      .where(eq(timelineNotes.id, id))
      .returning()
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'note.updated',
      targetType: 'note',
      targetId: id,
      targetLabel: label,
      before: { body: n.body },
      after: { body: input.body },
    })
    await deps.events.emit(tx, 'note.updated', ctx.workspaceId, {
      noteId: id,
      recordType: n.recordType,
      recordId: n.recordId,
    })
    return one(tx, ctx, row!)
  })
}

export async function deleteNote(deps: TimelineDeps, ctx: ServiceContext, id: string): Promise<void> {
  assertCan(ctx.actor, 'timeline:write')
  await withWorkspace(ctx, async (tx) => {
    const { n, label } = await loadForWrite(tx, ctx, id)
    await tx.delete(timelineNotes).where(eq(timelineNotes.id, id))
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'note.deleted',
      targetType: 'note',
      targetId: id,
      targetLabel: label,
      before: { recordType: n.recordType, recordId: n.recordId, body: n.body },
    })
    await deps.events.emit(tx, 'note.deleted', ctx.workspaceId, {
      noteId: id,
      recordType: n.recordType,
      recordId: n.recordId,
    })
  })
}
