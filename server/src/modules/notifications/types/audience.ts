import { sql } from 'drizzle-orm'
import { can } from '../../../kernel/access/index.ts'
import type { Db } from '../../../kernel/db/index.ts'
import { withWorkspace } from '../../../kernel/tenancy/index.ts'
import { visibleClientCondition } from '../../clients/index.ts'

/**
 * The members of a workspace who may read `permission` records of these clients, by client: each
 * member's role must hold the permission, and a member who sees only their own clients must be the
 * client's owner or one of its assignees (the clients module's visibility rule). `onlyLimited` keeps
 * just those members (the people a client is assigned to), leaving out owners and admins who see every
 * client. One query per member who sees only their own clients, whatever the number of clients (a bulk
 * change's group of events); none when every member sees every client.
 */
export async function membersSeeingClients(
  db: Db,
  workspaceId: string,
  clientIds: string[],
  permission: 'invoices:read' | 'clients:read',
  opts: { onlyLimited?: boolean } = {},
): Promise<Map<string, string[]>> {
  return withWorkspace({ db, workspaceId }, async (tx) => {
    const r = await tx.execute<{ user_id: string; role: 'owner' | 'admin' | 'member' }>(
      sql`select user_id::text as user_id, role from memberships where workspace_id = ${workspaceId}`,
    )
    const out = new Map(clientIds.map((id) => [id, [] as string[]]))
    for (const m of r.rows) {
      const actor = { userId: m.user_id, role: m.role }
      if (!can(actor, permission)) continue
      const rule = visibleClientCondition({ actor }, sql`c.id`)
      if (!rule) {
        if (!opts.onlyLimited) for (const to of out.values()) to.push(m.user_id)
        continue
      }
      const seen = await tx.execute<{ id: string }>(
        sql`select c.id from jsonb_array_elements_text(${JSON.stringify(clientIds)}::jsonb) as c(id) where ${rule}`,
      )
      for (const { id } of seen.rows) out.get(id)?.push(m.user_id)
    }
    return out
  })
}

/** The members who may read `permission` records of one client (see `membersSeeingClients`). */
export async function membersSeeingClient(
  db: Db,
  workspaceId: string,
  clientId: string,
  permission: 'invoices:read' | 'clients:read',
  opts: { onlyLimited?: boolean } = {},
): Promise<string[]> {
  const byClient = await membersSeeingClients(db, workspaceId, [clientId], permission, opts)
  return byClient.get(clientId) ?? []
}
