import { and, eq, isNull, lte, sql } from 'drizzle-orm'
import { users } from '../../kernel/auth/schema.ts'
import type { Database } from '../../kernel/db/index.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import { MAIL_QUEUE, renderEmail } from '../../kernel/mail/index.ts'
import { memberships, withWorkspace } from '../../kernel/tenancy/index.ts'
import { recordType } from './record-types.ts'
import { timelineTasks } from './schema.ts'

export const REMINDER_QUEUE = 'timeline.task-reminders'

/**
 * Queues one reminder email per task that has fallen due. The scan runs as the owner role across
 * workspaces (timeline_tasks has RLS enabled, not forced, for this); each task is then claimed inside its
 * own workspace transaction that also queues the email, so a reminder is queued exactly once however
 * many sweeps run at the same time. The assignee must still be a member who may see the record.
 */
export async function sendDueReminders(
  database: Pick<Database, 'db'>,
  jobs: Pick<Jobs, 'send'>,
  appUrl: string,
  batch = 200,
): Promise<number> {
  const due = await database.db
    .select({ id: timelineTasks.id, workspaceId: timelineTasks.workspaceId })
    .from(timelineTasks)
    .where(
      and(
        isNull(timelineTasks.doneAt),
        isNull(timelineTasks.remindedAt),
        lte(timelineTasks.dueAt, sql`now()`),
      ),
    )
    .orderBy(timelineTasks.dueAt)
    .limit(batch)
  let sent = 0
  for (const { id, workspaceId } of due) {
    const queued = await withWorkspace({ db: database.db, workspaceId }, async (tx) => {
      const [t] = await tx
        .update(timelineTasks)
        .set({ remindedAt: sql`now()` })
        .where(
          and(
            eq(timelineTasks.id, id),
            isNull(timelineTasks.doneAt),
            isNull(timelineTasks.remindedAt),
            lte(timelineTasks.dueAt, sql`now()`),
          ),
        )
        .returning()
      if (!t?.assigneeId) return false
      const [who] = await tx
        .select({ role: memberships.role, email: users.email, name: users.name })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(eq(memberships.userId, t.assigneeId))
      if (!who) return false
      let def: ReturnType<typeof recordType>
      try {
        def = recordType(t.recordType)
      } catch {
        return false
      }
      const actor = { userId: t.assigneeId, role: who.role }
      const label = (await def.visible(tx, { workspaceId, actor }, [t.recordId])).get(t.recordId)
      if (label === undefined) return false
      await jobs.send(
        MAIL_QUEUE,
        {
          to: who.email,
          ...renderEmail({
            subject: `Task due: ${t.title}`,
            greeting: `Hello ${who.name},`,
            lines: [`Your task “${t.title}” on ${def.noun.toLowerCase()} ${label} is due.`],
            action: { label: `Open ${label}`, url: new URL(def.path(t.recordId), appUrl).toString() },
          }),
        },
        tx,
      )
      return true
    })
    if (queued) sent++
  }
  return sent
}
