import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  ActivitySchema,
  BulkAcceptedSchema,
  BulkActionSchema,
  BulkResultSchema,
  BulkRunIdSchema,
  BulkRunSchema,
  ClientFilterSchema,
  ClientIdSchema,
  ClientListQuerySchema,
  ClientListSchema,
  ClientSchema,
  ContactIdSchema,
  ContactSchema,
  CountSchema,
  CreateClientSchema,
  CreateContactSchema,
  CreateSavedViewSchema,
  ImportIdSchema,
  ImportOptionsSchema,
  ImportSchema,
  SavedViewSchema,
  UpdateClientSchema,
  UpdateContactSchema,
  ViewIdSchema,
} from '../../../../contracts/clients.ts'
import { pageSchema, problemResponses } from '../../../../contracts/common.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import { sendCsv } from '../../kernel/http/csv.ts'
import { fastSerializerCompiler } from '../../kernel/http/fast-json.ts'
import { paginationQuery } from '../../kernel/http/pagination.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { bulkAction, getBulkRun } from './bulk.ts'
import * as contacts from './contacts.service.ts'
import { exportClients } from './export.ts'
import * as imports from './import.service.ts'
import * as service from './service.ts'
import * as views from './views.service.ts'

const errors = problemResponses(400, 401, 403, 404, 409)
const clientParams = z.object({ id: ClientIdSchema })
const contactParams = z.object({ id: ClientIdSchema, contactId: ContactIdSchema })
const noContent = { 204: z.null().describe('Done') }
const MAX_UPLOAD = 20 * 1024 * 1024

export function registerClientRoutes(
  root: FastifyInstance,
  kernel: Pick<Kernel, 'database' | 'events' | 'jobs'>,
) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const deps = { events: kernel.events }
  const tags = ['Clients']

  app.get(
    '/api/v1/clients',
    {
      schema: {
        tags,
        summary: 'List, filter, sort and search clients',
        description:
          'Members see the clients they own or are assigned to. `q` matches name, legal name, email, contacts, tags and text custom fields, tolerating typos; results then come by relevance (up to the best 1,000 matches) unless `sort` is given. Custom field filters: `cf.<key>=<value>` (comma-separated values match any), `cf.<key>.min` / `cf.<key>.max` for numbers, money (minor units) and dates.',
        querystring: ClientListQuerySchema,
        response: { 200: ClientListSchema, ...errors },
      },
      serializerCompiler: fastSerializerCompiler,
    },
    async (req) => service.listClients(workspaceContext(req, db), req.query),
  )

  app.get(
    '/api/v1/clients/count',
    {
      schema: {
        tags,
        summary: 'Count the clients matching a filter (for "select all matching" and confirmations)',
        querystring: ClientFilterSchema,
        response: { 200: CountSchema, ...errors },
      },
    },
    async (req) => service.countClients(workspaceContext(req, db), req.query),
  )

  app.get(
    '/api/v1/clients/tags',
    {
      schema: {
        tags,
        summary: 'Tags in use, most used first',
        querystring: z.object({
          q: z
            .string()
            .trim()
            .toLowerCase()
            .max(40)
            .optional()
            .describe('Only tags starting with this text, for pickers that search as the user types.'),
          limit: z.coerce.number().int().min(1).max(200).default(200),
        }),
        response: {
          200: z.object({ data: z.array(z.object({ tag: z.string(), count: z.number().int() })) }),
          ...errors,
        },
      },
    },
    async (req) => service.listTags(workspaceContext(req, db), req.query),
  )

  app.get(
    '/api/v1/clients/export',
    {
      config: { permission: 'clients:export' },
      schema: {
        tags,
        summary: 'Export the clients of a view as CSV (streamed; formula cells neutralised)',
        querystring: ClientFilterSchema.extend({ sort: ClientListQuerySchema.shape.sort }),
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV file'), ...errors },
      },
    },
    async (req, reply) => exportClients(workspaceContext(req, db), req.query, reply),
  )

  app.post(
    '/api/v1/clients/bulk',
    {
      schema: {
        tags,
        summary: 'Apply an action to selected clients or to all clients matching a filter',
        description:
          'Give `ids` (up to 1,000) or `filter` (the list query parameters). For `delete` on a filter, send `expectedCount`: the request fails with 409 when the view no longer matches that many. Up to 5,000 clients the action is done when the answer comes (200); above, it runs as a job (202) whose progress `GET /api/v1/clients/bulk/{id}` shows; each thousand clients commit together and a retry resumes.',
        body: BulkActionSchema,
        response: { 200: BulkResultSchema, 202: BulkAcceptedSchema, ...errors },
      },
    },
    async (req, reply) => {
      const result = await bulkAction({ ...deps, jobs: kernel.jobs }, workspaceContext(req, db), req.body)
      return result.run ? reply.status(202).send({ run: result.run }) : { affected: result.affected }
    },
  )

  app.get(
    '/api/v1/clients/bulk/:id',
    {
      schema: {
        tags,
        summary: 'Progress of a bulk action that runs as a job (its starter only)',
        params: z.object({ id: BulkRunIdSchema }),
        response: { 200: BulkRunSchema, ...errors },
      },
    },
    async (req) => getBulkRun(workspaceContext(req, db), req.params.id),
  )

  app.post(
    '/api/v1/clients',
    {
      schema: {
        tags,
        summary: 'Create a client',
        body: CreateClientSchema,
        response: { 201: ClientSchema, ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await service.createClient(deps, workspaceContext(req, db), req.body)),
  )

  app.get(
    '/api/v1/clients/:id',
    {
      schema: { tags, summary: 'A client', params: clientParams, response: { 200: ClientSchema, ...errors } },
      serializerCompiler: fastSerializerCompiler,
    },
    async (req) => service.getClient(workspaceContext(req, db), req.params.id),
  )

  app.patch(
    '/api/v1/clients/:id',
    {
      schema: {
        tags,
        summary: 'Update a client (only the fields given)',
        params: clientParams,
        body: UpdateClientSchema,
        response: { 200: ClientSchema, ...errors },
      },
    },
    async (req) => service.updateClient(deps, workspaceContext(req, db), req.params.id, req.body),
  )

  app.delete(
    '/api/v1/clients/:id',
    {
      config: { permission: 'clients:delete' },
      schema: {
        tags,
        summary: 'Delete a client and its contacts (owners and admins)',
        params: clientParams,
        response: { ...noContent, ...errors },
      },
    },
    async (req, reply) => {
      await service.deleteClient(deps, workspaceContext(req, db), req.params.id)
      return reply.status(204).send(null)
    },
  )

  for (const [path, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const)
    app.post(
      `/api/v1/clients/:id/${path}`,
      {
        schema: {
          tags,
          summary: archived ? 'Archive a client' : 'Restore an archived client to its earlier status',
          params: clientParams,
          response: { 200: ClientSchema, ...errors },
        },
      },
      async (req) => service.setArchived(deps, workspaceContext(req, db), req.params.id, archived),
    )

  app.get(
    '/api/v1/clients/:id/activity',
    {
      schema: {
        tags,
        summary: "A client's activity timeline, newest first",
        params: clientParams,
        querystring: z.object(paginationQuery),
        response: { 200: pageSchema(ActivitySchema), ...errors },
      },
    },
    async (req) => service.clientActivity(workspaceContext(req, db), req.params.id, req.query),
  )

  // ---- contacts ----
  const contactTags = ['Contacts']
  app.get(
    '/api/v1/clients/:id/contacts',
    {
      schema: {
        tags: contactTags,
        summary: "A client's contacts",
        params: clientParams,
        response: { 200: z.object({ data: z.array(ContactSchema) }), ...errors },
      },
    },
    async (req) => contacts.listContacts(workspaceContext(req, db), req.params.id),
  )
  app.post(
    '/api/v1/clients/:id/contacts',
    {
      schema: {
        tags: contactTags,
        summary: 'Add a contact (its email must be unique in the workspace; the first becomes primary)',
        params: clientParams,
        body: CreateContactSchema,
        response: { 201: ContactSchema, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await contacts.createContact(deps, workspaceContext(req, db), req.params.id, req.body)),
  )
  app.patch(
    '/api/v1/clients/:id/contacts/:contactId',
    {
      schema: {
        tags: contactTags,
        summary: 'Update a contact',
        params: contactParams,
        body: UpdateContactSchema,
        response: { 200: ContactSchema, ...errors },
      },
    },
    async (req) =>
      contacts.updateContact(deps, workspaceContext(req, db), req.params.id, req.params.contactId, req.body),
  )
  app.delete(
    '/api/v1/clients/:id/contacts/:contactId',
    {
      schema: {
        tags: contactTags,
        summary: 'Remove a contact',
        params: contactParams,
        response: { ...noContent, ...errors },
      },
    },
    async (req, reply) => {
      await contacts.deleteContact(deps, workspaceContext(req, db), req.params.id, req.params.contactId)
      return reply.status(204).send(null)
    },
  )

  // ---- saved views ----
  app.get(
    '/api/v1/clients/views',
    {
      schema: {
        tags,
        summary: "The caller's saved client views",
        response: { 200: z.object({ data: z.array(SavedViewSchema) }), ...errors },
      },
    },
    async (req) => views.listViews(workspaceContext(req, db)),
  )
  app.post(
    '/api/v1/clients/views',
    {
      schema: {
        tags,
        summary: 'Save the current view (filters and sort) under a name',
        body: CreateSavedViewSchema,
        response: { 201: SavedViewSchema, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await views.createView(workspaceContext(req, db), req.body)),
  )
  app.delete(
    '/api/v1/clients/views/:id',
    {
      schema: {
        tags,
        summary: 'Delete a saved view',
        params: z.object({ id: ViewIdSchema }),
        response: { ...noContent, ...errors },
      },
    },
    async (req, reply) => {
      await views.deleteView(workspaceContext(req, db), req.params.id)
      return reply.status(204).send(null)
    },
  )

  // ---- import ----
  const importTags = ['Client import']
  const importParams = z.object({ id: ImportIdSchema })
  app.register(async (scope) => {
    // Spreadsheet apps and browsers label CSV files in several ways.
    scope.addContentTypeParser(
      ['text/csv', 'application/csv', 'application/vnd.ms-excel', 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: MAX_UPLOAD },
      (_req, body, done) => done(null, body),
    )
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/clients/import',
      {
        bodyLimit: MAX_UPLOAD,
        config: { permission: 'clients:import' },
        schema: {
          tags: importTags,
          summary: 'Upload a CSV file (UTF-8, up to 20 MB and 200,000 rows); columns are mapped by header',
          description:
            'Send the file as the raw body with `Content-Type: text/csv`. The answer holds the headers, sample rows and a suggested mapping. Then `check` (dry run) and `run`.',
          querystring: z.object({ filename: z.string().max(200).default('import.csv') }),
          consumes: ['text/csv'],
          response: { 201: ImportSchema, ...errors, ...problemResponses(413, 415) },
        },
      },
      async (req, reply) => {
        if (!Buffer.isBuffer(req.body))
          throw problems.unsupportedMediaType(
            'Send the file as the raw body with Content-Type: text/csv.',
            'text/csv',
          )
        const created = await imports.uploadImport(workspaceContext(req, db), req.query.filename, req.body)
        return reply.status(201).send(created)
      },
    )
  })
  app.get(
    '/api/v1/clients/import/:id',
    {
      config: { permission: 'clients:import' },
      schema: {
        tags: importTags,
        summary: 'An import: mapping, progress and results',
        params: importParams,
        response: { 200: ImportSchema, ...errors },
      },
    },
    async (req) => imports.getImport(workspaceContext(req, db), req.params.id),
  )
  app.post(
    '/api/v1/clients/import/:id/check',
    {
      config: { permission: 'clients:import' },
      schema: {
        tags: importTags,
        summary: 'Dry run: what the import would create, update and skip, and every bad row',
        params: importParams,
        body: ImportOptionsSchema,
        response: { 200: ImportSchema, ...errors },
      },
    },
    async (req) => imports.checkImport(workspaceContext(req, db), req.params.id, req.body),
  )
  app.post(
    '/api/v1/clients/import/:id/run',
    {
      config: { permission: 'clients:import' },
      schema: {
        tags: importTags,
        summary: 'Run the import in the background (bad rows are skipped and reported)',
        params: importParams,
        body: ImportOptionsSchema,
        response: { 202: ImportSchema, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .status(202)
        .send(await imports.runImport(kernel.jobs, workspaceContext(req, db), req.params.id, req.body)),
  )
  app.get(
    '/api/v1/clients/import/:id/errors',
    {
      config: { permission: 'clients:import' },
      schema: {
        tags: importTags,
        summary: 'The error report: each bad row with its line number, reason and original cells (CSV)',
        params: importParams,
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV file'), ...errors },
      },
    },
    async (req, reply) => {
      const report = await imports.importErrorRows(workspaceContext(req, db), req.params.id)
      return sendCsv(
        reply,
        `${report.filename}-errors.csv`,
        report.header,
        (async function* () {
          yield* report.rows
        })(),
      )
    },
  )
}
