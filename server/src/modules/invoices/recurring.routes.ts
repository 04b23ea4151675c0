import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { pageSchema, problemResponses } from '../../../../contracts/common.ts'
import {
  CreateRecurringSchema,
  RecurringIdSchema,
  RecurringListQuerySchema,
  RecurringSchema,
  UpdateRecurringSchema,
} from '../../../../contracts/invoices-recurring.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import * as recurring from './recurring.ts'

const errors = problemResponses(400, 401, 403, 404, 409)

/** `/api/v1/recurring-invoices`: profiles from which the scheduled job writes one invoice per period. */
export function registerRecurringRoutes(root: FastifyInstance, kernel: Pick<Kernel, 'database' | 'events'>) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const deps = { events: kernel.events }
  const ctx = (req: Parameters<typeof workspaceContext>[0]) => workspaceContext(req, db)
  const tags = ['Recurring invoices']
  const params = z.object({ id: RecurringIdSchema })

  app.get(
    '/api/v1/recurring-invoices',
    {
      schema: {
        tags,
        summary: 'List, filter and search recurring invoices',
        description:
          'Members see the profiles of the clients they see. Filters: `status` (active, paused, completed), `client`; `q` searches name, client and line text. Sorts: `created`, `updated`, `next` (the next invoice date).',
        querystring: RecurringListQuerySchema,
        response: { 200: pageSchema(RecurringSchema), ...errors },
      },
    },
    async (req) => recurring.listProfiles(ctx(req), req.query),
  )
  app.get(
    '/api/v1/recurring-invoices/:id',
    {
      schema: {
        tags,
        summary: 'One recurring invoice',
        params,
        response: { 200: RecurringSchema, ...errors },
      },
    },
    async (req) => recurring.getProfile(ctx(req), req.params.id),
  )
  app.post(
    '/api/v1/recurring-invoices',
    {
      config: { permission: 'invoices:write' },
      schema: {
        tags,
        summary: 'Start a recurring invoice',
        description:
          'One invoice per period from `startDate`, every `interval` weeks, months, quarters or years, until `endDate` or `count` invoices (or for ever without either). Lines are checked against the catalog and tax rates now; with `autoSend` each invoice is numbered and emailed to the client as it is written.',
        body: CreateRecurringSchema,
        response: { 201: RecurringSchema, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await recurring.createProfile(deps, ctx(req), req.body)),
  )
  app.patch(
    '/api/v1/recurring-invoices/:id',
    {
      config: { permission: 'invoices:write' },
      schema: {
        tags,
        summary: 'Change a recurring invoice (invoices already written stay as they are)',
        description:
          'The start date, frequency and interval are fixed once an invoice was written. A count or end date reached completes the profile; raising it starts it again.',
        params,
        body: UpdateRecurringSchema,
        response: { 200: RecurringSchema, ...errors },
      },
    },
    async (req) => recurring.updateProfile(deps, ctx(req), req.params.id, req.body),
  )
  for (const [path, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const)
    app.post(
      `/api/v1/recurring-invoices/:id/${path}`,
      {
        config: { permission: 'invoices:write' },
        schema: {
          tags,
          summary: paused
            ? 'Pause a recurring invoice'
            : 'Resume a paused recurring invoice (periods missed while paused are skipped)',
          params,
          response: { 200: RecurringSchema, ...errors },
        },
      },
      async (req) => recurring.setPaused(deps, ctx(req), req.params.id, paused),
    )
  app.delete(
    '/api/v1/recurring-invoices/:id',
    {
      config: { permission: 'invoices:delete' },
      schema: {
        tags,
        summary: 'Delete a recurring invoice (the invoices it wrote stay)',
        params,
        response: { 204: z.null().describe('Done'), ...errors },
      },
    },
    async (req, reply) => {
      await recurring.deleteProfile(deps, ctx(req), req.params.id)
      return reply.code(204).send(null)
    },
  )
}
