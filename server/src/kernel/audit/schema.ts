import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'

export const auditLogs = pgTable(
  'audit_logs',
  {
    // Time-ordered ids (UUIDv7) keep entries written in one transaction, which share a timestamp, in the
    // order they were written.
    id: uuid('id')
      .primaryKey()
      .defaultRandom()
      .$defaultFn(() => uuidv7()),
    workspaceId: uuid('workspace_id').notNull(),
    actorId: uuid('actor_id'),
    actorLabel: text('actor_label'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    targetLabel: text('target_label'),
    before: jsonb('before'),
    after: jsonb('after'),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    requestId: text('request_id'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_logs_workspace_created_idx').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index('audit_logs_workspace_actor_idx').on(t.workspaceId, t.actorId, t.createdAt.desc()),
    index('audit_logs_workspace_action_idx').on(t.workspaceId, t.action, t.createdAt.desc()),
    index('audit_logs_workspace_target_idx').on(t.workspaceId, t.targetType, t.targetId, t.createdAt.desc()),
  ],
)
