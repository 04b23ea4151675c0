import { sql } from 'drizzle-orm'
import { boolean, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { customFieldTypes } from '../../../../contracts/client-values.ts'
import { workspaces } from '../../kernel/tenancy/schema.ts'

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 })

/** The fields a workspace adds to a record type (`entity`: `client`, later `invoice`, `ticket`). */
export const customFields = pgTable(
  'custom_fields',
  {
    id: text('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The record type the field belongs to. */
    entity: text('entity').notNull().default('client'),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: text('type', { enum: customFieldTypes }).notNull(),
    required: boolean('required').notNull().default(false),
    defaultValue: jsonb('default_value'),
    options: text('options').array().notNull().default(sql`'{}'::text[]`),
    currency: text('currency'),
    position: integer('position').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('custom_fields_ws_entity_key_idx').on(t.workspaceId, t.entity, t.key)],
)
