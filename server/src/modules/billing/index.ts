import { billingPermissions } from '../../../../contracts/billing.ts'
import { defineModule } from '../../kernel/module.ts'
import { dunningJob } from './dunning.ts'
import { billingEntitlements } from './limits.ts'
import { registerOperatorRoutes } from './operator-routes.ts'
import { billingOverview } from './overview.ts'
import { syncPlans } from './plans.ts'
import { registerBillingRoutes } from './routes.ts'
import * as tables from './schema.ts'
import { subscriptionSubscribers } from './subscriptions-events.ts'
import { registerSubscriptionRoutes } from './subscriptions-routes.ts'
import { apiCallsMeter } from './usage.ts'

/**
 * Billing: the operator bills workspaces with plans, limits and Stripe subscriptions. It provides the
 * kernel's entitlements (every workspace's limits, from its plan and the operator's overrides), meters
 * API calls, keeps the plans in step with PLANS_FILE at start, and serves the billing page and the
 * operator area. See docs/billing.md.
 */
export default defineModule({
  name: 'billing',
  tables,
  permissions: billingPermissions,
  ids: { plan: 'billing plan' },
  meters: [apiCallsMeter],
  entitlements: billingEntitlements,
  routes: (app, kernel) => {
    // The plans file (or the default free plan) is written once the app is ready, after migrations.
    app.addHook('onReady', () => syncPlans(kernel.database.db, kernel.config.plans))
    registerBillingRoutes(app, kernel)
    registerOperatorRoutes(app, kernel)
    registerSubscriptionRoutes(app, kernel, (ctx) => billingOverview(ctx, kernel.config))
  },
  jobs: [dunningJob],
  events: subscriptionSubscribers,
})

/** Makes a user an operator (`atrium create-admin --operator`). */
export { grantOperator, isOperator } from './operators.ts'
/** The session answer's billing part (operator flag, plan features, billing state). */
export { sessionBilling } from './overview.ts'
/** Puts a workspace on a plan and/or sets its overrides without Stripe, audited (see docs/billing.md). */
export { findPlanByKey, setWorkspacePlan } from './plans.ts'
