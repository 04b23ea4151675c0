import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { problemResponses } from '../../../../contracts/common.ts'
import {
  RealtimeEventsPageSchema,
  RealtimeEventsQuerySchema,
  RealtimeTokenSchema,
} from '../../../../contracts/realtime.ts'
import { workspaceContext } from '../http/context.ts'
import type { Kernel } from '../kernel.ts'
import type { RealtimeServer } from './attach.ts'
import { eventsAfter } from './service.ts'
import { issueRealtimeToken } from './token.ts'

const attached = new WeakMap<FastifyInstance, Promise<RealtimeServer>>()

/** The socket server of an app that listens (it is attached once the HTTP server listens). */
export function realtimeServer(app: FastifyInstance): Promise<RealtimeServer> | undefined {
  return attached.get(app)
}

/**
 * The realtime routes, and Socket.IO on the same HTTP server at `/socket.io/`. Socket.IO is loaded
 * only when the server starts listening: apps that are only injected into (tests) never load it.
 */
export function registerRealtime(root: FastifyInstance, kernel: Kernel): void {
  registerRealtimeRoutes(root, kernel)
  root.addHook('onListen', async () => {
    const loading = import('./attach.ts').then((m) => m.attachRealtime(root, kernel))
    attached.set(root, loading)
    loading.catch((err) => kernel.log.error({ err }, 'realtime: could not attach Socket.IO'))
  })
  root.addHook('preClose', async () => {
    await (await attached.get(root)?.catch(() => undefined))?.close()
  })
}

const errors = problemResponses(400, 401, 403, 410)

function registerRealtimeRoutes(root: FastifyInstance, kernel: Kernel): void {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db

  app.post(
    '/api/v1/realtime/token',
    {
      schema: {
        tags: ['Realtime'],
        summary: 'A short-lived token to open a socket without the session cookie',
        description:
          'For API clients: connect to `/socket.io/` with `auth: { token }` within two minutes. The socket acts as you in the active workspace; your membership is checked when it opens.',
        response: { 200: RealtimeTokenSchema, ...problemResponses(401, 403) },
      },
    },
    async (req) => {
      const ctx = workspaceContext(req, db)
      const { token, expiresAt } = issueRealtimeToken(
        kernel.config.secretKey,
        ctx.actor.userId,
        ctx.workspaceId,
      )
      return { token, expiresAt: expiresAt.toISOString() }
    },
  )

  app.get(
    '/api/v1/realtime/events',
    {
      schema: {
        tags: ['Realtime'],
        summary: 'Events you may see after a cursor, oldest first (catch up after a disconnect)',
        description:
          'Every socket message carries its `cursor`; after a reconnect, read from the last one seen until `nextCursor` is null. Cursors older than the retention (7 days) answer 410: reload the data instead.',
        querystring: RealtimeEventsQuerySchema,
        response: { 200: RealtimeEventsPageSchema, ...errors },
      },
    },
    async (req) => {
      const ctx = workspaceContext(req, db)
      return eventsAfter(ctx, Number(req.query.after), req.query.limit)
    },
  )
}
