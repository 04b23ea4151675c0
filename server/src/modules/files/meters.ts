import { sql } from 'drizzle-orm'
import type { MeterDefinition } from '../../kernel/entitlements/index.ts'

/** Bytes stored by the workspace (every file, attached or not), against the plan's `storageBytes`. */
export const storageMeter: MeterDefinition = {
  key: 'storageBytes',
  label: 'Storage',
  async count(tx, workspaceId) {
    const r = await tx.execute(
      sql`select coalesce(sum(size), 0)::bigint as n from files where workspace_id = ${workspaceId}`,
    )
    return Number((r.rows[0] as { n: number | string } | undefined)?.n ?? 0)
  },
}
