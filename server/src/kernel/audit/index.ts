import { eq, sql } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import type { Tx } from '../db/index.ts'
import { enterWorkspace, memberships } from '../tenancy/index.ts'
import { auditLogs } from './schema.ts'

export type AuditMeta = {
  actorId: string | null
  actorLabel: string | null
  ipAddress: string | null
  userAgent: string | null
  requestId: string | null
}

export type AuditEntry = {
  action: string
  targetType?: string
  targetId?: string
  targetLabel?: string
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
}

/** Keeps only the fields that changed, so each entry shows a readable before/after diff. */
export function diff(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): { before: Record<string, unknown> | null; after: Record<string, unknown> | null } {
  if (!before || !after) return { before: before ?? null, after: after ?? null }
  const b: Record<string, unknown> = {}
  const a: Record<string, unknown> = {}
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key] ?? null
      a[key] = after[key] ?? null
    }
  }
  return { before: b, after: a }
}

/**
 * Writes an audit entry in the caller's transaction, which must already be scoped to the workspace
 * (withWorkspace): the row commits or rolls back with the change it describes.
 */
export async function record(tx: Tx, workspaceId: string, meta: AuditMeta, entry: AuditEntry): Promise<void> {
  await recordMany(tx, workspaceId, meta, [entry])
}

/** Entries per statement: each is one JSON parameter, read with `jsonb_to_recordset`. */
const CHUNK = 5000

/**
 * Writes several entries in one statement (bulk actions, imports), like `record`. The entries travel as
 * one JSON parameter: thousands of rows cost one parse and one plan, and no per-row query objects.
 * Ids are UUIDv7 made here, in order, so entries of one transaction keep the order they were given in.
 */
export async function recordMany(
  tx: Tx,
  workspaceId: string,
  meta: AuditMeta,
  entries: AuditEntry[],
): Promise<void> {
  for (let i = 0; i < entries.length; i += CHUNK) {
    const rows = entries.slice(i, i + CHUNK).map((e) => {
      const d = diff(e.before, e.after)
      return {
        id: uuidv7(),
        action: e.action,
        target_type: e.targetType ?? null,
        target_id: e.targetId ?? null,
        target_label: e.targetLabel ?? null,
        before: d.before,
        after: d.after,
      }
    })
    await tx.execute(sql`insert into audit_logs (id, workspace_id, actor_id, actor_label, action, target_type,
        target_id, target_label, before, after, ip_address, user_agent, request_id)
      select v.id, ${workspaceId}::uuid, ${meta.actorId}::uuid, ${meta.actorLabel}::text, v.action,
        v.target_type, v.target_id, v.target_label, v.before, v.after, ${meta.ipAddress}::text,
        ${meta.userAgent}::text, ${meta.requestId}::text
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, action text, target_type text,
        target_id text, target_label text, before jsonb, after jsonb)`)
  }
}

/**
 * Writes one entry about a user into every workspace they belong to, so each tenant sees its members'
 * security events. It switches the transaction into each workspace in turn: call it last.
 */
export async function recordForUser(
  tx: Tx,
  meta: AuditMeta,
  user: { id: string; email: string },
  entry: Omit<AuditEntry, 'targetType' | 'targetId' | 'targetLabel'>,
): Promise<void> {
  const rows = await tx
    .select({ workspaceId: memberships.workspaceId })
    .from(memberships)
    .where(eq(memberships.userId, user.id))
  for (const { workspaceId } of rows) {
    await enterWorkspace(tx, workspaceId)
    await record(tx, workspaceId, meta, {
      ...entry,
      targetType: 'user',
      targetId: user.id,
      targetLabel: user.email,
    })
  }
}

export { auditLogs }
