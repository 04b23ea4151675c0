import { sql } from 'drizzle-orm'
import { bigint, index, jsonb, pgSequence, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { workspaces } from '../tenancy/schema.ts'

/**
 * The cursor clients catch up from. It is given to an event when the event is dispatched (after its
 * transaction committed, one dispatcher at a time), not when it is written: insertion order is not
 * commit order, and a cursor handed out before an earlier-numbered transaction commits would skip it.
 */
export const realtimeCursor = pgSequence('realtime_cursor', { startWith: 1 })

/**
 * What changed, for the sockets that may see it: written in the same transaction as the change
 * (`publish`), dispatched after commit, kept for catch-up after a disconnect, pruned by a job.
 */
export const realtimeEvents = pgTable(
  'realtime_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Null until dispatched; then the monotonic cursor. */
    seq: bigint('seq', { mode: 'number' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** `workspace`, `user:<user id>`, or `<room kind>:<id>`. */
    room: text('room').notNull(),
    type: text('type').notNull(),
    /** Ids only: clients refetch the data through the API. */
    payload: jsonb('payload').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('realtime_events_workspace_seq_idx').on(t.workspaceId, t.seq),
    index('realtime_events_pending_idx').on(t.id).where(sql`seq is null`),
    index('realtime_events_created_idx').on(t.createdAt),
  ],
)

/** One row: the highest cursor pruned so far (older cursors cannot be caught up from). */
export const realtimePruned = pgTable('realtime_pruned', {
  id: text('id').primaryKey().default('realtime'),
  throughSeq: bigint('through_seq', { mode: 'number' }).notNull().default(0),
})
