import { and, asc, eq } from 'drizzle-orm'
import { assertCan } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { clientViews } from './schema.ts'

type View = typeof clientViews.$inferSelect

const serialize = (v: View) => ({
  id: v.id,
  name: v.name,
  query: v.query,
  display: v.display,
  createdAt: v.createdAt.toISOString(),
})

/** Saved views belong to one user in one workspace: nobody else sees or deletes them. */
export async function listViews(ctx: ServiceContext) {
  assertCan(ctx.actor, 'clients:read')
  return withWorkspace(ctx, async (tx) => {
    const rows = await tx
      .select()
      .from(clientViews)
      .where(eq(clientViews.userId, ctx.actor.userId))
      .orderBy(asc(clientViews.createdAt))
    return { data: rows.map(serialize) }
  })
}

export async function createView(
  ctx: ServiceContext,
  input: { name: string; query: Record<string, string>; display: View['display'] },
) {
  assertCan(ctx.actor, 'clients:read')
  const query = Object.fromEntries(Object.entries(input.query).filter(([k]) => k !== 'cursor'))
  return withWorkspace(ctx, async (tx) => {
    const existing = await tx
      .select({ id: clientViews.id })
      .from(clientViews)
      .where(eq(clientViews.userId, ctx.actor.userId))
    if (existing.length >= 50) throw problems.conflict('You have 50 saved views: delete one first.')
    const [row] = await tx
      .insert(clientViews)
      .values({
        id: newId('view'),
        workspaceId: ctx.workspaceId,
        userId: ctx.actor.userId,
        name: input.name,
        query,
        display: input.display,
      })
      .returning()
    const v = row as View
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'client_view.created',
      targetType: 'client_view',
      targetId: v.id,
      targetLabel: v.name,
      after: { name: v.name, query: v.query, display: v.display },
    })
    return serialize(v)
  })
}

export async function deleteView(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'clients:read')
  return withWorkspace(ctx, async (tx) => {
    const gone = await tx
      .delete(clientViews)
      .where(and(eq(clientViews.id, id), eq(clientViews.userId, ctx.actor.userId)))
      .returning({ id: clientViews.id, name: clientViews.name, query: clientViews.query })
    const v = gone[0]
    if (!v) throw problems.notFound('View')
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'client_view.deleted',
      targetType: 'client_view',
      targetId: v.id,
      targetLabel: v.name,
      before: { name: v.name, query: v.query },
    })
  })
}
