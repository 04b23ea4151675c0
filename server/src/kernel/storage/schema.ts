import { bigint, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from '../auth/schema.ts'
import { workspaces } from '../tenancy/schema.ts'

/**
 * Stored files' metadata; the bytes live with the storage driver under `storage_key`. A file may belong
 * to a record of any module (`record_type`, `record_id`, no foreign key): that module removes its files
 * when the record goes.
 */
export const files = pgTable(
  'files',
  {
    id: text('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    recordType: text('record_type'),
    recordId: text('record_id'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('files_workspace_created_idx').on(t.workspaceId, t.createdAt, t.id),
    index('files_record_idx').on(t.workspaceId, t.recordType, t.recordId, t.createdAt),
  ],
)

export type StoredFile = typeof files.$inferSelect
