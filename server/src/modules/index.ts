import type { ModuleDefinition } from '../kernel/module.ts'
import account from './account/index.ts'
import auditLog from './audit-log/index.ts'
import billing from './billing/index.ts'
import clients from './clients/index.ts'
import customFields from './custom-fields/index.ts'
import devMail from './dev-mail/index.ts'
import files from './files/index.ts'
import invoices from './invoices/index.ts'
import messaging from './messaging/index.ts'
import notifications from './notifications/index.ts'
import payments from './payments/index.ts'
import preferences from './preferences/index.ts'
import timeline from './timeline/index.ts'
import workspaces from './workspaces/index.ts'

/**
 * The modules the app is built from, in the order their routes register. Adding a module is adding
 * its definition here; nothing else outside the module changes (see docs/modules.md).
 */
export const modules: readonly ModuleDefinition[] = [
  account,
  workspaces,
  auditLog,
  customFields,
  clients,
  timeline,
  preferences,
  invoices,
  payments,
  billing,
  files,
  notifications,
  messaging,
  devMail,
]
