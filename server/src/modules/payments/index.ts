import { paymentPermissions } from '../../../../contracts/payments.ts'
import { defineModule } from '../../kernel/module.ts'
import { paymentSubscribers } from './events.ts'
import { registerPaymentRoutes } from './routes.ts'
import * as tables from './schema.ts'

/**
 * Online payments: a workspace connects a payment gateway (Stripe), its clients pay invoices through
 * it, and the gateway's webhooks record payments, refunds and disputes in the invoice payments
 * through the invoices module's public face. See docs/payments.md.
 */
export default defineModule({
  name: 'payments',
  tables,
  permissions: paymentPermissions,
  ids: { opay: 'online payment', oref: 'online refund' },
  routes: registerPaymentRoutes,
  events: paymentSubscribers,
})

export { paymentEvents } from './events.ts'
