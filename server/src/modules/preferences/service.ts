import { and, eq, sql } from 'drizzle-orm'
import type { DashboardLayout, DashboardWidgetPlacement } from '../../../../contracts/preferences.ts'
import { record } from '../../kernel/audit/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { userPreferences } from './schema.ts'

const DASHBOARD = 'dashboard'

/**
 * Preferences belong to the signed-in member in the active workspace: every query is scoped to both,
 * and row-level security keeps other workspaces' rows out of reach.
 */
const mine = (ctx: ServiceContext) =>
  and(
    eq(userPreferences.workspaceId, ctx.workspaceId),
    eq(userPreferences.userId, ctx.actor.userId),
    eq(userPreferences.key, DASHBOARD),
  )

/** The caller's layout; an empty list means the default. */
export async function getDashboardLayout(ctx: ServiceContext): Promise<DashboardLayout> {
  return withWorkspace(ctx, async (tx) => {
    const [row] = await tx
      .select({ value: userPreferences.value, updatedAt: userPreferences.updatedAt })
      .from(userPreferences)
      .where(mine(ctx))
    if (!row) return { widgets: [], updatedAt: null }
    const value = row.value as { widgets?: DashboardWidgetPlacement[] }
    return { widgets: value.widgets ?? [], updatedAt: row.updatedAt.toISOString() }
  })
}

/** Replaces the caller's layout; a change is audited (`preferences.dashboard_updated`) in the same transaction. */
export async function saveDashboardLayout(
  ctx: ServiceContext,
  input: { widgets: DashboardWidgetPlacement[] },
): Promise<DashboardLayout> {
  const value = { widgets: input.widgets.map(({ id, hidden }) => ({ id, hidden })) }
  return withWorkspace(ctx, async (tx) => {
    const [previous] = await tx
      .select({ value: userPreferences.value })
      .from(userPreferences)
      .where(mine(ctx))
      .for('update')
    const [row] = await tx
      .insert(userPreferences)
      .values({ workspaceId: ctx.workspaceId, userId: ctx.actor.userId, key: DASHBOARD, value })
      .onConflictDoUpdate({
        target: [userPreferences.workspaceId, userPreferences.userId, userPreferences.key],
        set: { value, updatedAt: sql`now()` },
      })
      .returning({ updatedAt: userPreferences.updatedAt })
    const before = previous ? { widgets: (previous.value as typeof value).widgets ?? [] } : null
    if (JSON.stringify(before) !== JSON.stringify(value))
      await record(tx, ctx.workspaceId, ctx.meta, {
        action: 'preferences.dashboard_updated',
        targetType: 'user_preference',
        targetId: DASHBOARD,
        targetLabel: 'Dashboard layout',
        before,
        after: value,
      })
    return { widgets: value.widgets, updatedAt: row!.updatedAt.toISOString() }
  })
}
