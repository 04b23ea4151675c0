import { billingPermissions } from '../../../../contracts/billing.ts'
import { defineModule } from '../../kernel/module.ts'
import * as tables from './schema.ts'

/**
 * Billing: the operator bills workspaces with plans, limits and Stripe subscriptions. Installs the
 * kernel's entitlements provider. See docs/billing.md.
 */
export default defineModule({
  name: 'billing',
  tables,
  permissions: billingPermissions,
  ids: { plan: 'billing plan' },
})
