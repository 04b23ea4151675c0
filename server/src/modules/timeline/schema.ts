import { sql } from 'drizzle-orm'
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from '../../kernel/auth/schema.ts'
import { workspaces } from '../../kernel/tenancy/schema.ts'

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 })
const workspaceId = () =>
  uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' })

/**
 * Notes and tasks attach to any registered record type by (record_type, record_id), without a foreign
 * key: the record's module removes them through `deleteTimeline` when the record goes.
 */
export const timelineNotes = pgTable(
  'timeline_notes',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    recordType: text('record_type').notNull(),
    recordId: text('record_id').notNull(),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    editedAt: ts('edited_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('timeline_notes_record_idx').on(t.workspaceId, t.recordType, t.recordId, t.createdAt, t.id)],
)

export const timelineTasks = pgTable(
  'timeline_tasks',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    recordType: text('record_type').notNull(),
    recordId: text('record_id').notNull(),
    title: text('title').notNull(),
    dueAt: ts('due_at'),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    doneAt: ts('done_at'),
    doneBy: uuid('done_by').references(() => users.id, { onDelete: 'set null' }),
    /** Set when the due reminder is queued; cleared when the due time changes. */
    remindedAt: ts('reminded_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('timeline_tasks_record_idx').on(t.workspaceId, t.recordType, t.recordId, t.createdAt, t.id),
    index('timeline_tasks_assignee_due_idx').on(t.workspaceId, t.assigneeId, t.dueAt, t.id),
    // The reminder sweep reads only open, unreminded tasks with a due time.
    index('timeline_tasks_reminder_idx')
      .on(t.dueAt)
      .where(sql`done_at is null and reminded_at is null and due_at is not null`),
  ],
)
