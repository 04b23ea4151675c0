import { sql } from 'drizzle-orm'
import type { LimitKey } from '../../../../contracts/billing.ts'
import type { Executor } from '../../kernel/db/index.ts'
import { type MeterDefinition, periodOf } from '../../kernel/entitlements/index.ts'

/** API calls this month (UTC), from `usage_counters`, against the plan's `apiCallsPerMonth`. */
export const apiCallsMeter: MeterDefinition = {
  key: 'apiCallsPerMonth',
  label: 'API calls this month',
  async count(tx, workspaceId) {
    const r = await tx.execute(
      sql`select coalesce(sum(value), 0)::bigint as n from usage_counters
           where workspace_id = ${workspaceId} and meter = 'apiCallsPerMonth' and period = ${periodOf()}`,
    )
    return Number((r.rows[0] as { n: number | string } | undefined)?.n ?? 0)
  },
}

/**
 * Adds counted usage for many workspaces in one upsert, as the owner (`usage_counters` has row-level
 * security enabled, not forced), so a second's API calls cost one statement whatever the workspaces.
 */
export async function addUsage(
  db: Executor,
  rows: { workspaceId: string; meter: LimitKey; period: string; value: number }[],
): Promise<void> {
  if (!rows.length) return
  await db.execute(sql`
    insert into usage_counters (workspace_id, meter, period, value)
    select r.workspace_id, r.meter, r.period, r.value
      from jsonb_to_recordset(${JSON.stringify(
        rows.map((r) => ({ workspace_id: r.workspaceId, meter: r.meter, period: r.period, value: r.value })),
      )}::jsonb) as r(workspace_id uuid, meter text, period text, value bigint)
      join workspaces w on w.id = r.workspace_id
    on conflict (workspace_id, meter, period) do update set value = usage_counters.value + excluded.value`)
}
