import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { pageSchema, problemResponses } from '../../../../contracts/common.ts'
import { PublicDocumentSchema, ViewLinkSchema, ViewTokenSchema } from '../../../../contracts/invoice-view.ts'
import {
  AcceptQuoteSchema,
  ClientCreditSchema,
  CreateCreditNoteSchema,
  CreateDocumentSchema,
  CreatePaymentSchema,
  CreateProductSchema,
  CreateTaxRateSchema,
  CreditNoteIdSchema,
  DeclineQuoteSchema,
  DocumentListQuerySchema,
  DocumentSchema,
  DocumentSummarySchema,
  InvoiceIdSchema,
  InvoiceSettingsInputSchema,
  InvoiceSettingsSchema,
  PaymentIdSchema,
  PaymentListQuerySchema,
  PaymentSchema,
  ProductIdSchema,
  ProductListQuerySchema,
  ProductSchema,
  QuoteIdSchema,
  RefundSchema,
  TaxRateIdSchema,
  TaxRateSchema,
  UpdateDocumentSchema,
  UpdateProductSchema,
  UpdateTaxRateSchema,
  VoidSchema,
} from '../../../../contracts/invoices.ts'
import { auditMeta, workspaceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import * as catalog from './catalog.service.ts'
import * as credit from './credit-notes.ts'
import * as docs from './documents.service.ts'
import * as lifecycle from './lifecycle.ts'
import * as pay from './payments.ts'
import { renderPdf } from './render/lazy.ts'
import { renderableDocument } from './render.service.ts'
import * as settings from './settings.service.ts'
import * as viewLinks from './view-links.ts'

const errors = problemResponses(400, 401, 403, 404, 409)
const noContent = { 204: z.null().describe('Done') }
const SendBodySchema = z
  .object({
    email: z.boolean().default(false).describe('Email the document to the client (its email address).'),
    to: z.email().max(254).optional().describe('Email it to this address instead (implies `email`).'),
  })
  .strict()
  .optional()
const ClientIdParam = z.object({
  clientId: z.string().regex(/^cli_[0-9a-f]{32}$/, 'must be an id starting with cli_'),
})

export function registerInvoiceRoutes(
  root: FastifyInstance,
  kernel: Pick<Kernel, 'database' | 'events' | 'jobs' | 'rateLimiter'> & {
    config: Pick<Kernel['config'], 'appUrl'>
  },
) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const deps = { events: kernel.events }
  const ctx = (req: Parameters<typeof workspaceContext>[0]) => workspaceContext(req, db)

  // ---- catalog -----------------------------------------------------------------------------------
  {
    const tags = ['Products']
    const params = z.object({ id: ProductIdSchema })
    app.get(
      '/api/v1/products',
      {
        schema: {
          tags,
          summary: 'List and search the catalog',
          description:
            '`q` matches name, description and unit, tolerating typos; results come by relevance unless `sort` is given. Archived items are left out unless `archived=true` or `all`.',
          querystring: ProductListQuerySchema,
          response: { 200: pageSchema(ProductSchema), ...errors },
        },
      },
      async (req) => catalog.listProducts(ctx(req), req.query),
    )
    app.get(
      '/api/v1/products/:id',
      { schema: { tags, summary: 'One catalog item', params, response: { 200: ProductSchema, ...errors } } },
      async (req) => catalog.getProduct(ctx(req), req.params.id),
    )
    app.post(
      '/api/v1/products',
      {
        config: { permission: 'products:write' },
        schema: {
          tags,
          summary: 'Add a product or service to the catalog',
          body: CreateProductSchema,
          response: { 201: ProductSchema, ...errors },
        },
      },
      async (req, reply) => reply.code(201).send(await catalog.createProduct(ctx(req), req.body)),
    )
    app.patch(
      '/api/v1/products/:id',
      {
        config: { permission: 'products:write' },
        schema: {
          tags,
          summary: 'Change a catalog item (documents already written keep their lines)',
          params,
          body: UpdateProductSchema,
          response: { 200: ProductSchema, ...errors },
        },
      },
      async (req) => catalog.updateProduct(ctx(req), req.params.id, req.body),
    )
    for (const [path, archived] of [
      ['archive', true],
      ['restore', false],
    ] as const)
      app.post(
        `/api/v1/products/:id/${path}`,
        {
          config: { permission: 'products:write' },
          schema: {
            tags,
            summary: archived ? 'Archive a catalog item' : 'Restore an archived catalog item',
            params,
            response: { 200: ProductSchema, ...errors },
          },
        },
        async (req) => catalog.setProductArchived(ctx(req), req.params.id, archived),
      )
  }

  // ---- tax rates and settings --------------------------------------------------------------------
  {
    const tags = ['Invoice settings']
    const params = z.object({ id: TaxRateIdSchema })
    app.get(
      '/api/v1/tax-rates',
      {
        schema: {
          tags,
          summary: 'The workspace’s tax rates',
          querystring: z.object({ archived: z.enum(['true', 'false', 'all']).default('false') }),
          response: { 200: z.object({ data: z.array(TaxRateSchema) }), ...errors },
        },
      },
      async (req) => catalog.listTaxRates(ctx(req), req.query),
    )
    app.get(
      '/api/v1/tax-rates/:id',
      { schema: { tags, summary: 'One tax rate', params, response: { 200: TaxRateSchema, ...errors } } },
      async (req) => catalog.getTaxRate(ctx(req), req.params.id),
    )
    app.post(
      '/api/v1/tax-rates',
      {
        config: { permission: 'invoices:settings' },
        schema: {
          tags,
          summary: 'Add a tax rate (exact decimal percentage, inclusive or exclusive, optionally compound)',
          body: CreateTaxRateSchema,
          response: { 201: TaxRateSchema, ...errors },
        },
      },
      async (req, reply) => reply.code(201).send(await catalog.createTaxRate(ctx(req), req.body)),
    )
    app.patch(
      '/api/v1/tax-rates/:id',
      {
        config: { permission: 'invoices:settings' },
        schema: {
          tags,
          summary: 'Change a tax rate (sent documents keep the rate they were sent with)',
          params,
          body: UpdateTaxRateSchema,
          response: { 200: TaxRateSchema, ...errors },
        },
      },
      async (req) => catalog.updateTaxRate(ctx(req), req.params.id, req.body),
    )
    for (const [path, archived] of [
      ['archive', true],
      ['restore', false],
    ] as const)
      app.post(
        `/api/v1/tax-rates/:id/${path}`,
        {
          config: { permission: 'invoices:settings' },
          schema: {
            tags,
            summary: archived ? 'Archive a tax rate (no new lines take it)' : 'Restore an archived tax rate',
            params,
            response: { 200: TaxRateSchema, ...errors },
          },
        },
        async (req) => catalog.updateTaxRate(ctx(req), req.params.id, { archived }),
      )
    app.get(
      '/api/v1/invoice-settings',
      {
        schema: {
          tags,
          summary: 'Invoice settings: terms, numbering, defaults, legal details, template, reminders',
          response: { 200: InvoiceSettingsSchema, ...errors },
        },
      },
      async (req) => settings.getSettings(ctx(req)),
    )
    app.put(
      '/api/v1/invoice-settings',
      {
        config: { permission: 'invoices:settings' },
        schema: {
          tags,
          summary: 'Replace the invoice settings',
          description:
            'Numbering patterns take {YYYY} {YY} {MM} {DD} and exactly one {SEQ} or {SEQ:n}; a yearly reset needs the year in the pattern, a monthly one the year and {MM}.',
          body: InvoiceSettingsInputSchema,
          response: { 200: InvoiceSettingsSchema, ...errors },
        },
      },
      async (req) => settings.saveSettings(ctx(req), req.body),
    )
  }

  // ---- quotes and invoices -----------------------------------------------------------------------
  for (const kind of ['invoice', 'quote'] as const) {
    const base = kind === 'invoice' ? '/api/v1/invoices' : '/api/v1/quotes'
    const noun = kind === 'invoice' ? 'invoice' : 'quote'
    const tags = [kind === 'invoice' ? 'Invoices' : 'Quotes']
    const params = z.object({ id: kind === 'invoice' ? InvoiceIdSchema : QuoteIdSchema })
    app.get(
      base,
      {
        schema: {
          tags,
          summary: `List, filter and search ${noun}s`,
          description:
            'Members see the documents of the clients they see. Filters: `status`, `client`, issue and due date ranges, `totalMin`/`totalMax` (minor units), `overdue`; `q` searches number, client, PO number and line text.',
          querystring: DocumentListQuerySchema,
          response: { 200: pageSchema(DocumentSummarySchema), ...errors },
        },
      },
      async (req) => docs.listDocuments(ctx(req), kind, req.query),
    )
    app.get(
      `${base}/count`,
      {
        schema: {
          tags,
          summary: `Count the ${noun}s matching a filter`,
          querystring: DocumentListQuerySchema.omit({ sort: true, limit: true, cursor: true }),
          response: { 200: z.object({ count: z.number().int() }), ...errors },
        },
      },
      async (req) => docs.countDocuments(ctx(req), kind, req.query),
    )
    app.get(
      `${base}/:id`,
      {
        schema: {
          tags,
          summary: `One ${noun} with its lines and tax summary`,
          params,
          response: { 200: DocumentSchema, ...errors },
        },
      },
      async (req) => docs.getDocument(ctx(req), kind, req.params.id),
    )
    app.post(
      base,
      {
        config: { permission: 'invoices:write' },
        schema: {
          tags,
          summary: `Draft ${noun === 'invoice' ? 'an' : 'a'} ${noun}`,
          description:
            'Lines come from the catalog (`productId`) or free text; totals are computed exactly in minor units (docs/invoices.md). Up to 500 lines in one request.',
          body: CreateDocumentSchema,
          response: { 201: DocumentSchema, ...errors },
        },
      },
      async (req, reply) => reply.code(201).send(await docs.createDocument(deps, ctx(req), kind, req.body)),
    )
    app.patch(
      `${base}/:id`,
      {
        config: { permission: 'invoices:write' },
        schema: {
          tags,
          summary: `Change a draft ${noun} (a sent one is frozen: 409)`,
          description: '`lines`, when given, replaces every line.',
          params,
          body: UpdateDocumentSchema,
          response: { 200: DocumentSchema, ...errors },
        },
      },
      async (req) => docs.updateDocument(deps, ctx(req), kind, req.params.id, req.body),
    )
    app.delete(
      `${base}/:id`,
      {
        config: { permission: 'invoices:delete' },
        schema: { tags, summary: `Delete a draft ${noun}`, params, response: { ...noContent, ...errors } },
      },
      async (req, reply) => {
        await docs.deleteDocument(deps, ctx(req), kind, req.params.id)
        return reply.code(204).send(null)
      },
    )
    app.post(
      `${base}/:id/send`,
      {
        config: { permission: 'invoices:write' },
        schema: {
          tags,
          summary: `Send a draft ${noun}: it takes its number and is frozen`,
          description:
            'Numbers are gap-free and unique per workspace and document type; the issue date defaults to today and the due (valid-until) date to the terms. The send makes the view link; with `email: true` (or `to`) the email carrying it is queued in the same transaction, once.',
          params,
          body: SendBodySchema,
          response: { 200: DocumentSchema, ...errors },
        },
      },
      async (req) =>
        lifecycle.sendDocument(deps, ctx(req), kind, req.params.id, {
          jobs: kernel.jobs,
          appUrl: kernel.config.appUrl,
          options: req.body ?? {},
        }),
    )
    app.post(
      `${base}/:id/mark-viewed`,
      {
        config: { permission: 'invoices:write' },
        schema: {
          tags,
          summary: `Record that the client has seen the ${noun} (once)`,
          params,
          response: { 200: DocumentSchema, ...errors },
        },
      },
      async (req) => lifecycle.markViewed(deps, ctx(req), kind, req.params.id),
    )
    app.post(
      `${base}/:id/view-link`,
      {
        config: { permission: 'invoices:write' },
        schema: {
          tags,
          summary: `A new view link for a sent ${noun} (the previous one stops working)`,
          description:
            'The token is 256 random bits, stored hashed: the link is shown only in this answer (and in the email that sends the document).',
          params,
          response: { 200: ViewLinkSchema, ...errors },
        },
      },
      async (req) => viewLinks.rotateViewLink(ctx(req), kernel.config.appUrl, kind, req.params.id),
    )
    app.delete(
      `${base}/:id/view-link`,
      {
        config: { permission: 'invoices:write' },
        schema: {
          tags,
          summary: `Revoke the ${noun}’s view link (it answers 404 until a new one is made)`,
          params,
          response: { ...noContent, ...errors },
        },
      },
      async (req, reply) => {
        await viewLinks.revokeViewLink(ctx(req), kind, req.params.id)
        return reply.code(204).send(null)
      },
    )
  }

  {
    const tags = ['Invoices']
    const params = z.object({ id: InvoiceIdSchema })
    app.post(
      '/api/v1/invoices/:id/void',
      {
        config: { permission: 'invoices:void' },
        schema: {
          tags,
          summary: 'Void a sent invoice, with a reason',
          params,
          body: VoidSchema,
          response: { 200: DocumentSchema, ...errors },
        },
      },
      async (req) => lifecycle.voidInvoice(deps, ctx(req), req.params.id, req.body.reason),
    )
  }

  {
    const tags = ['Quotes']
    const params = z.object({ id: QuoteIdSchema })
    app.post(
      '/api/v1/quotes/:id/accept',
      {
        config: { permission: 'invoices:write' },
        schema: {
          tags,
          summary: 'Record the client’s acceptance (the name they typed)',
          params,
          body: AcceptQuoteSchema,
          response: { 200: DocumentSchema, ...errors },
        },
      },
      async (req) => lifecycle.acceptQuote(deps, ctx(req), req.params.id, req.body.name),
    )
    app.post(
      '/api/v1/quotes/:id/decline',
      {
        config: { permission: 'invoices:write' },
        schema: {
          tags,
          summary: 'Record that the client declined',
          params,
          body: DeclineQuoteSchema,
          response: { 200: DocumentSchema, ...errors },
        },
      },
      async (req) => lifecycle.declineQuote(deps, ctx(req), req.params.id, req.body.reason),
    )
    app.post(
      '/api/v1/quotes/:id/convert',
      {
        config: { permission: 'invoices:write' },
        schema: {
          tags,
          summary: 'Turn an accepted quote into a draft invoice',
          params,
          response: { 201: DocumentSchema, ...errors },
        },
      },
      async (req, reply) => reply.code(201).send(await lifecycle.convertQuote(deps, ctx(req), req.params.id)),
    )
  }

  // ---- credit notes ------------------------------------------------------------------------------
  {
    const tags = ['Credit notes']
    const params = z.object({ id: CreditNoteIdSchema })
    app.get(
      '/api/v1/credit-notes',
      {
        schema: {
          tags,
          summary: 'List, filter and search credit notes',
          querystring: DocumentListQuerySchema,
          response: { 200: pageSchema(DocumentSummarySchema), ...errors },
        },
      },
      async (req) => docs.listDocuments(ctx(req), 'credit_note', req.query),
    )
    app.get(
      '/api/v1/credit-notes/:id',
      { schema: { tags, summary: 'One credit note', params, response: { 200: DocumentSchema, ...errors } } },
      async (req) => docs.getDocument(ctx(req), 'credit_note', req.params.id),
    )
    app.post(
      '/api/v1/credit-notes',
      {
        config: { permission: 'invoices:credit' },
        schema: {
          tags,
          summary: 'Draft a credit note against a sent invoice, in full or for some lines',
          body: CreateCreditNoteSchema,
          response: { 201: DocumentSchema, ...errors },
        },
      },
      async (req, reply) => reply.code(201).send(await credit.createCreditNote(deps, ctx(req), req.body)),
    )
    app.post(
      '/api/v1/credit-notes/:id/issue',
      {
        config: { permission: 'invoices:credit' },
        schema: {
          tags,
          summary: 'Issue a draft credit note: it takes its number and comes off the invoice’s balance',
          params,
          response: { 200: DocumentSchema, ...errors },
        },
      },
      async (req) => credit.issueCreditNote(deps, ctx(req), req.params.id),
    )
    app.delete(
      '/api/v1/credit-notes/:id',
      {
        config: { permission: 'invoices:credit' },
        schema: {
          tags,
          summary: 'Delete a draft credit note',
          params,
          response: { ...noContent, ...errors },
        },
      },
      async (req, reply) => {
        await docs.deleteDocument(deps, ctx(req), 'credit_note', req.params.id)
        return reply.code(204).send(null)
      },
    )
  }

  // ---- payments ----------------------------------------------------------------------------------
  {
    const tags = ['Payments']
    const params = z.object({ id: PaymentIdSchema })
    app.get(
      '/api/v1/payments',
      {
        schema: {
          tags,
          summary: 'Payments and refunds, newest first',
          querystring: PaymentListQuerySchema,
          response: { 200: pageSchema(PaymentSchema), ...errors },
        },
      },
      async (req) => pay.listPayments(ctx(req), req.query),
    )
    app.get(
      '/api/v1/payments/credit/:clientId',
      {
        schema: {
          tags,
          summary: 'A client’s credit per currency',
          params: ClientIdParam,
          response: { 200: ClientCreditSchema, ...errors },
        },
      },
      async (req) => pay.clientCredit(ctx(req), req.params.clientId),
    )
    app.get(
      '/api/v1/payments/:id',
      {
        schema: {
          tags,
          summary: 'One payment or refund',
          params,
          response: { 200: PaymentSchema, ...errors },
        },
      },
      async (req) => pay.getPayment(ctx(req), req.params.id),
    )
    app.post(
      '/api/v1/payments',
      {
        config: { permission: 'payments:write' },
        schema: {
          tags,
          summary: 'Record a payment received by hand',
          description:
            'On an invoice, in its currency, up to its balance; above it only with `keepExcessAsCredit`. Without an invoice it is a prepayment kept as credit. `method: credit` pays from the client’s credit.',
          body: CreatePaymentSchema,
          response: { 201: PaymentSchema, ...errors },
        },
      },
      async (req, reply) => reply.code(201).send(await pay.recordPayment(deps, ctx(req), req.body)),
    )
    app.post(
      '/api/v1/payments/:id/refund',
      {
        config: { permission: 'payments:refund' },
        schema: {
          tags,
          summary: 'Refund part or all of a payment',
          params,
          body: RefundSchema,
          response: { 201: PaymentSchema, ...errors },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await pay.refundPayment(deps, ctx(req), req.params.id, req.body)),
    )
  }

  // ---- PDFs --------------------------------------------------------------------------------------
  const pdfFilename = (number: string | null) => `${(number ?? 'draft').replace(/[^\w.-]+/g, '-')}.pdf`
  // The app shows these PDFs in an <iframe> beside the document: they alone may be framed, and only by
  // the app's own origin (every other API response keeps DENY and frame-ancestors 'none').
  const framedBySelf = {
    'x-frame-options': 'SAMEORIGIN',
    'content-security-policy': "frame-ancestors 'self'",
  }
  for (const [kind, base, idSchema, tag] of [
    ['invoice', '/api/v1/invoices', InvoiceIdSchema, 'Invoices'],
    ['quote', '/api/v1/quotes', QuoteIdSchema, 'Quotes'],
    ['credit_note', '/api/v1/credit-notes', CreditNoteIdSchema, 'Credit notes'],
  ] as const)
    app.get(
      `${base}/:id/pdf`,
      {
        schema: {
          tags: [tag],
          summary: `The ${kind.replace('_', ' ')} as a PDF`,
          description:
            'A sent (issued) document is rendered from what was sent, with its live status and amount due; a draft from the current settings and client, marked as a draft.',
          params: z.object({ id: idSchema }),
          produces: ['application/pdf'],
          response: { 200: z.string().describe('PDF file'), ...errors },
        },
      },
      async (req, reply) => {
        const doc = await renderableDocument(ctx(req), kind, req.params.id)
        const pdf = await renderPdf(doc)
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${pdfFilename(doc.number)}"`)
          .header('cache-control', 'private, no-store')
          .headers(framedBySelf)
          .send(pdf as never)
      },
    )

  // ---- the public view page ----------------------------------------------------------------------
  {
    // Per address, on every node: enough for a person, too few to try tokens.
    const limiter = kernel.rateLimiter('invoice-view', 60, 60)
    const params = z.object({ token: ViewTokenSchema })
    app.get(
      '/api/v1/public/invoices/:token',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['Public view'],
          summary: 'A sent invoice or quote by its view link (public)',
          description:
            'The first open sets the document viewed, once, and audits it with the anonymous viewer as the actor. Unknown, revoked and replaced tokens answer 404; more than 60 opens a minute from one address answer 429.',
          params,
          response: { 200: PublicDocumentSchema, ...problemResponses(400, 404, 429) },
        },
      },
      async (req) => {
        const wait = await limiter.hit(req.ip)
        if (wait) throw problems.tooManyRequests(wait)
        const opened = await viewLinks.openByToken(deps, db, req.params.token, auditMeta(req, null))
        return opened.view
      },
    )
    app.get(
      '/api/v1/public/invoices/:token/pdf',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['Public view'],
          summary: 'The PDF of a sent invoice or quote by its view link (public)',
          description:
            'Opening it counts as opening the view page (the first open sets the document viewed).',
          params,
          produces: ['application/pdf'],
          response: { 200: z.string().describe('PDF file'), ...problemResponses(400, 404, 429) },
        },
      },
      async (req, reply) => {
        const wait = await limiter.hit(req.ip)
        if (wait) throw problems.tooManyRequests(wait)
        const { doc } = await viewLinks.openByToken(deps, db, req.params.token, auditMeta(req, null))
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${pdfFilename(doc.number)}"`)
          .header('cache-control', 'private, no-store')
          .send((await renderPdf(doc)) as never)
      },
    )
  }
}
