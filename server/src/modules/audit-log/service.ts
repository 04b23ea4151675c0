import { and, desc, eq, gte, ilike, lt, lte, or, type SQL } from 'drizzle-orm'
import { assertCan } from '../../kernel/access/index.ts'
import { auditLogs } from '../../kernel/audit/index.ts'
import { users } from '../../kernel/auth/schema.ts'
import type { WorkspaceContext } from '../../kernel/http/context.ts'
import { decodeCursor, page } from '../../kernel/http/pagination.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'

export type AuditFilter = { actorId?: string; action?: string; from?: string; to?: string }

const endOfDay = (d: string) => (d.length === 10 ? new Date(`${d}T23:59:59.999Z`) : new Date(d))

function where(f: AuditFilter, cursor?: { t: string; id: string }): SQL | undefined {
  const parts: (SQL | undefined)[] = []
  if (f.actorId) parts.push(eq(auditLogs.actorId, f.actorId))
  if (f.action) {
    const escaped = f.action.replace(/[\\%_]/g, (c) => `\\${c}`)
    parts.push(ilike(auditLogs.action, `${escaped}%`))
  }
  if (f.from) parts.push(gte(auditLogs.createdAt, new Date(f.from)))
  if (f.to) parts.push(lte(auditLogs.createdAt, endOfDay(f.to)))
  if (cursor)
    parts.push(
      or(
        lt(auditLogs.createdAt, new Date(cursor.t)),
        and(eq(auditLogs.createdAt, new Date(cursor.t)), lt(auditLogs.id, cursor.id)),
      ),
    )
  return parts.length ? and(...parts) : undefined
}

type Row = typeof auditLogs.$inferSelect & { actorName: string | null }

const serialize = (r: Row) => ({
  id: r.id,
  actor: r.actorId ? { id: r.actorId, name: r.actorName, email: r.actorLabel } : null,
  action: r.action,
  targetType: r.targetType,
  targetId: r.targetId,
  targetLabel: r.targetLabel,
  ipAddress: r.ipAddress,
  userAgent: r.userAgent,
  changes: {
    before: (r.before as Record<string, unknown> | null) ?? null,
    after: (r.after as Record<string, unknown> | null) ?? null,
  },
  createdAt: r.createdAt.toISOString(),
})

async function fetchPage(
  ctx: WorkspaceContext,
  f: AuditFilter,
  limit: number,
  cursor?: { t: string; id: string },
) {
  return withWorkspace(ctx, async (tx) => {
    const rows = await tx
      .select({ log: auditLogs, actorName: users.name })
      .from(auditLogs)
      .leftJoin(users, eq(users.id, auditLogs.actorId))
      .where(where(f, cursor))
      .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
      .limit(limit + 1)
    return page(
      rows.map((r) => ({ ...r.log, actorName: r.actorName })),
      limit,
    )
  })
}

export async function listAuditLogs(
  ctx: WorkspaceContext,
  q: AuditFilter & { limit: number; cursor?: string },
) {
  assertCan(ctx.actor, 'audit:read')
  const p = await fetchPage(ctx, q, q.limit, decodeCursor(q.cursor))
  return { data: p.data.map(serialize), nextCursor: p.nextCursor }
}

/** Yields every matching entry, newest first, a page at a time, so exports stream in constant memory. */
export async function* iterateAuditLogs(ctx: WorkspaceContext, f: AuditFilter) {
  assertCan(ctx.actor, 'audit:read')
  let cursor: { t: string; id: string } | undefined
  for (;;) {
    const p = await fetchPage(ctx, f, 500, cursor)
    for (const r of p.data) yield serialize(r)
    if (!p.nextCursor) return
    cursor = decodeCursor(p.nextCursor)
  }
}
