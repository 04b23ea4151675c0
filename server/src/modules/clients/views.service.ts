import { and, asc, eq } from 'drizzle-orm'
import { assertCan } from '../../kernel/access/index.ts'
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
  input: { name: string; query: Record<string, string> },
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
      })
      .returning()
    return serialize(row as View)
  })
}

export async function deleteView(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'clients:read')
  return withWorkspace(ctx, async (tx) => {
    const gone = await tx
      .delete(clientViews)
      .where(and(eq(clientViews.id, id), eq(clientViews.userId, ctx.actor.userId)))
      .returning({ id: clientViews.id })
    if (!gone.length) throw problems.notFound('View')
  })
}
