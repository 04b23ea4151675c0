import { and, eq, sql } from 'drizzle-orm'
import type { DashboardLayout, DashboardWidgetPlacement } from '../../../../contracts/preferences.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { userPreferences } from './schema.ts'

const DASHBOARD = 'dashboard'

/**
 * Preferences belong to the signed-in member in the active workspace: every query is scoped to both,
 * and row-level security keeps other workspaces' rows out of reach. They are personal display settings,
 * not workspace data, so they are not written to the workspace's audit log.
 */
export async function getDashboardLayout(ctx: ServiceContext): Promise<DashboardLayout> {
  return withWorkspace(ctx, async (tx) => {
    const [row] = await tx
      .select({ value: userPreferences.value, updatedAt: userPreferences.updatedAt })
      .from(userPreferences)
      .where(
        and(
          eq(userPreferences.workspaceId, ctx.workspaceId),
          eq(userPreferences.userId, ctx.actor.userId),
          eq(userPreferences.key, DASHBOARD),
        ),
      )
    if (!row) return { widgets: [], updatedAt: null }
    const value = row.value as { widgets?: DashboardWidgetPlacement[] }
    return { widgets: value.widgets ?? [], updatedAt: row.updatedAt.toISOString() }
  })
}

export async function saveDashboardLayout(
  ctx: ServiceContext,
  input: { widgets: DashboardWidgetPlacement[] },
): Promise<DashboardLayout> {
  const value = { widgets: input.widgets.map(({ id, hidden }) => ({ id, hidden })) }
  return withWorkspace(ctx, async (tx) => {
    const [row] = await tx
      .insert(userPreferences)
      .values({ workspaceId: ctx.workspaceId, userId: ctx.actor.userId, key: DASHBOARD, value })
      .onConflictDoUpdate({
        target: [userPreferences.workspaceId, userPreferences.userId, userPreferences.key],
        set: { value, updatedAt: sql`now()` },
      })
      .returning({ updatedAt: userPreferences.updatedAt })
    return { widgets: value.widgets, updatedAt: row!.updatedAt.toISOString() }
  })
}
