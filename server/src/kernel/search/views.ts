import { and, asc, count, eq } from 'drizzle-orm'
import { assertCan, type Permission } from '../access/index.ts'
import { record } from '../audit/index.ts'
import { newId } from '../db/ids.ts'
import type { ServiceContext } from '../http/context.ts'
import { problems } from '../http/problem.ts'
import { withWorkspace } from '../tenancy/index.ts'
import { savedViews } from './views.schema.ts'

/** The most saved views one user keeps of one record type. */
export const MAX_SAVED_VIEWS = 50

type Row = typeof savedViews.$inferSelect

export type SavedViewInput<D> = { name: string; query: Record<string, string>; display: D }

/**
 * Saved views of one record type's list: `savedViewsOf({ recordType: 'invoice', readPermission:
 * 'invoices:read', auditTarget: 'invoice_view' })` gives the list, create and delete a module's routes
 * call. Views are private to the user who saved them (another user's id answers 404); the cursor is
 * never saved; creating and deleting are audited as `<auditTarget>.created` / `.deleted`.
 */
export function savedViewsOf<D extends object>(spec: {
  recordType: string
  readPermission: Permission
  auditTarget: string
}) {
  const mine = (ctx: ServiceContext) =>
    and(eq(savedViews.userId, ctx.actor.userId), eq(savedViews.recordType, spec.recordType))
  const serialize = (v: Row) => ({
    id: v.id,
    name: v.name,
    query: v.query,
    display: v.display as D,
    createdAt: v.createdAt.toISOString(),
  })
  return {
    async list(ctx: ServiceContext) {
      assertCan(ctx.actor, spec.readPermission)
      return withWorkspace(ctx, async (tx) => {
        const rows = await tx
          .select()
          .from(savedViews)
          .where(mine(ctx))
          .orderBy(asc(savedViews.createdAt), asc(savedViews.id))
        return { data: rows.map(serialize) }
      })
    },

    async create(ctx: ServiceContext, input: SavedViewInput<D>) {
      assertCan(ctx.actor, spec.readPermission)
      const query = Object.fromEntries(Object.entries(input.query).filter(([k]) => k !== 'cursor'))
      return withWorkspace(ctx, async (tx) => {
        const [n] = await tx.select({ n: count() }).from(savedViews).where(mine(ctx))
        if (Number(n?.n ?? 0) >= MAX_SAVED_VIEWS)
          throw problems.conflict(`You have ${MAX_SAVED_VIEWS} saved views: delete one first.`)
        const [row] = await tx
          .insert(savedViews)
          .values({
            id: newId('view'),
            workspaceId: ctx.workspaceId,
            userId: ctx.actor.userId,
            recordType: spec.recordType,
            name: input.name,
            query,
            display: input.display as Record<string, unknown>,
          })
          .returning()
        const v = row as Row
        await record(tx, ctx.workspaceId, ctx.meta, {
          action: `${spec.auditTarget}.created`,
          targetType: spec.auditTarget,
          targetId: v.id,
          targetLabel: v.name,
          after: { name: v.name, query: v.query, display: v.display },
        })
        return serialize(v)
      })
    },

    async remove(ctx: ServiceContext, id: string) {
      assertCan(ctx.actor, spec.readPermission)
      return withWorkspace(ctx, async (tx) => {
        const [v] = await tx
          .delete(savedViews)
          .where(and(eq(savedViews.id, id), mine(ctx)))
          .returning({ id: savedViews.id, name: savedViews.name, query: savedViews.query })
        if (!v) throw problems.notFound('View')
        await record(tx, ctx.workspaceId, ctx.meta, {
          action: `${spec.auditTarget}.deleted`,
          targetType: spec.auditTarget,
          targetId: v.id,
          targetLabel: v.name,
          before: { name: v.name, query: v.query },
        })
      })
    },
  }
}
