import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '../../../../contracts/common.ts'
import { PublicDocumentSchema, ViewTokenSchema } from '../../../../contracts/invoice-view.ts'
import { AcceptQuoteSchema, DeclineQuoteSchema } from '../../../../contracts/invoices.ts'
import type { AuditMeta } from '../../kernel/audit/index.ts'
import type { Db } from '../../kernel/db/index.ts'
import { auditMeta } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import type { Deps } from './documents.ts'
import { acceptQuote, declineQuote } from './lifecycle.ts'
import { renderableDocument } from './render.service.ts'
import { byToken, hashToken, publicView, viewerContext } from './view-links.ts'

/**
 * The client answers a quote from its view page: accepts it, typing their name, or declines it. The
 * same steps as the signed-in `/api/v1/quotes/{id}/accept|decline` (sent or viewed quotes only, not
 * expired), audited with the anonymous viewer as the actor; answers the quote's public view.
 */
export async function answerQuoteByToken(
  deps: Deps,
  db: Db,
  token: string,
  meta: AuditMeta,
  answer: { accept: string } | { decline: string | null },
) {
  const found = await byToken(db, token)
  if (found.kind !== 'quote')
    throw problems.conflict('This link is to an invoice; only a quote can be accepted or declined.', 'token')
  const ctx = viewerContext(db, found.workspaceId, meta)
  // The link is checked again under the quote's row lock: one revoked or replaced meanwhile answers 404.
  const sameLink = (before: { viewTokenHash: string | null }) => {
    if (before.viewTokenHash !== hashToken(token)) throw problems.notFound('Document')
  }
  const after =
    'accept' in answer
      ? await acceptQuote(deps, ctx, found.id, answer.accept, sameLink)
      : await declineQuote(deps, ctx, found.id, answer.decline, sameLink)
  const doc = await renderableDocument(ctx, 'quote', found.id)
  return publicView(doc, after.viewedAt ? new Date(after.viewedAt) : null)
}

export function registerPublicQuoteRoutes(app: FastifyInstance, kernel: Kernel) {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const deps = { events: kernel.events }
  // Per address, on every node, as for the view page itself.
  const limiter = kernel.rateLimiter('quote-answer', 60, 60)
  const params = z.object({ token: ViewTokenSchema })
  const responses = { 200: PublicDocumentSchema, ...problemResponses(400, 404, 409, 429) }
  const description =
    'Only a sent or viewed quote that has not expired (else 409 naming `status`); an invoice’s link answers 409 naming `token`; unknown, revoked and replaced tokens answer 404; more than 60 requests a minute from one address answer 429. Audited with the anonymous viewer as the actor.'

  r.post(
    '/api/v1/public/quotes/:token/accept',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['Public view'],
        summary: 'Accept a quote by its view link, typing a name (public)',
        description,
        params,
        body: AcceptQuoteSchema,
        response: responses,
      },
    },
    async (req) => {
      const wait = await limiter.hit(req.ip)
      if (wait) throw problems.tooManyRequests(wait)
      return answerQuoteByToken(deps, db, req.params.token, auditMeta(req, null), { accept: req.body.name })
    },
  )
  r.post(
    '/api/v1/public/quotes/:token/decline',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['Public view'],
        summary: 'Decline a quote by its view link, with an optional reason (public)',
        description,
        params,
        body: DeclineQuoteSchema,
        response: responses,
      },
    },
    async (req) => {
      const wait = await limiter.hit(req.ip)
      if (wait) throw problems.tooManyRequests(wait)
      return answerQuoteByToken(deps, db, req.params.token, auditMeta(req, null), {
        decline: req.body.reason ?? null,
      })
    },
  )
}
