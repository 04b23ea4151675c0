import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  OperatorWorkspaceBillingInputSchema,
  OperatorWorkspaceListSchema,
  OperatorWorkspaceQuerySchema,
  OperatorWorkspaceSchema,
  PlanIdSchema,
  PlanInputSchema,
  PlanListSchema,
  PlanSchema,
  PlanUpdateSchema,
} from '../../../../contracts/billing.ts'
import { IdSchema, problemResponses } from '../../../../contracts/common.ts'
import { entitlements } from '../../kernel/entitlements/index.ts'
import { auditMeta } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { assertOperator } from './operators.ts'
import { findWorkspaceForOperator, operatorWorkspace, operatorWorkspaces } from './overview.ts'
import { createPlan, findPlanByKey, listAllPlans, setWorkspacePlan, updatePlan } from './plans.ts'

const errors = problemResponses(400, 401, 403, 404, 409)

/**
 * The operator area: plans, and every workspace with its plan, state and usage. Signed-in users only
 * (`auth: 'user'`, no workspace needed); anyone who is not an operator gets 403 `not-an-operator`.
 */
export function registerOperatorRoutes(root: FastifyInstance, kernel: Kernel) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const config = { auth: 'user' as const }
  // Checked before the input is validated: a non-operator learns nothing of the area's inputs.
  const preValidation = async (req: Parameters<typeof assertOperator>[0]) => {
    await assertOperator(req, db, kernel.config)
  }
  const tags = ['Operator']
  const operator = (req: Parameters<typeof assertOperator>[0]) => req.auth!
  const planParams = z.object({ id: PlanIdSchema })

  app.get(
    '/api/v1/operator/plans',
    {
      config,
      preValidation,
      schema: {
        tags,
        summary: 'Every plan, archived ones last',
        response: { 200: PlanListSchema, ...errors },
      },
    },
    async () => ({ data: await listAllPlans(db) }),
  )

  app.post(
    '/api/v1/operator/plans',
    {
      config,
      preValidation,
      schema: {
        tags,
        summary: 'Create a plan',
        body: PlanInputSchema,
        response: { 201: PlanSchema, ...errors },
      },
    },
    async (req, reply) => {
      const auth = operator(req)
      const plan = await createPlan(db, req.body)
      req.log.info({ operator: auth.user.id, plan: plan.key }, 'plan created')
      return reply.code(201).send(plan)
    },
  )

  app.patch(
    '/api/v1/operator/plans/:id',
    {
      config,
      preValidation,
      schema: {
        tags,
        summary: 'Change a plan made in the operator area (plans from the plans file are read-only)',
        params: planParams,
        body: PlanUpdateSchema,
        response: { 200: PlanSchema, ...errors },
      },
    },
    async (req) => {
      const auth = operator(req)
      const plan = await updatePlan(db, req.params.id, req.body)
      req.log.info({ operator: auth.user.id, plan: plan.key, change: Object.keys(req.body) }, 'plan changed')
      return plan
    },
  )

  app.post(
    '/api/v1/operator/plans/:id/archive',
    {
      config,
      preValidation,
      schema: {
        tags,
        summary: 'Archive a plan: no longer offered; workspaces on it keep it',
        params: planParams,
        response: { 200: PlanSchema, ...errors },
      },
    },
    async (req) => {
      const auth = operator(req)
      const plan = await updatePlan(db, req.params.id, { archived: true })
      req.log.info({ operator: auth.user.id, plan: plan.key }, 'plan archived')
      return plan
    },
  )

  app.get(
    '/api/v1/operator/workspaces',
    {
      config,
      preValidation,
      schema: {
        tags,
        summary: 'Every workspace with its plan, state and usage, newest first',
        querystring: OperatorWorkspaceQuerySchema,
        response: { 200: OperatorWorkspaceListSchema, ...errors },
      },
    },
    async (req) => {
      return operatorWorkspaces(db, req.query)
    },
  )

  app.patch(
    '/api/v1/operator/workspaces/:id/billing',
    {
      config,
      preValidation,
      schema: {
        tags,
        summary: 'Set a workspace’s plan or limit overrides, without Stripe (audited in the workspace)',
        params: z.object({ id: IdSchema }),
        body: OperatorWorkspaceBillingInputSchema,
        response: { 200: OperatorWorkspaceSchema, ...errors },
      },
    },
    async (req) => {
      const auth = operator(req)
      const found = await findWorkspaceForOperator(db, req.params.id)
      if (!found) throw problems.notFound('Workspace')
      const plan = req.body.planKey ? await findPlanByKey(db, req.body.planKey) : undefined
      if (plan === null)
        throw problems.validation([{ field: 'planKey', message: 'is not a plan (or is archived)' }])
      await db.transaction((tx) =>
        setWorkspacePlan(
          tx,
          auditMeta(req, auth.user),
          found.id,
          { plan, limitOverrides: req.body.limitOverrides },
          'operator',
          kernel.events,
        ),
      )
      entitlements.invalidate(found.id)
      return operatorWorkspace(db, (await findWorkspaceForOperator(db, found.id))!)
    },
  )
}
