import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  DeleteAccountSchema,
  MeSchema,
  ProfileSchema,
  SessionSchema,
  SetActiveWorkspaceSchema,
  UpdateMeSchema,
  UpdateProfileSchema,
} from '../../../../contracts/account.ts'
import { problemResponses } from '../../../../contracts/common.ts'
import { userContext } from '../../kernel/http/context.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { sessionBilling } from '../billing/index.ts'
import * as profile from './profile.service.ts'
import * as account from './service.ts'

const errors = problemResponses(400, 401, 404, 409)

export function registerAccountRoutes(
  root: FastifyInstance,
  kernel: Pick<Kernel, 'database' | 'config'>,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  // The answer about the caller, with the operator flag and the active workspace's plan features and
  // billing state (billing's public face), so the web gates its UI without another request.
  const withBilling = async <T extends { activeWorkspace: { id: string } | null }>(
    req: FastifyRequest,
    answer: T,
  ) => ({
    ...answer,
    ...(await sessionBilling(db, kernel.config, req.auth!.user, answer.activeWorkspace?.id ?? null)),
  })
  const user = { auth: 'user' as const }

  app.get(
    '/api/v1/me',
    {
      config: user,
      schema: {
        tags: ['Account'],
        summary: 'The signed-in user and their workspaces',
        response: { 200: MeSchema, ...problemResponses(401) },
      },
    },
    async (req) => withBilling(req, account.me(req.auth!)),
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
    async (req) => withBilling(req, await account.updateMe(userContext(req, db), req.body)),
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
    async (req) => {
      const answer = await account.setActiveWorkspace(userContext(req, db), req.body.workspaceId)
      return withBilling(req, answer)
    },
  )

  app.get(
    '/api/v1/me/sessions',
    {
      config: user,
      schema: {
        tags: ['Account'],
        summary: 'Your active sessions',
        response: { 200: z.object({ data: z.array(SessionSchema) }), ...problemResponses(401) },
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
        response: { 200: z.object({ revoked: z.number().int() }), ...problemResponses(401) },
      },
    },
    async (req) => account.revokeOtherSessions(userContext(req, db)),
  )

  app.get(
    '/api/v1/me/profile',
    {
      config: user,
      schema: {
        tags: ['Account'],
        summary: 'Your profile: name, initials, time zone, language and the workspaces you own',
        response: { 200: ProfileSchema, ...problemResponses(401) },
      },
    },
    async (req) => profile.getProfile(userContext(req, db)),
  )

  app.patch(
    '/api/v1/me/profile',
    {
      config: user,
      schema: {
        tags: ['Account'],
        summary: 'Change your name, time zone or language (audited in your workspaces)',
        description:
          'Passwords change through `POST /api/auth/change-password`, email addresses through `POST /api/auth/change-email` (the new address must be confirmed from the link sent to it).',
        body: UpdateProfileSchema,
        response: { 200: ProfileSchema, ...errors },
      },
    },
    async (req) => profile.updateProfile(userContext(req, db), req.body),
  )

  app.post(
    '/api/v1/me/deletion',
    {
      config: user,
      schema: {
        tags: ['Account'],
        summary: 'Delete your account',
        description:
          'Needs your password. Refused with 409 while you own a workspace: transfer ownership or delete the workspace first.',
        body: DeleteAccountSchema,
        response: { 204: z.null().describe('Deleted; the session ends'), ...errors },
      },
    },
    async (req, reply) => {
      await profile.deleteAccount(userContext(req, db), req.body.password)
      return reply.status(204).send(null)
    },
  )
}
