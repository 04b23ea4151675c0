import type { DomainEvent } from '../../kernel/events/index.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { defineModule, job } from '../../kernel/module.ts'
import { deliverEmail, digestModesAt, runDigest } from './delivery.ts'
import { sendPush } from './push.ts'
import type { NotificationType, NotificationTypes } from './registry.ts'
import { registerNotificationRoutes } from './routes.ts'
import * as tables from './schema.ts'
import { EMAIL_QUEUE, type NotifyContext, notifyAny, PUSH_QUEUE } from './service.ts'
import { clientNotifications } from './types/clients.ts'
import { invoiceNotifications } from './types/invoices.ts'
import { messagingNotifications } from './types/messaging.ts'
import { workspaceNotifications } from './types/workspaces.ts'

export const DIGEST_QUEUE = 'notifications.digest'

/**
 * In-app, email and push notifications. Other modules add their notification types with
 * `registerNotificationType` and send them with `notify` from their event handlers.
 */
export default defineModule({
  name: 'notifications',
  tables,
  ids: { ntf: 'notification', psub: 'push subscription' },
  routes: registerNotificationRoutes,
  jobs: [
    job<{ workspaceId: string; userId: string }>(
      EMAIL_QUEUE,
      async (d, kernel) => {
        await deliverEmail(deliveryDeps(kernel), d.workspaceId, d.userId)
      },
      { retryLimit: 8 },
    ),
    job<{ workspaceId: string; notificationId: string }>(
      PUSH_QUEUE,
      async (d, kernel) => {
        await sendPush({ db: kernel.database.db, config: kernel.config }, d)
      },
      { retryLimit: 5 },
    ),
    job<Record<string, never>>(
      DIGEST_QUEUE,
      async (_d, kernel) => {
        await runDigest(deliveryDeps(kernel), digestModesAt(new Date()))
      },
      { cron: '0 * * * *', retryLimit: 2 },
    ),
  ],
  events: [
    ...messagingNotifications,
    ...invoiceNotifications,
    ...clientNotifications,
    ...workspaceNotifications,
  ],
})

function deliveryDeps(kernel: Pick<Kernel, 'database' | 'jobs' | 'config'>) {
  return { db: kernel.database.db, jobs: kernel.jobs, appUrl: kernel.config.appUrl }
}

/**
 * The context `notify` takes, from the domain event being handled: notifications are sent by event
 * handlers, after the change committed. `actorId` is never notified of their own action.
 */
export function notifyContextOf(
  kernel: Pick<Kernel, 'database' | 'jobs'>,
  event: Pick<DomainEvent, 'workspaceId'>,
  actorId?: string | null,
): NotifyContext {
  if (!event.workspaceId) throw new Error('notifications need the event’s workspace')
  return { db: kernel.database.db, jobs: kernel.jobs, workspaceId: event.workspaceId, actorId }
}

/**
 * Notifies members of the event's workspace (see `notifyAny`): `key` names the source (a message id,
 * an invoice id and what happened) so a handler that runs again notifies nobody twice.
 */
export function notify<K extends NotificationType>(
  ctx: NotifyContext,
  recipients: readonly string[],
  type: K,
  payload: NotificationTypes[K],
  opts: { key: string },
): Promise<string[]> {
  return notifyAny(ctx, recipients, type, payload as Record<string, unknown>, opts.key)
}

export {
  type NotificationTypeDefinition,
  type NotificationTypes,
  notificationTypes,
  registerNotificationType,
} from './registry.ts'
export type { NotifyContext } from './service.ts'
