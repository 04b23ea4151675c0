import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { assertCan } from '../../kernel/access/index.ts'
import { type AuditMeta, record } from '../../kernel/audit/index.ts'
import { setActiveWorkspace } from '../../kernel/auth/session.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { UserContext, WorkspaceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { enterWorkspace, memberships, withWorkspace, workspaces } from '../../kernel/tenancy/index.ts'

const isUniqueViolation = (err: unknown) =>
  (err as { code?: string })?.code === '23505' ||
  (err as { cause?: { code?: string } })?.cause?.code === '23505'

export const toWorkspace = (w: typeof workspaces.$inferSelect) => ({
  id: w.id,
  name: w.name,
  slug: w.slug,
  requireTwoFactor: w.requireTwoFactor,
  createdAt: w.createdAt.toISOString(),
})

/**
 * Creates a workspace with this user as its owner and audits both, inside the caller's transaction,
 * which ends scoped to the new workspace.
 */
export async function createOwnedWorkspace(
  tx: Tx,
  owner: { id: string; email: string },
  input: { id?: string; name: string; slug: string },
  meta: AuditMeta,
) {
  // A new tenant has no workspace scope yet: the row is created on the owner connection.
  const [ws] = await tx.insert(workspaces).values(input).returning()
  await enterWorkspace(tx, ws!.id)
  const [m] = await tx
    .insert(memberships)
    .values({ workspaceId: ws!.id, userId: owner.id, role: 'owner' })
    .returning()
  await record(tx, ws!.id, meta, {
    action: 'workspace.created',
    targetType: 'workspace',
    targetId: ws!.id,
    targetLabel: ws!.name,
    after: { name: ws!.name, slug: ws!.slug },
  })
  await record(tx, ws!.id, meta, {
    action: 'member.added',
    targetType: 'member',
    targetId: m!.id,
    targetLabel: owner.email,
    after: { role: 'owner' },
  })
  return ws!
}

/** Creates a workspace owned by the caller and makes it their active one. */
export async function createWorkspace(ctx: UserContext, input: { name: string; slug: string }) {
  const id = randomUUID()
  try {
    return await ctx.db.transaction(async (tx) => {
      await setActiveWorkspace(tx, ctx.auth.sessionId, id)
      return toWorkspace(await createOwnedWorkspace(tx, ctx.auth.user, { id, ...input }, ctx.meta))
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw problems.conflict('This slug is already taken.', 'slug')
    throw err
  }
}

export async function getWorkspace(ctx: WorkspaceContext) {
  return withWorkspace(ctx, async (tx) => {
    const [ws] = await tx.select().from(workspaces).where(eq(workspaces.id, ctx.workspaceId))
    if (!ws) throw problems.notFound('Workspace')
    return toWorkspace(ws)
  })
}

export async function updateWorkspace(
  ctx: WorkspaceContext,
  patch: { name?: string; slug?: string; requireTwoFactor?: boolean },
) {
  assertCan(ctx.actor, 'workspace:write')
  if (patch.requireTwoFactor !== undefined) {
    assertCan(ctx.actor, 'workspace:security')
    if (patch.requireTwoFactor && !ctx.auth.user.twoFactorEnabled)
      throw problems.badRequest(
        'Enable two-factor authentication on your own account first.',
        'requireTwoFactor',
      )
  }
  try {
    return await withWorkspace(ctx, async (tx) => {
      const [before] = await tx.select().from(workspaces).where(eq(workspaces.id, ctx.workspaceId))
      if (!before) throw problems.notFound('Workspace')
      const [after] = await tx
        .update(workspaces)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(workspaces.id, ctx.workspaceId))
        .returning()
      const pick = (w: typeof before) => ({
        name: w.name,
        slug: w.slug,
        requireTwoFactor: w.requireTwoFactor,
      })
      await record(tx, ctx.workspaceId, ctx.meta, {
        action: 'workspace.updated',
        targetType: 'workspace',
        targetId: ctx.workspaceId,
        targetLabel: after!.name,
        before: pick(before),
        after: pick(after!),
      })
      return toWorkspace(after!)
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw problems.conflict('This slug is already taken.', 'slug')
    throw err
  }
}
