import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { AuditEntrySchema, AuditFilterSchema } from '../../../../contracts/audit.ts'
import { pageSchema, problemResponses } from '../../../../contracts/common.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import { sendCsv } from '../../kernel/http/csv.ts'
import { paginationQuery } from '../../kernel/http/pagination.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { iterateAuditLogs, listAuditLogs } from './service.ts'

const errors = problemResponses(400, 401, 403)

export function registerAuditLogRoutes(root: FastifyInstance, kernel: Pick<Kernel, 'database'>): void {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db

  app.get(
    '/api/v1/audit-logs',
    {
      config: { permission: 'audit:read' },
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
      config: { permission: 'audit:read' },
      schema: {
        tags: ['Audit log'],
        summary: 'Export the filtered audit log as CSV (streamed)',
        querystring: AuditFilterSchema,
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV file'), ...errors },
      },
    },
    async (req, reply) => {
      const rows = iterateAuditLogs(workspaceContext(req, db), req.query)
      const stamp = new Date().toISOString().slice(0, 10)
      return sendCsv(
        reply,
        `audit-log-${stamp}.csv`,
        ['time', 'actor', 'action', 'target_type', 'target', 'ip_address', 'user_agent', 'before', 'after'],
        (async function* () {
          for await (const e of rows)
            yield [
              e.createdAt,
              e.actor?.email,
              e.action,
              e.targetType,
              e.targetLabel ?? e.targetId,
              e.ipAddress,
              e.userAgent,
              e.changes.before ? JSON.stringify(e.changes.before) : '',
              e.changes.after ? JSON.stringify(e.changes.after) : '',
            ]
        })(),
      )
    },
  )
}
