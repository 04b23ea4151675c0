import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '../../../../contracts/common.ts'
import { DocumentExportQuerySchema, DocumentZipQuerySchema } from '../../../../contracts/invoice-lists.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import { sendCsv } from '../../kernel/http/csv.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { csvHeader, csvRows, zipPdfs, zipSelection } from './export.ts'
import { renderPdf } from './render/lazy.ts'

const lists = [
  ['invoice', '/api/v1/invoices', 'Invoices', 'invoices'],
  ['quote', '/api/v1/quotes', 'Quotes', 'quotes'],
  ['credit_note', '/api/v1/credit-notes', 'Credit notes', 'credit-notes'],
] as const

/** Downloads of a document list: `export.csv` for each kind. */
export function registerInvoiceExportRoutes(root: FastifyInstance, kernel: Pick<Kernel, 'database'>) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  for (const [kind, base, tag, file] of lists)
    app.get(
      `${base}/export.csv`,
      {
        schema: {
          tags: [tag],
          summary: `The ${file.replace('-', ' ')} of a filter as CSV (streamed)`,
          description:
            'Takes the list’s filters, search and sort (oldest first by default). Rows are read a page at a time as the download goes; amounts are plain numbers with the currency’s digits (`12.50` EUR, `1250` JPY); cells a spreadsheet would run as formulas are neutralised.',
          querystring: DocumentExportQuerySchema,
          produces: ['text/csv'],
          response: { 200: z.string().describe('CSV file'), ...problemResponses(400, 401, 403) },
        },
      },
      async (req, reply) =>
        sendCsv(
          reply,
          `${file}-${new Date().toISOString().slice(0, 10)}.csv`,
          csvHeader,
          csvRows(workspaceContext(req, db), kind, req.query),
        ),
    )
  for (const [kind, base, tag, file] of lists)
    app.get(
      `${base}/export.zip`,
      {
        schema: {
          tags: [tag],
          summary: `The PDFs of chosen ${file.replace('-', ' ')}, or of a filter, as one ZIP (streamed)`,
          description:
            'Takes `ids`, or the list’s filters and search (at most 500 documents; more is a 400 naming `filter`). Each PDF is rendered as the download goes and written into the archive at once: a sent document from what was sent, a draft marked as a draft. Files are named by document number (`draft-<id>.pdf` for drafts).',
          querystring: DocumentZipQuerySchema,
          produces: ['application/zip'],
          response: { 200: z.string().describe('ZIP archive'), ...problemResponses(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const ctx = workspaceContext(req, db)
        const ids = await zipSelection(ctx, kind, req.query)
        const chunks = zipPdfs(ctx, kind, ids, renderPdf)
        // The first document is rendered before the answer starts, so its failure is still a problem.
        const first = await chunks.next()
        const body = Readable.from(
          (async function* () {
            if (!first.done) yield first.value
            yield* chunks
          })(),
        )
        return reply
          .type('application/zip')
          .header(
            'content-disposition',
            `attachment; filename="${file}-${new Date().toISOString().slice(0, 10)}.zip"`,
          )
          .header('cache-control', 'private, no-store')
          .send(body as never)
      },
    )
}
