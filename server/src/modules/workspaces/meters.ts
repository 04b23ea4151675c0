import { sql } from 'drizzle-orm'
import type { MeterDefinition } from '../../kernel/entitlements/index.ts'

/** Seats: the workspace's members and its pending invitations, against the plan's `seats`. */
export const seatsMeter: MeterDefinition = {
  key: 'seats',
  label: 'Seats',
  async count(tx, workspaceId) {
    const r = await tx.execute(
      sql`select (select count(*) from memberships where workspace_id = ${workspaceId})::int
               + (select count(*) from invitations
                   where workspace_id = ${workspaceId} and status = 'pending' and expires_at > now())::int as n`,
    )
    return Number((r.rows[0] as { n: number } | undefined)?.n ?? 0)
  },
}
