import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { BillingSchema, PlanListSchema } from '../../../../contracts/billing.ts'
import { problemResponses } from '../../../../contracts/common.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { billingOverview, offeredPlans } from './overview.ts'

const errors = problemResponses(401, 403, 409)

/** The workspace's own billing: what the billing page shows. */
export function registerBillingRoutes(root: FastifyInstance, kernel: Kernel) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const tags = ['Billing']

  app.get(
    '/api/v1/billing',
    {
      config: { permission: 'billing:read' },
      schema: {
        tags,
        summary: 'The workspace’s plan, subscription state, limits and usage, and the plans it may move to',
        response: { 200: BillingSchema, ...errors },
      },
    },
    async (req) => billingOverview(workspaceContext(req, db), kernel.config),
  )

  app.get(
    '/api/v1/billing/plans',
    {
      config: { permission: 'billing:read' },
      schema: {
        tags,
        summary: 'The plans the workspace may move to',
        response: { 200: PlanListSchema, ...errors },
      },
    },
    async (req) => offeredPlans(workspaceContext(req, db)),
  )
}
