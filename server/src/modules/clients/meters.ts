import { sql } from 'drizzle-orm'
import type { MeterDefinition } from '../../kernel/entitlements/index.ts'

/** Clients held by the workspace (archived ones too: they are stored data), against the plan's `clients`. */
export const clientsMeter: MeterDefinition = {
  key: 'clients',
  label: 'Clients',
  async count(tx, workspaceId) {
    const r = await tx.execute(
      sql`select count(*)::int as n from clients where workspace_id = ${workspaceId}`,
    )
    return Number((r.rows[0] as { n: number } | undefined)?.n ?? 0)
  },
}
