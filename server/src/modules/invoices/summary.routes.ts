import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ClientIdSchema } from '../../../../contracts/clients.ts'
import { problemResponses } from '../../../../contracts/common.ts'
import {
  ClientBalanceSchema,
  InvoiceSummarySchema,
  NextNumbersSchema,
  TemplatePreviewQuerySchema,
} from '../../../../contracts/invoice-summary.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { nextNumbers, previewPdf } from './preview.ts'
import { clientBalance, workspaceSummary } from './summary.ts'

const errors = problemResponses(400, 401, 403, 404)

/** Balances (a client's, the workspace's), the settings' template preview and next numbers. */
export function registerSummaryRoutes(root: FastifyInstance, kernel: Pick<Kernel, 'database'>) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const ctx = (req: Parameters<typeof workspaceContext>[0]) => workspaceContext(req, db)

  app.get(
    '/api/v1/clients/:id/balance',
    {
      config: { permission: 'invoices:read' },
      schema: {
        tags: ['Invoices'],
        summary: 'A client’s balance per currency: outstanding, overdue, paid this year, credit',
        description:
          'Outstanding is the open balance of invoices that were sent and are neither paid nor void; overdue is the part past its due date; paid this year is what payments applied to invoices since 1 January (UTC), refunds subtracting; credit is the client’s credit.',
        params: z.object({ id: ClientIdSchema }),
        response: { 200: ClientBalanceSchema, ...errors },
      },
    },
    async (req) => clientBalance(ctx(req), req.params.id),
  )
  app.get(
    '/api/v1/invoices/summary',
    {
      config: { permission: 'invoices:read' },
      schema: {
        tags: ['Invoices'],
        summary:
          'The workspace’s outstanding, overdue and paid this month, per currency and in the base currency',
        description:
          'A member counts only the clients they see. Base-currency totals convert each invoice at the exchange rate stored on it; currencies with amounts that have none are listed in `base.unconverted`.',
        response: { 200: InvoiceSummarySchema, ...errors },
      },
    },
    async (req) => workspaceSummary(ctx(req)),
  )
  app.get(
    '/api/v1/invoice-settings/next-numbers',
    {
      config: { permission: 'invoices:read' },
      schema: {
        tags: ['Invoice settings'],
        summary: 'The counter value each type’s next number takes today, for each kind of reset',
        response: { 200: NextNumbersSchema, ...errors },
      },
    },
    async (req) => nextNumbers(ctx(req)),
  )
  app.get(
    '/api/v1/invoice-settings/preview.pdf',
    {
      config: { permission: 'invoices:read' },
      schema: {
        tags: ['Invoice settings'],
        summary: 'A sample invoice as a PDF, in a template, with the workspace’s details',
        description:
          'The seller’s details, numbering, defaults and brand colour come from the settings; `template` and `brandColor` override theirs, so a form can show a choice before saving it.',
        querystring: TemplatePreviewQuerySchema,
        produces: ['application/pdf'],
        response: { 200: z.string().describe('PDF file'), ...errors },
      },
    },
    async (req, reply) => {
      const pdf = await previewPdf(ctx(req), req.query)
      return reply
        .type('application/pdf')
        .header('content-disposition', 'inline; filename="preview.pdf"')
        .header('cache-control', 'private, no-store')
        .send(pdf as never)
    },
  )
}
