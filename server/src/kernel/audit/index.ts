import { eq } from 'drizzle-orm'
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

/** Writes several entries in one statement (bulk actions), like `record`. */
export async function recordMany(
  tx: Tx,
  workspaceId: string,
  meta: AuditMeta,
  entries: AuditEntry[],
): Promise<void> {
  for (let i = 0; i < entries.length; i += 1000)
    await tx.insert(auditLogs).values(entries.slice(i, i + 1000).map((e) => row(workspaceId, meta, e)))
}

function row(workspaceId: string, meta: AuditMeta, entry: AuditEntry) {
  const d = diff(entry.before, entry.after)
  return {
    workspaceId,
    actorId: meta.actorId,
    actorLabel: meta.actorLabel,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    targetLabel: entry.targetLabel,
    before: d.before,
    after: d.after,
    ipAddress: meta.ipAddress,
    userAgent: meta.userAgent,
    requestId: meta.requestId,
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
