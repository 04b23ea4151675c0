import { sql } from 'drizzle-orm'
import { index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { users } from '../../kernel/auth/schema.ts'
import { workspaces } from '../../kernel/tenancy/schema.ts'

/**
 * One notification for one member in one workspace. Title and summary are rendered from `payload` by
 * the type's definition when read. `dedupe_key` makes `notify` idempotent (event handlers run at least
 * once). `email_status`: null when no email is due, `pending` until a delivery run sends it, then `sent`;
 * `skipped` when the rule said no (read before, user online).
 */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    recipientId: uuid('recipient_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    link: text('link'),
    dedupeKey: text('dedupe_key').notNull(),
    readAt: timestamp('read_at', { withTimezone: true, precision: 3 }),
    emailStatus: text('email_status', { enum: ['pending', 'sent', 'skipped'] }),
    emailedAt: timestamp('emailed_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('notifications_recipient_created_idx').on(t.workspaceId, t.recipientId, t.createdAt, t.id),
    index('notifications_unread_idx')
      .on(t.workspaceId, t.recipientId, t.createdAt)
      .where(sql`${t.readAt} is null`),
    index('notifications_email_pending_idx')
      .on(t.workspaceId, t.recipientId)
      .where(sql`${t.emailStatus} = 'pending'`),
    uniqueIndex('notifications_dedupe_idx').on(t.workspaceId, t.recipientId, t.type, t.dedupeKey),
  ],
)

/**
 * A member's notification settings in one workspace: `channels` holds only what differs from each
 * type's defaults (`{ "mention": { "email": false } }`); `digest` says when email goes out.
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    channels: jsonb('channels').notNull().default({}),
    digest: text('digest', { enum: ['immediately', 'hourly', 'daily'] })
      .notNull()
      .default('immediately'),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] })],
)

/** A browser's Web Push subscription (one per device and workspace). */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: text('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('push_subscriptions_endpoint_idx').on(t.workspaceId, t.endpoint),
    index('push_subscriptions_user_idx').on(t.workspaceId, t.userId),
  ],
)
