import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '../../../../contracts/common.ts'
import { InvoiceIdSchema, QuoteIdSchema } from '../../../../contracts/invoices.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { type ServiceContext, workspaceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { loadDocument, nounOf } from './documents.ts'
import { enqueueDocumentEmail } from './email.ts'
import { setViewToken } from './view-links.ts'

const ResendBodySchema = z
  .object({
    to: z
      .email()
      .max(254)
      .optional()
      .describe('Email it to this address instead of the client’s (required when the client has none).'),
  })
  .strict()
  .optional()

const EmailedSchema = z.object({
  to: z.string().describe('The address the email was queued for'),
})

/**
 * Emails a sent quote or invoice again: the same message the send queues (`enqueueDocumentEmail`),
 * with the PDF of what was sent and a fresh view link (the previous link stops working). A draft has
 * nothing to resend and a voided invoice may not be sent: 409 naming `status`.
 */
export async function resendDocument(
  ctx: ServiceContext,
  mail: { jobs: Pick<Jobs, 'send'>; appUrl: string },
  kind: 'invoice' | 'quote',
  id: string,
  to: string | undefined,
): Promise<{ to: string }> {
  assertCan(ctx.actor, 'invoices:write')
  return withWorkspace(ctx, async (tx) => {
    const doc = await loadDocument(tx, ctx, kind, id, true)
    if (doc.status === 'draft' || doc.status === 'void')
      throw problems.conflict(
        `A ${doc.status} ${nounOf[kind].toLowerCase()} cannot be emailed: ${doc.status === 'draft' ? 'send it first' : 'it was voided'}.`,
        'status',
      )
    const token = await setViewToken(tx, id)
    const recipient = await enqueueDocumentEmail(tx, mail.jobs, ctx, mail.appUrl, doc, token, {
      email: true,
      to,
    })
    if (!recipient) throw problems.badRequest('is required: the client has no email address', 'to')
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: `${kind}.emailed`,
      targetType: kind,
      targetId: doc.id,
      targetLabel: doc.number ?? nounOf[kind],
      before: null,
      after: { to: recipient },
    })
    return { to: recipient }
  })
}

/** `POST /api/v1/invoices/{id}/email` and `/api/v1/quotes/{id}/email`: send a sent document again. */
export function registerResendRoutes(
  root: FastifyInstance,
  kernel: Pick<Kernel, 'database' | 'jobs'> & { config: Pick<Kernel['config'], 'appUrl'> },
) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  for (const [kind, base, idSchema, tag] of [
    ['invoice', '/api/v1/invoices', InvoiceIdSchema, 'Invoices'],
    ['quote', '/api/v1/quotes', QuoteIdSchema, 'Quotes'],
  ] as const)
    app.post(
      `${base}/:id/email`,
      {
        config: { permission: 'invoices:write' },
        schema: {
          tags: [tag],
          summary: `Email a sent ${kind} again, with its PDF and a fresh view link`,
          description:
            'The email the send queues, queued again: the document as it was sent, its PDF attached and a new view link (the previous one stops working). To the client’s address unless `to` is given. A draft or voided document answers 409 (`status`); no address at all answers 400 (`to`).',
          params: z.object({ id: idSchema }),
          body: ResendBodySchema,
          response: { 200: EmailedSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (req) =>
        resendDocument(
          workspaceContext(req, db),
          { jobs: kernel.jobs, appUrl: kernel.config.appUrl },
          kind,
          req.params.id,
          req.body?.to,
        ),
    )
}
