import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  MeSchema,
  SessionSchema,
  SetActiveWorkspaceSchema,
  UpdateMeSchema,
} from '../../../../contracts/account.ts'
import { ProblemSchema } from '../../../../contracts/common.ts'
import { userContext } from '../../kernel/http/context.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import * as account from './service.ts'

const errors = { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema }

export function registerAccountRoutes(root: FastifyInstance, kernel: Pick<Kernel, 'database'>): void {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const user = { auth: 'user' as const }

  app.get(
    '/api/v1/me',
    {
      config: user,
      schema: {
        tags: ['Account'],
        summary: 'The signed-in user and their workspaces',
        response: { 200: MeSchema, 401: ProblemSchema },
      },
    },
    async (req) => account.me(req.auth!),
  )

  app.patch(
    '/api/v1/me',
    {
      config: user,
      schema: {
        tags: ['Account'],
        summary: 'Update your profile',
        body: UpdateMeSchema,
        response: { 200: MeSchema, ...errors },
      },
    },
    async (req) => account.updateMe(userContext(req, db), req.body),
  )

  app.put(
    '/api/v1/me/active-workspace',
    {
      config: user,
      schema: {
        tags: ['Account'],
        summary: 'Switch the workspace this session works in',
        body: SetActiveWorkspaceSchema,
        response: { 200: MeSchema, ...errors },
      },
    },
    async (req) => account.setActiveWorkspace(userContext(req, db), req.body.workspaceId),
  )

  app.get(
    '/api/v1/me/sessions',
    {
      config: user,
      schema: {
        tags: ['Account'],
        summary: 'Your active sessions',
        response: { 200: z.object({ data: z.array(SessionSchema) }), 401: ProblemSchema },
      },
    },
    async (req) => account.listSessions(userContext(req, db)),
  )

  app.delete(
    '/api/v1/me/sessions/:id',
    {
      config: user,
      schema: {
        tags: ['Account'],
        summary: 'Sign out one of your sessions',
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      await account.revokeSession(userContext(req, db), req.params.id)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/api/v1/me/sessions/revoke-others',
    {
      config: user,
      schema: {
        tags: ['Account'],
        summary: 'Sign out every session but this one',
        response: { 200: z.object({ revoked: z.number().int() }), 401: ProblemSchema },
      },
    },
    async (req) => account.revokeOtherSessions(userContext(req, db)),
  )
}
