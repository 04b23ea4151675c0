import { eq, inArray, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type { BulkActionSchema } from '../../../../contracts/clients.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { type AuditEntry, recordMany } from '../../kernel/audit/index.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { memberships, withWorkspace } from '../../kernel/tenancy/index.ts'
import { filterConditions, SEARCH_LIMIT, searchFrom } from './query.ts'
import { clients, contacts } from './schema.ts'
import {
  auditView,
  type ClientDeps,
  countMatching,
  loadFieldDefs,
  searchTextOf,
  statusChange,
  visibleTo,
  writeFacets,
} from './service.ts'

export type BulkInput = z.output<typeof BulkActionSchema>
type ClientRecord = typeof clients.$inferSelect

const BATCH = 1000

function required<T>(value: T | undefined, field: string, action: string): T {
  if (value === undefined) throw problems.validation([{ field, message: `is required for ${action}` }])
  return value
}

/** The new state of one client under the action, or null when it would not change. */
function apply(c: ClientRecord, input: BulkInput, now: Date): Partial<ClientRecord> | null {
  switch (input.action) {
    case 'tag': {
      const tags = [...new Set([...c.tags, ...(input.tags ?? [])])]
      return tags.length === c.tags.length ? null : { tags }
    }
    case 'untag': {
      const tags = c.tags.filter((t) => !input.tags?.includes(t))
      return tags.length === c.tags.length ? null : { tags }
    }
    case 'assign':
      return c.assigneeIds.includes(input.userId as string)
        ? null
        : { assigneeIds: [...c.assigneeIds, input.userId as string] }
    case 'unassign':
      return c.assigneeIds.includes(input.userId as string)
        ? { assigneeIds: c.assigneeIds.filter((a) => a !== input.userId) }
        : null
    case 'status':
    case 'archive':
    case 'restore': {
      const status =
        input.action === 'archive'
          ? 'archived'
          : input.action === 'restore'
            ? c.status === 'archived'
              ? (c.statusBeforeArchive ?? 'active')
              : c.status
            : (input.status as ClientRecord['status'])
      return status === c.status ? null : statusChange(c, status, now)
    }
    default:
      return null
  }
}

const auditAction: Record<BulkInput['action'], string> = {
  tag: 'client.updated',
  untag: 'client.updated',
  assign: 'client.updated',
  unassign: 'client.updated',
  status: 'client.updated',
  archive: 'client.archived',
  restore: 'client.restored',
  delete: 'client.deleted',
}

/**
 * Applies one action to a selection (ids) or to every client matching a view's filter, in one
 * transaction, a thousand clients at a time. Each changed client gets its own audit entry and event.
 */
export async function bulkAction(deps: ClientDeps, ctx: ServiceContext, input: BulkInput) {
  assertCan(ctx.actor, input.action === 'delete' ? 'clients:delete' : 'clients:write')
  if (!input.ids === !input.filter)
    throw problems.validation([{ field: 'ids', message: 'give either ids or filter' }])
  if (input.action === 'tag' || input.action === 'untag') required(input.tags, 'tags', input.action)
  if (input.action === 'assign' || input.action === 'unassign') required(input.userId, 'userId', input.action)
  if (input.action === 'status') required(input.status, 'status', input.action)

  return withWorkspace(ctx, async (tx) => {
    if (input.action === 'assign') {
      const [m] = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(eq(memberships.userId, input.userId as string))
      if (!m) throw problems.validation([{ field: 'userId', message: 'is not a member of this workspace' }])
    }
    const defs = await loadFieldDefs(tx)
    const filter = input.filter ?? {}
    if (input.filter && input.expectedCount !== undefined) {
      const count = await countMatching(tx, ctx, filter)
      if (count !== input.expectedCount)
        throw problems.conflict(
          `The view now matches ${count} clients, not ${input.expectedCount}: review it and try again.`,
          'expectedCount',
        )
    }
    const { conditions, search } = input.ids
      ? {
          conditions: [
            sql`c.id in (${sql.join(
              input.ids.map((i) => sql`${i}`),
              sql`, `,
            )})`,
          ],
          search: null,
        }
      : filterConditions(ctx, filter, defs)
    const vis = input.ids ? visibleTo(ctx) : undefined
    if (vis) conditions.push(vis)
    const from = searchFrom(search, SEARCH_LIMIT)

    let affected = 0
    let after = ''
    for (;;) {
      const where = [...conditions, sql`c.id > ${after}`]
      const r = await tx.execute(
        sql`select c.id from ${from} where ${sql.join(where, sql` and `)} order by c.id limit ${BATCH}`,
      )
      const ids = (r as unknown as { rows: { id: string }[] }).rows.map((x) => x.id)
      if (!ids.length) break
      after = ids[ids.length - 1] as string
      affected += await applyBatch(tx, deps, ctx, input, ids, defs)
      if (ids.length < BATCH) break
    }
    return { affected }
  })
}

async function applyBatch(
  tx: Tx,
  deps: ClientDeps,
  ctx: ServiceContext,
  input: BulkInput,
  ids: string[],
  defs: Awaited<ReturnType<typeof loadFieldDefs>>,
): Promise<number> {
  const rows = await tx.select().from(clients).where(inArray(clients.id, ids)).for('update')
  const audit: AuditEntry[] = []
  if (input.action === 'delete') {
    await tx.delete(clients).where(inArray(clients.id, ids))
    for (const c of rows)
      audit.push({
        action: 'client.deleted',
        targetType: 'client',
        targetId: c.id,
        targetLabel: c.name,
        before: auditView(c),
      })
    await recordMany(tx, ctx.workspaceId, ctx.meta, audit)
    await deps.events.emitMany(
      tx,
      'client.deleted',
      ctx.workspaceId,
      rows.map((c) => ({ clientId: c.id, name: c.name })),
    )
    return rows.length
  }
  const now = new Date()
  const changed: ClientRecord[] = []
  for (const c of rows) {
    const change = apply(c, input, now)
    if (!change) continue
    const next = { ...c, ...change, updatedAt: now }
    changed.push(next)
    const keys = Object.keys(change).filter((k) => k !== 'archivedAt' && k !== 'statusBeforeArchive')
    audit.push({
      action: auditAction[input.action],
      targetType: 'client',
      targetId: c.id,
      targetLabel: c.name,
      before: Object.fromEntries(keys.map((k) => [k, c[k as keyof ClientRecord]])),
      after: Object.fromEntries(keys.map((k) => [k, next[k as keyof ClientRecord]])),
    })
  }
  if (!changed.length) return 0
  if (input.action === 'tag' || input.action === 'untag') {
    const list = await tx
      .select({ clientId: contacts.clientId, name: contacts.name, email: contacts.email })
      .from(contacts)
      .where(
        inArray(
          contacts.clientId,
          changed.map((c) => c.id),
        ),
      )
    for (const c of changed)
      c.searchText = searchTextOf(
        c,
        list.filter((k) => k.clientId === c.id),
        defs,
      )
  }
  const payload = JSON.stringify(
    changed.map((c) => ({
      id: c.id,
      tags: c.tags,
      assignee_ids: c.assigneeIds,
      status: c.status,
      status_before_archive: c.statusBeforeArchive,
      archived_at: c.archivedAt,
      search_text: c.searchText,
    })),
  )
  await tx.execute(sql`update clients c set
      tags = array(select jsonb_array_elements_text(v.tags)),
      assignee_ids = array(select jsonb_array_elements_text(v.assignee_ids))::uuid[],
      status = v.status, status_before_archive = v.status_before_archive, archived_at = v.archived_at,
      search_text = v.search_text, updated_at = ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${payload}::jsonb) as v(id text, tags jsonb, assignee_ids jsonb, status text,
      status_before_archive text, archived_at timestamptz, search_text text)
    where c.id = v.id`)
  if (input.action !== 'status' && input.action !== 'archive' && input.action !== 'restore')
    await writeFacets(tx, changed, defs)
  await recordMany(tx, ctx.workspaceId, ctx.meta, audit)
  const event =
    input.action === 'archive'
      ? 'client.archived'
      : input.action === 'restore'
        ? 'client.restored'
        : 'client.updated'
  await deps.events.emitMany(
    tx,
    event,
    ctx.workspaceId,
    changed.map((c) => ({ clientId: c.id })),
  )
  return changed.length
}
