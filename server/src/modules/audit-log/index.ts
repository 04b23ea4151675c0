import { auditPermissions } from '../../../../contracts/audit.ts'
import { defineModule } from '../../kernel/module.ts'
import { registerAuditLogRoutes } from './routes.ts'

/** The workspace's audit log: reading, filtering and exporting what the kernel's audit records. */
export default defineModule({
  name: 'audit-log',
  permissions: auditPermissions,
  routes: registerAuditLogRoutes,
})
