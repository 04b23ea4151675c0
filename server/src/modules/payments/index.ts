import { paymentPermissions } from '../../../../contracts/payments.ts'
import { defineModule } from '../../kernel/module.ts'
import { acceptOnlinePayments } from '../invoices/index.ts'
import { seedDemoOnlinePayments } from './demo.ts'
import { paymentSubscribers } from './events.ts'
import { registerPaymentRoutes } from './routes.ts'
import * as tables from './schema.ts'
import { gatewayConnections } from './schema.ts'

/**
 * Online payments: a workspace connects a payment gateway (Stripe), its clients pay invoices through
 * it, and the gateway's webhooks record payments, refunds and disputes in the invoice payments
 * through the invoices module's public face. See docs/payments.md.
 */
// Invoices sent to clients offer "Pay now" when the workspace has a gateway (in their transaction, under RLS).
acceptOnlinePayments(
  async (tx) =>
    (await tx.select({ g: gatewayConnections.gateway }).from(gatewayConnections).limit(1)).length > 0,
)

export default defineModule({
  name: 'payments',
  tables,
  permissions: paymentPermissions,
  ids: { opay: 'online payment', oref: 'online refund' },
  routes: registerPaymentRoutes,
  events: paymentSubscribers,
  seed: seedDemoOnlinePayments,
})

export { paymentEvents } from './events.ts'
