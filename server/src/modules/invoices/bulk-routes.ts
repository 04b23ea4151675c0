import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { problemResponses } from '../../../../contracts/common.ts'
import { InvoiceBulkResultSchema, InvoiceBulkSchema } from '../../../../contracts/invoice-lists.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { bulkInvoices } from './bulk.ts'

/** `POST /api/v1/invoices/bulk`: one action on chosen invoices or on every invoice of a filter. */
export function registerInvoiceBulkRoutes(
  root: FastifyInstance,
  kernel: Pick<Kernel, 'database' | 'events' | 'jobs'> & { config: Pick<Kernel['config'], 'appUrl'> },
) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const deps = { events: kernel.events, jobs: kernel.jobs, appUrl: kernel.config.appUrl }
  app.post(
    '/api/v1/invoices/bulk',
    {
      schema: {
        tags: ['Invoices'],
        summary: 'Send, mark sent, pay, void or delete many invoices',
        description:
          'Give `ids`, or `filter` (the list’s query parameters) with `expectedCount`, the count the user confirmed (409 when the view changed; at most 500 invoices). Each invoice goes through the same rules, permission and audit as its single route, in its own transaction; the answer lists those changed and, for the others, the status and reason the single route would have answered. `void` and `delete` need `invoices:void` / `invoices:delete` (owners and admins), `recordPayment` `payments:write` and pays each balance in full with `method` and `paidOn`.',
        body: InvoiceBulkSchema,
        response: { 200: InvoiceBulkResultSchema, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (req) => bulkInvoices(deps, workspaceContext(req, kernel.database.db), req.body),
  )
}
