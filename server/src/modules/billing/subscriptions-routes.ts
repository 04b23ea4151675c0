import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import {
  type Billing,
  BillingInvoiceListSchema,
  BillingSchema,
  CheckoutUrlSchema,
  PlanChoiceSchema,
  PortalUrlSchema,
  ProrationPreviewSchema,
} from '../../../../contracts/billing.ts'
import { problemResponses } from '../../../../contracts/common.ts'
import { type ServiceContext, workspaceContext } from '../../kernel/http/context.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { registerBillingWebhookRoute } from './billing-webhooks.ts'
import {
  cancelAtPeriodEnd,
  changePlan,
  depsOf,
  listInvoices,
  portalSession,
  previewChange,
  startCheckout,
} from './subscriptions.ts'

const errors = problemResponses(400, 401, 403, 409, 502)

/**
 * The subscription routes (owners: `billing:manage`; the invoice list also admins: `billing:read`) and
 * the operator's Stripe webhook. Without Stripe configured they answer 409 `stripe-not-configured`.
 * `billingOf` is the billing page's answer (`GET /api/v1/billing`), given after each change.
 */
export function registerSubscriptionRoutes(
  root: FastifyInstance,
  kernel: Kernel,
  billingOf: (ctx: ServiceContext) => Promise<Billing>,
) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const deps = depsOf(kernel)
  const ctx = (req: Parameters<typeof workspaceContext>[0]) => workspaceContext(req, db)
  const tags = ['Billing']

  app.post(
    '/api/v1/billing/checkout',
    {
      config: { permission: 'billing:manage' },
      schema: {
        tags,
        summary: 'Subscribe to a plan: a Stripe Checkout page (subscription mode)',
        description:
          'Answers the Checkout URL to send the owner to. The plan’s trial days apply to a workspace’s first subscription. The plan is active when Stripe’s webhook says so. 409 when the workspace already has a subscription (change it instead), the plan is not sold at that interval, or Stripe is not configured.',
        body: PlanChoiceSchema,
        response: { 200: CheckoutUrlSchema, ...errors },
      },
    },
    async (req) => startCheckout(ctx(req), deps, req.body),
  )
  app.post(
    '/api/v1/billing/preview',
    {
      config: { permission: 'billing:manage' },
      schema: {
        tags,
        summary: 'What a plan change costs now (Stripe’s proration preview)',
        description: 'Nothing changes. 409 without a subscription.',
        body: PlanChoiceSchema,
        response: { 200: ProrationPreviewSchema, ...errors },
      },
    },
    async (req) => previewChange(ctx(req), deps, req.body),
  )
  app.post(
    '/api/v1/billing/change',
    {
      config: { permission: 'billing:manage' },
      schema: {
        tags,
        summary: 'Upgrade or downgrade, with proration invoiced now',
        description:
          'A plan sold through Stripe replaces the subscription’s price (prorated, invoiced at once). The free plan (no Stripe price) cancels the subscription at the end of the period: the plan paid for stays until then. Without a subscription only the free plan can be chosen here.',
        body: PlanChoiceSchema,
        response: { 200: BillingSchema, ...errors },
      },
    },
    async (req) => {
      const c = ctx(req)
      await changePlan(c, deps, req.body)
      return billingOf(c)
    },
  )
  app.post(
    '/api/v1/billing/cancel',
    {
      config: { permission: 'billing:manage' },
      schema: {
        tags,
        summary: 'Cancel the subscription at the end of the period',
        description:
          'The plan stays until the period ends, then the workspace moves to the free plan (nothing is deleted).',
        response: { 200: BillingSchema, ...errors },
      },
    },
    async (req) => {
      const c = ctx(req)
      await cancelAtPeriodEnd(c, deps)
      return billingOf(c)
    },
  )
  app.post(
    '/api/v1/billing/resume',
    {
      config: { permission: 'billing:manage' },
      schema: {
        tags,
        summary: 'Withdraw a cancellation at the end of the period',
        response: { 200: BillingSchema, ...errors },
      },
    },
    async (req) => {
      const c = ctx(req)
      await cancelAtPeriodEnd(c, deps, true)
      return billingOf(c)
    },
  )
  app.post(
    '/api/v1/billing/portal',
    {
      config: { permission: 'billing:manage' },
      schema: {
        tags,
        summary: 'A Stripe Customer Portal link (cards and invoices)',
        response: { 200: PortalUrlSchema, ...errors },
      },
    },
    async (req) => portalSession(ctx(req), deps),
  )
  app.get(
    '/api/v1/billing/invoices',
    {
      config: { permission: 'billing:read' },
      schema: {
        tags,
        summary: 'The workspace’s invoices at Stripe',
        response: { 200: BillingInvoiceListSchema, ...errors },
      },
    },
    async (req) => listInvoices(ctx(req), deps),
  )
  registerBillingWebhookRoute(root, kernel)
}
