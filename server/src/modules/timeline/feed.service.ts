import { inArray, sql } from 'drizzle-orm'
import type { TimelineEntry, TimelinePage } from '../../../../contracts/timeline.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { auditLogs } from '../../kernel/audit/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { decodeCursor, encodeCursor } from '../../kernel/http/pagination.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { notesByIds } from './notes.service.ts'
import { namesOf, personOf, uuidsIn } from './people.ts'
import { assertRecordVisible } from './record-types.ts'
import { tasksByIds } from './tasks.service.ts'

type RecordRef = { recordType: string; recordId: string }
type Head = { kind: 'note' | 'task' | 'activity'; id: string; at: Date | string }

/**
 * A record's timeline, newest first: its notes, its tasks (by creation) and its audited activity,
 * merged in one keyset-paged query over (time, id); the details of each kind are read by id after.
 */
export async function recordTimeline(
  ctx: ServiceContext,
  ref: RecordRef,
  q: { limit: number; cursor?: string },
): Promise<TimelinePage> {
  assertCan(ctx.actor, 'timeline:read')
  const cursor = decodeCursor(q.cursor)
  return withWorkspace(ctx, async (tx) => {
    const label = await assertRecordVisible(tx, ctx, ref.recordType, ref.recordId)
    const { recordType: t, recordId: id } = ref
    const after = cursor
      ? sql`where (e.at, e.id collate "C") < (${cursor.t}::timestamptz, ${cursor.id} collate "C")`
      : sql``
    const r = await tx.execute(sql`select e.kind, e.id, e.at from (
        select 'note' as kind, n.id, n.created_at as at from timeline_notes n
          where n.record_type = ${t} and n.record_id = ${id}
        union all
        select 'task', k.id, k.created_at from timeline_tasks k
          where k.record_type = ${t} and k.record_id = ${id}
        union all
        select 'activity', a.id::text, a.created_at from audit_logs a
          where a.target_type = ${t} and a.target_id = ${id}
      ) e ${after}
      order by e.at desc, e.id collate "C" desc
      limit ${q.limit + 1}`)
    const heads = (r as unknown as { rows: Head[] }).rows
    const more = heads.length > q.limit
    const shown = more ? heads.slice(0, q.limit) : heads
    const ids = (kind: Head['kind']) => shown.filter((h) => h.kind === kind).map((h) => h.id)
    const notes = await notesByIds(tx, ctx, ids('note'))
    const tasks = await tasksByIds(tx, ids('task'), new Map([[`${t}:${id}`, label]]))
    const activityIds = ids('activity')
    const logs = activityIds.length
      ? await tx.select().from(auditLogs).where(inArray(auditLogs.id, activityIds))
      : []
    const mentioned = new Set<string>()
    for (const l of logs) {
      if (l.actorId) mentioned.add(l.actorId)
      uuidsIn(l.before, mentioned)
      uuidsIn(l.after, mentioned)
    }
    const names = await namesOf(tx, [...mentioned])
    const byId = new Map(logs.map((l) => [l.id, l]))
    const data: TimelineEntry[] = []
    for (const h of shown) {
      const at = new Date(h.at).toISOString()
      if (h.kind === 'note') {
        const note = notes.get(h.id)
        if (note) data.push({ kind: 'note', at, note })
      } else if (h.kind === 'task') {
        const task = tasks.get(h.id)
        if (task) data.push({ kind: 'task', at, task })
      } else {
        const l = byId.get(h.id)
        if (!l) continue
        const actor = personOf(names, l.actorId)
        // An actor who is no longer a user is named by the label the entry kept.
        if (actor && !names.has(actor.id) && l.actorLabel) actor.name = l.actorLabel
        data.push({
          kind: 'activity',
          at,
          activity: {
            id: l.id,
            action: l.action,
            actor,
            before: (l.before as Record<string, unknown> | null) ?? null,
            after: (l.after as Record<string, unknown> | null) ?? null,
            createdAt: at,
          },
        })
      }
    }
    const last = shown[shown.length - 1]
    return {
      data,
      nextCursor: more && last ? encodeCursor(new Date(last.at), last.id) : null,
      people: Object.fromEntries(names),
    }
  })
}
