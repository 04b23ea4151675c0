import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '../../../../contracts/common.ts'
import { CreditNoteIdSchema, InvoiceIdSchema } from '../../../../contracts/invoices.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { renderEInvoice } from './render/lazy.ts'
import { renderableDocument } from './render.service.ts'

export const eInvoiceFormats = ['factur-x', 'xrechnung-ubl', 'xrechnung-cii', 'ubl', 'cii'] as const

const QuerySchema = z.object({
  format: z
    .enum(eInvoiceFormats)
    .default('factur-x')
    .describe(
      '`factur-x`: a PDF/A-3 with the CII XML inside (ZUGFeRD EN 16931 profile); `xrechnung-ubl`, `xrechnung-cii`: XRechnung XML; `ubl`, `cii`: plain EN 16931 XML.',
    ),
})

/** Data that cannot form a valid EN 16931 invoice: 422, with the part at fault. */
const unprocessable = (errors: FieldError[]) =>
  problems.unprocessable(
    'e-invoice-invalid',
    'Not a valid e-invoice',
    `This document cannot be exported as an EN 16931 e-invoice: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`,
    errors,
  )

/** Library and mapping errors become 422 problems; anything else is a fault and stays one. */
function asProblem(error: unknown): unknown {
  if (!(error instanceof Error)) return error
  if (error.name === 'EInvoiceError') {
    return unprocessable([{ field: (error as Error & { field: string }).field, message: error.message }])
  }
  const ajv = (error as Error & { errors?: { instancePath?: string; message?: string }[] }).errors
  if (error.name === 'ValidationError' && Array.isArray(ajv)) {
    return unprocessable(
      ajv.slice(0, 20).map((e) => ({ field: e.instancePath || '/', message: e.message ?? 'is invalid' })),
    )
  }
  return error
}

/**
 * EN 16931 e-invoices of sent invoices and issued credit notes: Factur-X/ZUGFeRD (a PDF with the XML
 * embedded) and UBL/CII XML including XRechnung, built from the document's frozen data.
 */
export function registerEInvoiceRoutes(root: FastifyInstance, kernel: Pick<Kernel, 'database'>) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  for (const [kind, base, idSchema, tag] of [
    ['invoice', '/api/v1/invoices', InvoiceIdSchema, 'Invoices'],
    ['credit_note', '/api/v1/credit-notes', CreditNoteIdSchema, 'Credit notes'],
  ] as const)
    app.get(
      `${base}/:id/e-invoice`,
      {
        schema: {
          tags: [tag],
          summary: `The ${kind.replace('_', ' ')} as an EN 16931 e-invoice (Factur-X PDF or XML)`,
          description:
            'Only a document with a number (sent or issued) can be exported: a draft answers 409. Data an e-invoice cannot carry — no seller VAT or tax id, several VAT rates on one line — answers 422 naming the part at fault. The structured data is validated against the format before it is returned.',
          params: z.object({ id: idSchema }),
          querystring: QuerySchema,
          produces: ['application/pdf', 'application/xml'],
          response: {
            200: z.string().describe('Factur-X PDF or XML file'),
            ...problemResponses(400, 401, 403, 404, 409, 422),
          },
        },
      },
      async (req, reply) => {
        const doc = await renderableDocument(workspaceContext(req, db), kind, req.params.id)
        if (!doc.number)
          throw problems.conflict(
            'A draft has no number yet: send it (or issue the credit note) first.',
            'id',
          )
        const file = await renderEInvoice(doc, req.query.format).catch((error: unknown) => {
          throw asProblem(error)
        })
        return reply
          .type(file.mime)
          .header('content-disposition', `attachment; filename="${file.filename}"`)
          .header('cache-control', 'private, no-store')
          .send(Buffer.from(file.bytes) as never)
      },
    )
}
