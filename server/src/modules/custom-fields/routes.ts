import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  CreateCustomFieldSchema,
  CustomFieldIdSchema,
  CustomFieldSchema,
  UpdateCustomFieldSchema,
} from '../../../../contracts/clients.ts'
import { problemResponses } from '../../../../contracts/common.ts'
import { RecordTypeQuerySchema } from '../../../../contracts/custom-fields.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import * as fields from './service.ts'

const errors = problemResponses(400, 401, 403, 404, 409)
const tags = ['Custom fields']
const params = z.object({ id: CustomFieldIdSchema })

export function registerCustomFieldRoutes(root: FastifyInstance, kernel: Pick<Kernel, 'database'>): void {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db

  app.get(
    '/api/v1/custom-fields',
    {
      schema: {
        tags,
        summary: "The workspace's custom fields of a record type, in display order",
        querystring: RecordTypeQuerySchema,
        response: { 200: z.object({ data: z.array(CustomFieldSchema) }), ...errors },
      },
    },
    async (req) => fields.listCustomFields(workspaceContext(req, db), req.query.recordType),
  )
  app.post(
    '/api/v1/custom-fields',
    {
      config: { permission: 'custom_fields:write' },
      schema: {
        tags,
        summary: 'Define a custom field of a record type (owners and admins)',
        querystring: RecordTypeQuerySchema,
        body: CreateCustomFieldSchema,
        response: { 201: CustomFieldSchema, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await fields.createCustomField(workspaceContext(req, db), req.query.recordType, req.body)),
  )
  app.patch(
    '/api/v1/custom-fields/:id',
    {
      config: { permission: 'custom_fields:write' },
      schema: {
        tags,
        summary: 'Change a custom field (its key, type and record type stay)',
        params,
        body: UpdateCustomFieldSchema,
        response: { 200: CustomFieldSchema, ...errors },
      },
    },
    async (req) => fields.updateCustomField(workspaceContext(req, db), req.params.id, req.body),
  )
  app.delete(
    '/api/v1/custom-fields/:id',
    {
      config: { permission: 'custom_fields:write' },
      schema: {
        tags,
        summary: 'Delete a custom field and its values',
        params,
        response: { 204: z.null().describe('Done'), ...errors },
      },
    },
    async (req, reply) => {
      await fields.deleteCustomField(workspaceContext(req, db), req.params.id)
      return reply.status(204).send(null)
    },
  )
}
