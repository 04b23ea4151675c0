import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { AuditEntrySchema, AuditFilterSchema } from '../../../../contracts/audit.ts'
import { ProblemSchema, pageSchema } from '../../../../contracts/common.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import { paginationQuery } from '../../kernel/http/pagination.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { iterateAuditLogs, listAuditLogs } from './service.ts'

const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema }

// Spreadsheet apps run cells starting with these as formulas; a leading quote keeps them text.
const neutralise = (v: string | null | undefined) => {
  const s = v ?? ''
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
}

export function registerAuditLogRoutes(root: FastifyInstance, kernel: Pick<Kernel, 'database'>): void {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db

  app.get(
    '/api/v1/audit-logs',
    {
      schema: {
        tags: ['Audit log'],
        summary: 'Audit entries of the active workspace, newest first',
        querystring: AuditFilterSchema.extend(paginationQuery),
        response: { 200: pageSchema(AuditEntrySchema), ...errors },
      },
    },
    async (req) => listAuditLogs(workspaceContext(req, db), req.query),
  )

  app.get(
    '/api/v1/audit-logs/export',
    {
      schema: {
        tags: ['Audit log'],
        summary: 'Export the filtered audit log as CSV (streamed)',
        querystring: AuditFilterSchema,
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV file'), ...errors },
      },
    },
    async (req, reply) => {
      const ctx = workspaceContext(req, db)
      const rows = iterateAuditLogs(ctx, req.query)
      const first = await rows.next()
      const csv = stringify({
        header: true,
        columns: [
          'time',
          'actor',
          'action',
          'target_type',
          'target',
          'ip_address',
          'user_agent',
          'before',
          'after',
        ],
      })
      const source = Readable.from(
        (async function* () {
          let r = first
          while (!r.done) {
            const e = r.value
            yield [
              e.createdAt,
              neutralise(e.actor?.email),
              neutralise(e.action),
              neutralise(e.targetType),
              neutralise(e.targetLabel ?? e.targetId),
              neutralise(e.ipAddress),
              neutralise(e.userAgent),
              neutralise(e.changes.before ? JSON.stringify(e.changes.before) : ''),
              neutralise(e.changes.after ? JSON.stringify(e.changes.after) : ''),
            ]
            r = await rows.next()
          }
        })(),
      )
      const stamp = new Date().toISOString().slice(0, 10)
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-log-${stamp}.csv"`)
      return reply.send(source.pipe(csv) as never)
    },
  )
}
