import { eq, inArray, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type { BulkActionSchema } from '../../../../contracts/clients.ts'
import { assertCan } from '../../kernel/access/index.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { memberships, withWorkspace } from '../../kernel/tenancy/index.ts'
import {
  applyClientChanges,
  type ChangeScope,
  type ClientChange,
  type ClientPatch,
  type ClientRecord,
  restoredStatus,
  statusChange,
} from './change.ts'
import { filterConditions, SEARCH_LIMIT, searchFrom } from './query.ts'
import { clients } from './schema.ts'
import { type ClientDeps, countMatching, loadFieldDefs, visibleTo } from './service.ts'

export type BulkInput = z.output<typeof BulkActionSchema>

const BATCH = 1000

function required<T>(value: T | undefined, field: string, action: string): T {
  if (value === undefined) throw problems.validation([{ field, message: `is required for ${action}` }])
  return value
}

/** What the action changes on one client, or null when it would not change it. */
function patchFor(c: ClientRecord, input: BulkInput, now: Date): ClientPatch | null {
  switch (input.action) {
    case 'tag':
      return { tags: [...c.tags, ...(input.tags ?? [])] }
    case 'untag':
      return { tags: c.tags.filter((t) => !input.tags?.includes(t)) }
    case 'assign':
      return { assigneeIds: [...c.assigneeIds, input.userId as string] }
    case 'unassign':
      return { assigneeIds: c.assigneeIds.filter((a) => a !== input.userId) }
    case 'setOwner':
      return { ownerId: input.userId ?? null }
    case 'status':
      return statusChange(c, input.status as ClientRecord['status'], now)
    case 'archive':
      return statusChange(c, 'archived', now)
    case 'restore':
      return statusChange(c, restoredStatus(c), now)
    default:
      return null
  }
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
  if (input.action === 'assign' || input.action === 'unassign')
    required(input.userId ?? undefined, 'userId', input.action)
  if (input.action === 'setOwner') required(input.userId, 'userId', input.action)
  if (input.action === 'status') required(input.status, 'status', input.action)

  return withWorkspace(ctx, async (tx) => {
    if ((input.action === 'assign' || input.action === 'setOwner') && input.userId) {
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
      affected += await applyBatch(tx, { ...ctx, events: deps.events }, input, ids)
      if (ids.length < BATCH) break
    }
    return { affected }
  })
}

/** One batch of the action, through the clients' one write path. */
async function applyBatch(tx: Tx, scope: ChangeScope, input: BulkInput, ids: string[]): Promise<number> {
  const rows = await tx.select().from(clients).where(inArray(clients.id, ids)).for('update')
  const now = new Date()
  const changes: ClientChange[] =
    input.action === 'delete'
      ? rows.map((before) => ({ kind: 'delete', before }))
      : rows.flatMap((before) => {
          const patch = patchFor(before, input, now)
          return patch ? [{ kind: 'update' as const, before, patch }] : []
        })
  const r = await applyClientChanges(tx, scope, changes)
  return r.updated.length + r.deleted.length
}
