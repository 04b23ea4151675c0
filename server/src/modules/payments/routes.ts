import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { pageSchema, problemResponses } from '../../../../contracts/common.ts'
import { ViewTokenSchema } from '../../../../contracts/invoice-view.ts'
import {
  CheckoutRequestSchema,
  CheckoutSchema,
  ConnectionTestSchema,
  type Gateway,
  GatewayConnectionListSchema,
  GatewayConnectionSchema,
  GatewaySchema,
  OnlinePaymentIdSchema,
  OnlinePaymentListQuerySchema,
  OnlinePaymentSchema,
  OnlineRefundRequestSchema,
  OnlineRefundSchema,
  PaymentOptionsSchema,
  PayPalConnectionInputSchema,
  PublicCheckoutRequestSchema,
  StripeConnectionInputSchema,
} from '../../../../contracts/payments.ts'
import { auditMeta, workspaceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { acceptRawJson } from '../../kernel/http/raw-body.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import {
  checkoutFromApp,
  checkoutFromViewLink,
  paymentOptionsByViewLink,
  returnFromGateway,
} from './checkout.ts'
import * as connections from './connections.ts'
import { paymentsDeps } from './deps.ts'
import { getOnlinePayment, listOnlinePayments } from './history.ts'
import { requestRefund } from './refunds.ts'
import { handleWebhook } from './webhooks.ts'

const errors = problemResponses(400, 401, 403, 404, 409)

export function registerPaymentRoutes(root: FastifyInstance, kernel: Kernel) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const deps = paymentsDeps(kernel)
  const ctx = (req: Parameters<typeof workspaceContext>[0]) => workspaceContext(req, db)

  // ---- gateway connections (owners and admins) ----------------------------------------------------
  const tags = ['Payment gateways']
  const gatewayParams = z.object({ gateway: GatewaySchema })
  app.get(
    '/api/v1/payment-gateways',
    {
      config: { permission: 'payments:gateways' },
      schema: {
        tags,
        summary: 'The workspace’s payment gateway connections (secrets masked)',
        response: { 200: GatewayConnectionListSchema, ...errors },
      },
    },
    async (req) => connections.listConnections(ctx(req), deps),
  )
  app.get(
    '/api/v1/payment-gateways/:gateway',
    {
      config: { permission: 'payments:gateways' },
      schema: {
        tags,
        summary: 'One gateway connection (secrets masked)',
        params: gatewayParams,
        response: { 200: GatewayConnectionSchema, ...errors },
      },
    },
    async (req) => connections.getConnection(ctx(req), deps, req.params.gateway),
  )
  app.put(
    '/api/v1/payment-gateways/stripe',
    {
      config: { permission: 'payments:gateways' },
      schema: {
        tags,
        summary: 'Connect Stripe: its secret key and webhook signing secret',
        description:
          'The secrets are encrypted at rest (AES-256-GCM, key derived from the server’s SECRET_KEY) and answered masked (`sk_test_…abcd`). Give Stripe the answer’s `webhookUrl` as the endpoint for `checkout.session.completed`, `payment_intent.succeeded`, `payment_intent.payment_failed`, `charge.refunded`, `charge.dispute.created` and `charge.dispute.closed`.',
        body: StripeConnectionInputSchema,
        response: { 200: GatewayConnectionSchema, ...errors },
      },
    },
    async (req) => connections.saveStripe(ctx(req), deps, req.body),
  )
  app.put(
    '/api/v1/payment-gateways/paypal',
    {
      config: { permission: 'payments:gateways' },
      schema: {
        tags,
        summary: 'Connect PayPal: its REST app’s client id and secret, and the webhook id',
        description:
          'The credentials are encrypted at rest like Stripe’s and answered masked. `mode` says whether the app is PayPal’s live or sandbox one. Add a webhook to the app with the answer’s `webhookUrl` for `PAYMENT.CAPTURE.COMPLETED`, `PAYMENT.CAPTURE.DENIED`, `PAYMENT.CAPTURE.REFUNDED` and `PAYMENT.CAPTURE.REVERSED`, and give its id here: PayPal verifies each event against it.',
        body: PayPalConnectionInputSchema,
        response: { 200: GatewayConnectionSchema, ...errors },
      },
    },
    async (req) => connections.savePayPal(ctx(req), deps, req.body),
  )
  app.delete(
    '/api/v1/payment-gateways/:gateway',
    {
      config: { permission: 'payments:gateways' },
      schema: {
        tags,
        summary: 'Disconnect a gateway (its secrets are deleted)',
        params: gatewayParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      await connections.removeConnection(ctx(req), req.params.gateway)
      return reply.status(204).send(null)
    },
  )
  app.post(
    '/api/v1/payment-gateways/:gateway/test',
    {
      config: { permission: 'payments:gateways' },
      schema: {
        tags,
        summary: 'Test a connection: call the gateway with the stored credentials',
        description: 'Answers what the gateway said (`ok: false` with its message when it refused).',
        params: gatewayParams,
        response: { 200: ConnectionTestSchema, ...errors },
      },
    },
    async (req) => connections.testConnection(ctx(req), deps, req.params.gateway),
  )

  // ---- pay now, history and refunds ---------------------------------------------------------------
  const payTags = ['Online payments']
  app.post(
    '/api/v1/online-payments/checkout',
    {
      config: { permission: 'payments:write' },
      schema: {
        tags: payTags,
        summary: 'Pay now: a hosted checkout for an invoice’s open balance',
        description:
          'Answers the gateway’s page to send the payer to. An open checkout for the same balance is answered again. The invoice is paid when the gateway’s webhook confirms it. 409 when no gateway is connected or the invoice is not open.',
        body: CheckoutRequestSchema,
        response: { 201: CheckoutSchema, ...errors, ...problemResponses(502) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await checkoutFromApp(ctx(req), deps, req.body.invoiceId, req.body.gateway)),
  )
  const limiter = kernel.rateLimiter('invoice-pay', 30, 60)
  app.post(
    '/api/v1/public/invoices/:token/checkout',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['Public view'],
        summary: 'Pay now from an invoice’s view page (public)',
        description:
          'A hosted checkout for the open balance of the invoice behind the view link. Unknown, revoked and replaced tokens and quotes answer 404; a paid or void invoice, or a workspace without a gateway, 409; more than 30 a minute from one address, 429.',
        params: z.object({ token: ViewTokenSchema }),
        body: PublicCheckoutRequestSchema,
        response: { 201: CheckoutSchema, ...problemResponses(400, 404, 409, 429, 502) },
      },
    },
    async (req, reply) => {
      const wait = await limiter.hit(req.ip)
      if (wait) throw problems.tooManyRequests(wait)
      return reply
        .code(201)
        .send(await checkoutFromViewLink(db, deps, req.params.token, auditMeta(req, null), req.body?.gateway))
    },
  )
  app.get(
    '/api/v1/public/payments/:gateway/return/:workspaceId/:onlinePaymentId',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['Public view'],
        summary: 'The payer’s return from approving at the gateway (PayPal): captures, then redirects',
        description:
          'PayPal sends the payer here with `token` (its order id). The approved order is captured (idempotent: a second return changes nothing) and its state applied, then the answer redirects (303) to the page the payer came from (`back`: the view page or the invoice) with `payment=success`, `pending` or `failed`. An unknown payment, or an order id that is not its own, answers 404.',
        params: z.object({
          gateway: GatewaySchema,
          workspaceId: z.uuid(),
          onlinePaymentId: OnlinePaymentIdSchema,
        }),
        querystring: z.object({
          token: z.string().regex(/^[A-Za-z0-9-]{6,64}$/, 'must be the gateway’s order id'),
          PayerID: z.string().max(64).optional(),
          back: z.string().max(200).default('/'),
        }),
        response: { 303: z.null(), ...problemResponses(400, 404, 429, 502, 503) },
      },
    },
    async (req, reply) => {
      const wait = await limiter.hit(req.ip)
      if (wait) throw problems.tooManyRequests(wait)
      const to = await returnFromGateway(
        db,
        deps,
        req.params.gateway,
        req.params.workspaceId,
        req.params.onlinePaymentId,
        req.query.token,
        req.query.back,
        auditMeta(req, null),
      )
      return reply.redirect(to, 303)
    },
  )
  app.get(
    '/api/v1/public/invoices/:token/payment-options',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['Public view'],
        summary: 'Whether the invoice behind a view link can be paid online (public)',
        description: 'Unknown, revoked and replaced tokens and quotes answer 404.',
        params: z.object({ token: ViewTokenSchema }),
        response: { 200: PaymentOptionsSchema, ...problemResponses(400, 404, 429) },
      },
    },
    async (req) => {
      const wait = await limiter.hit(req.ip)
      if (wait) throw problems.tooManyRequests(wait)
      return paymentOptionsByViewLink(db, req.params.token)
    },
  )
  app.get(
    '/api/v1/online-payments',
    {
      config: { permission: 'invoices:read' },
      schema: {
        tags: payTags,
        summary: 'Online payment history (per invoice or client), with fees, net and the dashboard link',
        querystring: OnlinePaymentListQuerySchema,
        response: { 200: pageSchema(OnlinePaymentSchema), ...errors },
      },
    },
    async (req) => listOnlinePayments(ctx(req), req.query),
  )
  const idParams = z.object({ id: OnlinePaymentIdSchema })
  app.get(
    '/api/v1/online-payments/:id',
    {
      config: { permission: 'invoices:read' },
      schema: {
        tags: payTags,
        summary: 'One online payment with its refunds',
        params: idParams,
        response: { 200: OnlinePaymentSchema, ...errors },
      },
    },
    async (req) => getOnlinePayment(ctx(req), req.params.id),
  )
  app.post(
    '/api/v1/online-payments/:id/refund',
    {
      config: { permission: 'payments:refund' },
      schema: {
        tags: payTags,
        summary: 'Refund an online payment, in full or in part, through its gateway',
        description:
          'Answers 202 with the refund `pending`: it is final, and recorded in the invoice payments, when the gateway’s webhook confirms it.',
        params: idParams,
        body: OnlineRefundRequestSchema,
        response: { 202: OnlineRefundSchema, ...errors, ...problemResponses(502) },
      },
    },
    async (req, reply) => reply.code(202).send(await requestRefund(ctx(req), deps, req.params.id, req.body)),
  )

  // ---- gateway webhooks: outside /api/v1, no session, the raw body for the signature ---------------
  root.register(async (scope) => {
    acceptRawJson(scope)
    const typed = scope.withTypeProvider<ZodTypeProvider>()
    const webhook = (gateway: Gateway, summary: string, description: string) =>
      typed.post(
        `/webhooks/${gateway}/:workspaceId`,
        {
          config: { auth: 'public' },
          schema: {
            tags: ['Webhooks'],
            summary,
            description: `${description} Each event takes effect once: a repeated event answers 200 with \`duplicate: true\`.`,
            params: z.object({ workspaceId: z.uuid() }),
            response: {
              200: z.object({ received: z.literal(true), duplicate: z.boolean(), outcome: z.string() }),
              ...problemResponses(400, 404, 503),
            },
          },
        },
        async (req) =>
          handleWebhook(
            db,
            deps,
            gateway,
            req.params.workspaceId,
            typeof req.body === 'string' ? req.body : '',
            req.headers,
            auditMeta(req, null),
          ),
      )
    webhook(
      'stripe',
      'Stripe’s events for one workspace’s account',
      'Verified with the workspace’s webhook signing secret (`Stripe-Signature`); a bad or missing signature answers 400 and changes nothing.',
    )
    webhook(
      'paypal',
      'PayPal’s events for one workspace’s app',
      'Verified by PayPal’s verify-webhook-signature call with the workspace’s credentials and webhook id (`PAYPAL-TRANSMISSION-*` headers); a bad or missing signature answers 400 and changes nothing; 503 when PayPal cannot be asked (it delivers again).',
    )
  })
}
