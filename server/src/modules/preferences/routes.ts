import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { problemResponses } from '../../../../contracts/common.ts'
import { DashboardLayoutInputSchema, DashboardLayoutSchema } from '../../../../contracts/preferences.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { getDashboardLayout, saveDashboardLayout } from './service.ts'

const errors = problemResponses(400, 401, 403)

export function registerPreferenceRoutes(root: FastifyInstance, kernel: Pick<Kernel, 'database'>) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const tags = ['Preferences']

  app.get(
    '/api/v1/me/preferences/dashboard',
    {
      schema: {
        tags,
        summary: 'Your dashboard layout in the active workspace',
        description: 'Widgets in your order with the ones you hid; an empty list means the default layout.',
        response: { 200: DashboardLayoutSchema, ...errors },
      },
    },
    async (req) => getDashboardLayout(workspaceContext(req, db)),
  )

  app.put(
    '/api/v1/me/preferences/dashboard',
    {
      schema: {
        tags,
        summary: 'Save your dashboard layout in the active workspace',
        description: 'Replaces your layout; nobody else’s changes, and other workspaces keep theirs.',
        body: DashboardLayoutInputSchema,
        response: { 200: DashboardLayoutSchema, ...errors },
      },
    },
    async (req) => saveDashboardLayout(workspaceContext(req, db), req.body),
  )
}
