import { sql } from 'drizzle-orm'
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import type { z } from 'zod'
import type { ViewDisplaySchema } from '../../../../contracts/clients.ts'
import { users } from '../../kernel/auth/schema.ts'
import { workspaces } from '../../kernel/tenancy/schema.ts'

type ViewDisplay = z.output<typeof ViewDisplaySchema>

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 })
const workspaceId = () =>
  uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' })

export type Address = {
  line1: string | null
  line2: string | null
  city: string | null
  region: string | null
  postalCode: string | null
  country: string | null
}

export const clients = pgTable(
  'clients',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    kind: text('kind', { enum: ['company', 'person'] }).notNull(),
    name: text('name').notNull(),
    /** lower(name), kept by PostgreSQL: the name sort and duplicate checks by name run on it. */
    sortName: text('sort_name').notNull().generatedAlwaysAs(sql`lower(name)`),
    legalName: text('legal_name'),
    email: text('email'),
    phone: text('phone'),
    website: text('website'),
    taxId: text('tax_id'),
    billingAddress: jsonb('billing_address').$type<Address>(),
    shippingAddress: jsonb('shipping_address').$type<Address>(),
    currency: text('currency'),
    language: text('language'),
    paymentTermsDays: integer('payment_terms_days'),
    status: text('status', { enum: ['lead', 'active', 'archived'] }).notNull(),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    assigneeIds: uuid('assignee_ids').array().notNull().default(sql`'{}'::uuid[]`),
    notes: text('notes').notNull().default(''),
    custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default({}),
    /** No longer written: search reads the search index (`kernel/search`). Dropped in the next release. */
    searchText: text('search_text').notNull().default(''),
    /** The status before archiving, restored by `restore`. */
    statusBeforeArchive: text('status_before_archive', { enum: ['lead', 'active'] }),
    archivedAt: ts('archived_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('clients_ws_created_idx').on(t.workspaceId, t.createdAt, t.id),
    index('clients_ws_updated_idx').on(t.workspaceId, t.updatedAt, t.id),
    index('clients_ws_name_idx').on(t.workspaceId, t.sortName, t.id),
    index('clients_ws_status_created_idx').on(t.workspaceId, t.status, t.createdAt, t.id),
    // The common "active clients by name" view: a status and the name order in one index range.
    index('clients_ws_status_name_idx').on(t.workspaceId, t.status, t.sortName, t.id),
    index('clients_ws_owner_created_idx').on(t.workspaceId, t.ownerId, t.createdAt, t.id),
    index('clients_ws_email_idx').on(t.workspaceId, t.email),
  ],
)

/**
 * One row per filterable value of a client: `tag`, `assignee`, `access` (owner and assignees: who may
 * see it) and `cf.<key>` for custom fields. Filters join it on text equality, which row-level security
 * lets the planner push into the index (array and jsonb operators are not leakproof, so it would not).
 */
export const clientFacets = pgTable(
  'client_facets',
  {
    workspaceId: uuid('workspace_id').notNull(),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.clientId, t.key, t.value] }),
    index('client_facets_lookup_idx').on(t.workspaceId, t.key, t.value, t.clientId),
  ],
)

export const contacts = pgTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    role: text('role'),
    isPrimary: boolean('is_primary').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('contacts_client_idx').on(t.clientId, t.createdAt),
    // A contact will sign in to the client portal with this address: one per workspace.
    uniqueIndex('contacts_ws_email_idx').on(t.workspaceId, t.email),
    uniqueIndex('contacts_primary_idx').on(t.clientId).where(sql`is_primary`),
  ],
)

export const clientViews = pgTable(
  'client_views',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    query: jsonb('query').$type<Record<string, string>>().notNull(),
    display: jsonb('display').$type<ViewDisplay>().notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('client_views_user_idx').on(t.workspaceId, t.userId, t.createdAt)],
)

export type ImportRowError = { row: number; field: string; message: string }

export const clientImports = pgTable(
  'client_imports',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    filename: text('filename').notNull(),
    /** The uploaded file, UTF-8, without BOM. */
    content: text('content').notNull(),
    fileHash: text('file_hash').notNull(),
    status: text('status', { enum: ['uploaded', 'checked', 'queued', 'running', 'completed', 'failed'] })
      .notNull()
      .default('uploaded'),
    headers: text('headers').array().notNull(),
    /** The first rows, for the mapping screen (the file itself is read only by check, run and report). */
    sample: jsonb('sample').$type<string[][]>().notNull().default([]),
    mapping: jsonb('mapping').$type<Record<string, string | null>>().notNull(),
    duplicates: text('duplicates', { enum: ['skip', 'update', 'create'] })
      .notNull()
      .default('skip'),
    totalRows: integer('total_rows').notNull(),
    processedRows: integer('processed_rows').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    errors: jsonb('errors').$type<ImportRowError[]>().notNull().default([]),
    createdAt: ts('created_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('client_imports_ws_created_idx').on(t.workspaceId, t.createdAt)],
)

/** A bulk action too large for one request, run by a job a thousand clients at a time. */
export const clientBulkRuns = pgTable(
  'client_bulk_runs',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** The action as it was asked for (`BulkActionSchema`). */
    input: jsonb('input').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['queued', 'running', 'completed', 'failed'] })
      .notNull()
      .default('queued'),
    total: integer('total').notNull(),
    processed: integer('processed').notNull().default(0),
    affected: integer('affected').notNull().default(0),
    /** The last client id done: a retry resumes after it. */
    after: text('after').notNull().default(''),
    createdAt: ts('created_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('client_bulk_runs_ws_created_idx').on(t.workspaceId, t.createdAt)],
)
