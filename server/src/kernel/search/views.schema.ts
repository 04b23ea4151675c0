import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from '../auth/schema.ts'
import { workspaces } from '../tenancy/schema.ts'

/**
 * Saved views of any record type's list (`client`, `invoice`…): a name, the list's query parameters
 * and how it is shown. Each belongs to one user in one workspace.
 */
export const savedViews = pgTable(
  'saved_views',
  {
    id: text('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    recordType: text('record_type').notNull(),
    name: text('name').notNull(),
    query: jsonb('query').$type<Record<string, string>>().notNull(),
    display: jsonb('display').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('saved_views_user_idx').on(t.workspaceId, t.userId, t.recordType, t.createdAt)],
)
