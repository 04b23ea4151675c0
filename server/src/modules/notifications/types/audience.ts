import { sql } from 'drizzle-orm'
import { can } from '../../../kernel/access/index.ts'
import type { Db } from '../../../kernel/db/index.ts'
import { withWorkspace } from '../../../kernel/tenancy/index.ts'
import { visibleClientCondition } from '../../clients/index.ts'

/**
 * The members of a workspace who may read `permission` records of this client: each member's role
 * must hold the permission, and a member who sees only their own clients must be its owner or one of
 * its assignees (the clients module's visibility rule). `onlyLimited` keeps just those members (the
 * people a client is assigned to), leaving out owners and admins who see every client.
 */
/**
 * For a group of clients (one bulk change's): the members who see only their own clients and hold
 * `permission`, by the clients among these they see. One query per such member, whatever the number
 * of clients; none at all when every member sees every client.
 */
export async function limitedMembersSeeingClients(
  db: Db,
  workspaceId: string,
  clientIds: string[],
  permission: 'invoices:read' | 'clients:read',
): Promise<Map<string, string[]>> {
  return withWorkspace({ db, workspaceId }, async (tx) => {
    const r = await tx.execute<{ user_id: string; role: 'owner' | 'admin' | 'member' }>(
      sql`select user_id::text as user_id, role from memberships where workspace_id = ${workspaceId}`,
    )
    const out = new Map<string, string[]>()
    for (const m of r.rows) {
      const actor = { userId: m.user_id, role: m.role }
      if (!can(actor, permission)) continue
      const rule = visibleClientCondition({ actor }, sql`c.id`)
      if (!rule) continue
      const seen = await tx.execute<{ id: string }>(
        sql`select c.id from jsonb_array_elements_text(${JSON.stringify(clientIds)}::jsonb) as c(id) where ${rule}`,
      )
      for (const { id } of seen.rows) out.set(id, [...(out.get(id) ?? []), m.user_id])
    }
    return out
  })
}

export async function membersSeeingClient(
  db: Db,
  workspaceId: string,
  clientId: string,
  permission: 'invoices:read' | 'clients:read',
  opts: { onlyLimited?: boolean } = {},
): Promise<string[]> {
  return withWorkspace({ db, workspaceId }, async (tx) => {
    const r = await tx.execute<{ user_id: string; role: 'owner' | 'admin' | 'member' }>(
      sql`select user_id::text as user_id, role from memberships where workspace_id = ${workspaceId}`,
    )
    const out: string[] = []
    for (const m of r.rows) {
      const actor = { userId: m.user_id, role: m.role }
      if (!can(actor, permission)) continue
      const rule = visibleClientCondition({ actor }, sql`${clientId}`)
      if (!rule) {
        if (!opts.onlyLimited) out.push(m.user_id)
        continue
      }
      const seen = await tx.execute(sql`select 1 as ok where ${rule}`)
      if (seen.rows.length) out.push(m.user_id)
    }
    return out
  })
}
