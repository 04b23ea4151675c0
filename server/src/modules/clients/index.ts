import { eq, type SQL, sql } from 'drizzle-orm'
import { clientPermissions } from '../../../../contracts/clients.ts'
import { can } from '../../kernel/access/index.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { defineModule } from '../../kernel/module.ts'
import { seedDemoClients } from './demo.ts'
import './custom-fields.ts'
import './events.ts'
import './timeline.ts'
import { bulkJob } from './bulk.ts'
import { importJob } from './import-job.ts'
import { clientsMeter } from './meters.ts'
import { registerClientRoutes } from './routes.ts'
import * as tables from './schema.ts'
import { clients } from './schema.ts'
import { getVisibleClient } from './service.ts'

/**
 * Clients and their contacts, saved views and CSV imports. Other modules reach clients only through
 * this file and the events in events.ts, never through its tables.
 */
export default defineModule({
  name: 'clients',
  tables,
  permissions: clientPermissions,
  ids: {
    cli: 'client',
    con: 'contact',
    view: 'saved client view',
    imp: 'client import',
    blk: 'bulk action run',
  },
  routes: registerClientRoutes,
  jobs: [importJob, bulkJob],
  meters: [clientsMeter],
  seed: seedDemoClients,
})

export { clientEvents } from './events.ts'
/** The client if the actor may see it (404 otherwise), inside the caller's tenant transaction. */
/** A page of the clients the actor may see, as the list API answers it (pickers, demo data). */
export { getVisibleClient, listClients } from './service.ts'

/**
 * The member-visibility rule for another module's rows that name a client: a condition that the
 * client id in `clientIdColumn` is one the actor may see, or undefined when they see every client.
 * A semi-join on text equality, so row-level security leaves its index usable.
 */
export function visibleClientCondition(
  ctx: Pick<ServiceContext, 'actor'>,
  clientIdColumn: SQL,
): SQL | undefined {
  if (can(ctx.actor, 'clients:read_all')) return undefined
  return sql`${clientIdColumn} in (select f.client_id from client_facets f where f.key = 'access' and f.value = ${ctx.actor.userId})`
}

/** What billing needs of a client the actor may see (404 otherwise), in the caller's transaction. */
export async function getBillingClient(tx: Tx, ctx: ServiceContext, id: string) {
  await getVisibleClient(tx, ctx, id)
  const [c] = await tx
    .select({
      id: clients.id,
      name: clients.name,
      legalName: clients.legalName,
      email: clients.email,
      taxId: clients.taxId,
      billingAddress: clients.billingAddress,
      currency: clients.currency,
      language: clients.language,
      paymentTermsDays: clients.paymentTermsDays,
      contactName: sql<
        string | null
      >`(select k.name from contacts k where k.client_id = ${clients.id} and k.is_primary)`,
    })
    .from(clients)
    .where(eq(clients.id, id))
  if (!c) throw problems.notFound('Client')
  return c
}

/**
 * Contacts of a client (all of them, or those among `ids`), in the caller's transaction: messaging
 * adds them to the client's conversation as external participants and shows their names.
 */
export async function contactsOfClient(
  tx: Tx,
  clientId: string,
  ids?: readonly string[],
): Promise<{ id: string; name: string; email: string | null }[]> {
  if (ids && !ids.length) return []
  const rows = await tx.execute(sql`select k.id, k.name, k.email from contacts k
    where k.client_id = ${clientId}${
      ids
        ? sql` and k.id in (${sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          )})`
        : sql``
    }
    order by k.created_at, k.id`)
  return (rows as unknown as { rows: { id: string; name: string; email: string | null }[] }).rows
}
