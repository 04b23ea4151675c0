import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '../../../../contracts/common.ts'
import {
  MarkAllReadSchema,
  NotificationIdParamsSchema,
  NotificationListQuerySchema,
  NotificationPageSchema,
  NotificationPreferencesInputSchema,
  NotificationPreferencesSchema,
  NotificationSchema,
  PushKeySchema,
  PushSubscriptionInputSchema,
  PushSubscriptionSchema,
  PushUnsubscribeInputSchema,
  UnreadCountSchema,
} from '../../../../contracts/notifications.ts'
import { workspaceContext } from '../../kernel/http/context.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { subscribePush, unsubscribePush } from './push.ts'
import * as service from './service.ts'

const errors = problemResponses(400, 401, 403)

export function registerNotificationRoutes(
  root: FastifyInstance,
  kernel: Pick<Kernel, 'database' | 'config'>,
) {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const tags = ['Notifications']

  app.get(
    '/api/v1/notifications',
    {
      schema: {
        tags,
        summary: 'Your notifications in the active workspace, newest first',
        description: 'Only your own. `unread=true` leaves out the ones you read.',
        querystring: NotificationListQuerySchema,
        response: { 200: NotificationPageSchema, ...errors },
      },
    },
    async (req) => service.listNotifications(workspaceContext(req, db), req.query),
  )

  app.get(
    '/api/v1/notifications/unread-count',
    {
      schema: {
        tags,
        summary: 'How many of your notifications are unread (the badge)',
        response: { 200: UnreadCountSchema, ...errors },
      },
    },
    async (req) => service.unreadCount(workspaceContext(req, db)),
  )

  app.post(
    '/api/v1/notifications/:id/read',
    {
      schema: {
        tags,
        summary: 'Mark one of your notifications read',
        description: 'Reading one again changes nothing. Anyone else’s notification answers 404.',
        params: NotificationIdParamsSchema,
        response: { 200: NotificationSchema, ...errors, ...problemResponses(404) },
      },
    },
    async (req) => service.markRead(workspaceContext(req, db), req.params.id),
  )

  app.post(
    '/api/v1/notifications/read-all',
    {
      schema: {
        tags,
        summary: 'Mark all your notifications in the active workspace read',
        response: { 200: MarkAllReadSchema, ...errors },
      },
    },
    async (req) => service.markAllRead(workspaceContext(req, db)),
  )

  app.get(
    '/api/v1/notifications/preferences',
    {
      schema: {
        tags,
        summary: 'Your notification settings: every type × channel, and the email digest',
        response: { 200: NotificationPreferencesSchema, ...errors },
      },
    },
    async (req) => service.getPreferences(workspaceContext(req, db)),
  )

  app.put(
    '/api/v1/notifications/preferences',
    {
      schema: {
        tags,
        summary: 'Change your notification settings in the active workspace',
        description:
          'Switches channels per type (types and channels left out keep their setting) and sets the email digest. Turning the in-app channel off stores nothing for that type.',
        body: NotificationPreferencesInputSchema,
        response: { 200: NotificationPreferencesSchema, ...errors },
      },
    },
    async (req) => service.savePreferences(workspaceContext(req, db), req.body),
  )

  app.get(
    '/api/v1/notifications/push/key',
    {
      schema: {
        tags,
        summary: 'The VAPID public key a browser subscribes with',
        response: { 200: PushKeySchema, ...errors },
      },
    },
    async (req) => {
      workspaceContext(req, db)
      return { publicKey: kernel.config.push.publicKey }
    },
  )

  app.post(
    '/api/v1/notifications/push/subscriptions',
    {
      schema: {
        tags,
        summary: 'Subscribe this device to push notifications',
        description: 'Saving the same endpoint again replaces its keys and owner.',
        body: PushSubscriptionInputSchema,
        response: { 201: PushSubscriptionSchema, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await subscribePush(workspaceContext(req, db), req.body, req.headers['user-agent'] ?? null)),
  )

  app.post(
    '/api/v1/notifications/push/unsubscribe',
    {
      schema: {
        tags,
        summary: 'Stop push notifications to this device',
        description: 'Removes your subscription with this endpoint; an unknown endpoint answers 404.',
        body: PushUnsubscribeInputSchema,
        response: { 204: z.null(), ...errors, ...problemResponses(404) },
      },
    },
    async (req, reply) => {
      await unsubscribePush(workspaceContext(req, db), req.body.endpoint)
      return reply.status(204).send(null)
    },
  )
}
