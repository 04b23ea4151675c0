import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  CreateSavedViewSchema,
  SavedViewSchema,
  type ViewDisplaySchema,
  ViewIdSchema,
} from '../../../../contracts/clients.ts'
import { problemResponses } from '../../../../contracts/common.ts'
import { DocumentListQuerySchema } from '../../../../contracts/invoices.ts'
import { type ServiceContext, workspaceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { savedViewsOf } from '../../kernel/search/views.ts'

type Display = z.output<typeof ViewDisplaySchema>
type Input = z.output<typeof CreateSavedViewSchema>

/** Saved views of the invoice and quote lists: the kernel's saved views of those record types. */
const views = {
  invoice: savedViewsOf<Display>({
    recordType: 'invoice',
    readPermission: 'invoices:read',
    auditTarget: 'invoice_view',
  }),
  quote: savedViewsOf<Display>({
    recordType: 'quote',
    readPermission: 'invoices:read',
    auditTarget: 'quote_view',
  }),
}

// A view's query is the list's: its known parameters must be what the list takes (layout keys pass).
const ViewQuerySchema = DocumentListQuerySchema.omit({ limit: true, cursor: true })

/** Saves a view after checking its query as the list would read it (400 naming `query.<parameter>`). */
export function createDocumentView(ctx: ServiceContext, kind: 'invoice' | 'quote', input: Input) {
  const r = ViewQuerySchema.safeParse(input.query)
  if (!r.success)
    throw problems.validation(
      r.error.issues.map((i) => ({ field: `query.${i.path.join('.')}`, message: i.message })),
    )
  return views[kind].create(ctx, input)
}

export function registerInvoiceViewRoutes(root: FastifyInstance, kernel: Pick<Kernel, 'database'>) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const errors = problemResponses(400, 401, 403, 404, 409)
  for (const [kind, base, tag] of [
    ['invoice', '/api/v1/invoices', 'Invoices'],
    ['quote', '/api/v1/quotes', 'Quotes'],
  ] as const) {
    const tags = [tag]
    app.get(
      `${base}/views`,
      {
        schema: {
          tags,
          summary: `The caller's saved ${kind} views`,
          response: { 200: z.object({ data: z.array(SavedViewSchema) }), ...errors },
        },
      },
      async (req) => views[kind].list(workspaceContext(req, db)),
    )
    app.post(
      `${base}/views`,
      {
        schema: {
          tags,
          summary: `Save the current ${kind} list as a view (private to the caller; at most 50)`,
          description: '`query` holds the list’s filters and sort, checked as the list reads them.',
          body: CreateSavedViewSchema,
          response: { 201: SavedViewSchema, ...errors },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await createDocumentView(workspaceContext(req, db), kind, req.body)),
    )
    app.delete(
      `${base}/views/:id`,
      {
        schema: {
          tags,
          summary: `Delete one of the caller's saved ${kind} views`,
          params: z.object({ id: ViewIdSchema }),
          response: { 204: z.null().describe('Deleted'), ...errors },
        },
      },
      async (req, reply) => {
        await views[kind].remove(workspaceContext(req, db), req.params.id)
        return reply.status(204).send(null)
      },
    )
  }
}
