import { and, eq } from 'drizzle-orm'
import { timelinePermissions } from '../../../../contracts/timeline.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { subscribe } from '../../kernel/events/index.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { defineModule, job } from '../../kernel/module.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import './events.ts'
import { REMINDER_QUEUE, sendDueReminders } from './reminders.ts'
import { registerTimelineRoutes } from './routes.ts'
import * as tables from './schema.ts'

/** Removes a record's notes and tasks, in the caller's workspace transaction. */
export async function deleteTimeline(tx: Tx, recordType: string, recordId: string): Promise<void> {
  const { timelineNotes, timelineTasks } = tables
  await tx
    .delete(timelineNotes)
    .where(and(eq(timelineNotes.recordType, recordType), eq(timelineNotes.recordId, recordId)))
  await tx
    .delete(timelineTasks)
    .where(and(eq(timelineTasks.recordType, recordType), eq(timelineTasks.recordId, recordId)))
}

/**
 * Notes and tasks on any record type that registers itself (`registerTimelineRecordType`), with its
 * activity from the audit log, and due-task reminder emails.
 */
export default defineModule({
  name: 'timeline',
  tables,
  permissions: timelinePermissions,
  ids: { note: 'timeline note', task: 'timeline task' },
  routes: registerTimelineRoutes,
  jobs: [
    job<Record<string, never>>(
      REMINDER_QUEUE,
      async (_data, kernel: Kernel) => {
        await sendDueReminders(kernel.database, kernel.jobs, kernel.config.appUrl)
      },
      { cron: '* * * * *', retryLimit: 1 },
    ),
  ],
  events: [
    subscribe('client.deleted', 'timeline.forget-client', async (e, kernel: Kernel) => {
      if (!e.workspaceId) return
      await withWorkspace({ db: kernel.database.db, workspaceId: e.workspaceId }, (tx) =>
        deleteTimeline(tx, 'client', e.payload.clientId),
      )
    }),
  ],
})

export { registerTimelineRecordType, type TimelineRecordType } from './record-types.ts'
