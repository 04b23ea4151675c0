import { clientPermissions } from '../../../../contracts/clients.ts'
import { defineModule } from '../../kernel/module.ts'
import { seedDemoClients } from './demo.ts'
import './custom-fields.ts'
import './events.ts'
import './timeline.ts'
import { bulkJob } from './bulk.ts'
import { importJob } from './import.service.ts'
import { registerClientRoutes } from './routes.ts'
import * as tables from './schema.ts'

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
  seed: seedDemoClients,
})

export { clientEvents } from './events.ts'
/** The client if the actor may see it (404 otherwise), inside the caller's tenant transaction. */
export { getVisibleClient } from './service.ts'
