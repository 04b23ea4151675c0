import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { pageSchema, problemResponses } from '../../../../contracts/common.ts'
import {
  CreateInvitationSchema,
  CreateWorkspaceSchema,
  InvitationPreviewSchema,
  InvitationSchema,
  MemberSchema,
  UpdateMemberSchema,
  UpdateWorkspaceSchema,
  WorkspaceSchema,
} from '../../../../contracts/workspaces.ts'
import { userContext, workspaceContext } from '../../kernel/http/context.ts'
import { paginationQuery } from '../../kernel/http/pagination.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import * as invitations from './invitations.service.ts'
import * as members from './members.service.ts'
import * as workspaces from './workspaces.service.ts'

const errors = problemResponses(400, 401, 403, 404, 409)
const idParams = z.object({ id: z.uuid() })
const tokenParams = z.object({ token: z.string().min(1).max(200) })

export function registerWorkspaceRoutes(
  root: FastifyInstance,
  kernel: Pick<Kernel, 'database' | 'events'>,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const deps = { events: kernel.events }

  app.post(
    '/api/v1/workspaces',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['Workspaces'],
        summary: 'Create a workspace owned by the caller (it becomes the active one)',
        body: CreateWorkspaceSchema,
        response: { 201: WorkspaceSchema, ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await workspaces.createWorkspace(userContext(req, db), req.body)),
  )

  app.get(
    '/api/v1/workspace',
    {
      schema: {
        tags: ['Workspaces'],
        summary: 'The active workspace',
        response: { 200: WorkspaceSchema, ...errors },
      },
    },
    async (req) => workspaces.getWorkspace(workspaceContext(req, db)),
  )

  app.patch(
    '/api/v1/workspace',
    {
      config: { permission: 'workspace:write' },
      schema: {
        tags: ['Workspaces'],
        summary: 'Rename the active workspace, change its slug or its 2FA rule',
        body: UpdateWorkspaceSchema,
        response: { 200: WorkspaceSchema, ...errors },
      },
    },
    async (req) => workspaces.updateWorkspace(workspaceContext(req, db), req.body),
  )

  app.get(
    '/api/v1/members',
    {
      config: { permission: 'members:read' },
      schema: {
        tags: ['Members'],
        summary: 'List the members of the active workspace',
        querystring: z.object({
          ...paginationQuery,
          q: z
            .string()
            .trim()
            .max(100)
            .optional()
            .describe('Only members whose name or email contains this text (case-insensitive).'),
        }),
        response: { 200: pageSchema(MemberSchema), ...errors },
      },
    },
    async (req) => members.listMembers(workspaceContext(req, db), req.query),
  )

  app.patch(
    '/api/v1/members/:id',
    {
      config: { permission: 'members:write' },
      schema: {
        tags: ['Members'],
        summary: "Change a member's role",
        params: idParams,
        body: UpdateMemberSchema,
        response: { 200: MemberSchema, ...errors },
      },
    },
    async (req) => members.changeRole(deps, workspaceContext(req, db), req.params.id, req.body.role),
  )

  app.delete(
    '/api/v1/members/:id',
    {
      schema: {
        tags: ['Members'],
        summary: 'Remove a member (or leave, with your own membership id)',
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      await members.removeMember(workspaceContext(req, db), req.params.id)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/api/v1/members/:id/transfer-ownership',
    {
      config: { permission: 'workspace:transfer' },
      schema: {
        tags: ['Members'],
        summary: 'Make this member the owner; the current owner becomes an admin',
        params: idParams,
        response: { 200: z.object({ data: z.array(MemberSchema) }), ...errors },
      },
    },
    async (req) => members.transferOwnership(workspaceContext(req, db), req.params.id),
  )

  app.get(
    '/api/v1/invitations',
    {
      config: { permission: 'invitations:read' },
      schema: {
        tags: ['Invitations'],
        summary: 'List invitations of the active workspace, newest first',
        querystring: z.object(paginationQuery),
        response: { 200: pageSchema(InvitationSchema), ...errors },
      },
    },
    async (req) => invitations.listInvitations(workspaceContext(req, db), req.query),
  )

  app.post(
    '/api/v1/invitations',
    {
      config: { permission: 'invitations:write' },
      schema: {
        tags: ['Invitations'],
        summary: 'Invite someone by email',
        body: CreateInvitationSchema,
        response: { 201: InvitationSchema, ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await invitations.createInvitation(deps, workspaceContext(req, db), req.body)),
  )

  app.post(
    '/api/v1/invitations/:id/resend',
    {
      config: { permission: 'invitations:write' },
      schema: {
        tags: ['Invitations'],
        summary: 'Send the invitation again with a new link and expiry',
        params: idParams,
        response: { 200: InvitationSchema, ...errors },
      },
    },
    async (req) => invitations.resendInvitation(deps, workspaceContext(req, db), req.params.id),
  )

  app.delete(
    '/api/v1/invitations/:id',
    {
      config: { permission: 'invitations:write' },
      schema: {
        tags: ['Invitations'],
        summary: 'Revoke a pending invitation',
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      await invitations.revokeInvitation(workspaceContext(req, db), req.params.id)
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/v1/invitation-tokens/:token',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['Invitations'],
        summary: 'What an invitation link offers (public)',
        params: tokenParams,
        response: { 200: InvitationPreviewSchema, ...problemResponses(404) },
      },
    },
    async (req) => invitations.previewInvitation(db, req.params.token),
  )

  app.post(
    '/api/v1/invitation-tokens/:token/accept',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['Invitations'],
        summary: 'Accept an invitation as the signed-in user',
        params: tokenParams,
        response: { 200: z.object({ workspaceId: z.uuid() }), ...problemResponses(410), ...errors },
      },
    },
    async (req) => invitations.acceptInvitation(deps, userContext(req, db), req.params.token),
  )
}
