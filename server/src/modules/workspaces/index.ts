import { workspacePermissions } from '../../../../contracts/workspaces.ts'
import { defineModule } from '../../kernel/module.ts'
import { invitationEmail } from './events.ts'
import { seatsMeter } from './meters.ts'
import { registerWorkspaceRoutes } from './routes.ts'
import * as tables from './schema.ts'

/** Workspaces, members and invitations; the owner is the only one who makes or unmakes admins. */
export default defineModule({
  name: 'workspaces',
  tables,
  permissions: workspacePermissions,
  routes: registerWorkspaceRoutes,
  events: [invitationEmail],
  meters: [seatsMeter],
})

/** Creates a workspace owned by a user, with its audit entries, inside the caller's transaction. */
export { createOwnedWorkspace } from './workspaces.service.ts'
