import { invoicePermissions } from '../../../../contracts/invoices.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { defineModule, job } from '../../kernel/module.ts'
import './custom-fields.ts'
import './events.ts'
import { registerInvoiceBulkRoutes } from './bulk-routes.ts'
import { seedDemoInvoices } from './demo.ts'
import { registerEInvoiceRoutes } from './einvoice.routes.ts'
import { registerInvoiceExportRoutes } from './export-routes.ts'
import { sweepDueDocuments } from './lifecycle.ts'
import { invoicesMeter } from './meters.ts'
import { registerPublicQuoteRoutes } from './public-quotes.routes.ts'
import { registerRecurringRoutes } from './recurring.routes.ts'
import { generateDueInvoices, RECURRING_QUEUE } from './recurring-job.ts'
import { REMINDERS_QUEUE, sendInvoiceReminders } from './reminders.ts'
import { registerResendRoutes } from './resend.routes.ts'
import { registerInvoiceRoutes } from './routes.ts'
import * as tables from './schema.ts'
import { registerSummaryRoutes } from './summary.routes.ts'
import { registerInvoiceViewRoutes } from './views.ts'

export const SWEEP_QUEUE = 'invoices.sweep-due'

/**
 * Invoicing: the catalog, tax rates and settings, quotes, invoices and credit notes with exact totals
 * and gap-free numbers, and payments recorded by hand. Other modules reach it through this file and
 * the events in events.ts.
 */
export default defineModule({
  name: 'invoices',
  tables,
  permissions: invoicePermissions,
  meters: [invoicesMeter],
  ids: {
    prd: 'product',
    tax: 'tax rate',
    inv: 'invoice',
    quo: 'quote',
    crn: 'credit note',
    ln: 'document line',
    pay: 'payment',
    rec: 'recurring invoice',
  },
  // Each file of routes registers its own set; add a set by adding its function here.
  routes: (app, kernel) => {
    for (const register of [
      registerInvoiceRoutes,
      registerSummaryRoutes,
      registerInvoiceBulkRoutes,
      registerInvoiceExportRoutes,
      registerInvoiceViewRoutes,
      registerRecurringRoutes,
      registerEInvoiceRoutes,
      registerResendRoutes,
      registerPublicQuoteRoutes,
    ])
      register(app, kernel)
  },
  jobs: [
    // Overdue invoices and expired quotes, every hour at five past.
    job<Record<string, never>>(
      SWEEP_QUEUE,
      async (_data, kernel: Kernel) => {
        while ((await sweepDueDocuments(kernel.database, kernel.events)) > 0) {}
      },
      { cron: '5 * * * *', retryLimit: 2 },
    ),
    // Recurring invoices whose period has started, every hour at ten past.
    job<Record<string, never>>(
      RECURRING_QUEUE,
      async (_data, kernel: Kernel) => {
        const deps = {
          database: kernel.database,
          events: kernel.events,
          jobs: kernel.jobs,
          appUrl: kernel.config.appUrl,
        }
        while ((await generateDueInvoices(deps)) > 0) {}
      },
      { cron: '10 * * * *', retryLimit: 2 },
    ),
    // Payment reminders due today, every hour at a quarter past (each goes out once).
    job<Record<string, never>>(
      REMINDERS_QUEUE,
      async (_data, kernel: Kernel) => {
        await sendInvoiceReminders({
          database: kernel.database,
          events: kernel.events,
          jobs: kernel.jobs,
          appUrl: kernel.config.appUrl,
        })
      },
      { cron: '15 * * * *', retryLimit: 2 },
    ),
  ],
  seed: seedDemoInvoices,
})

/** Sent invoices for the demo's online payments (the payments module's seed pays them). */
export { seedDemoPayableInvoices } from './demo.ts'
export { invoiceEvents } from './events.ts'
export {
  type GatewayPaymentInput,
  type GatewayRefundInput,
  invoiceByViewToken,
  type PaymentTarget,
  paymentTarget,
  recordGatewayPayment,
  recordGatewayRefund,
  viewTokenMatches,
} from './gateway-payments.ts'
/** Lets the payments module say whether a workspace takes payments online ("Pay now" in emails and PDFs). */
export { acceptOnlinePayments } from './online-pay.ts'
