import { and, eq } from 'drizzle-orm'
import type { RequestDetails } from 'web-push'
import type { Config } from '../../config.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Db } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { renderNotification } from './registry.ts'
import { notifications, pushSubscriptions } from './schema.ts'

type Subscription = { endpoint: string; keys: { p256dh: string; auth: string } }

/** Saves this device's subscription for the caller (the same endpoint again replaces it). */
export async function subscribePush(ctx: ServiceContext, input: Subscription, userAgent: string | null) {
  return withWorkspace(ctx, async (tx) => {
    const [row] = await tx
      .insert(pushSubscriptions)
      .values({
        id: newId('psub'),
        workspaceId: ctx.workspaceId,
        userId: ctx.actor.userId,
        endpoint: input.endpoint,
        p256dh: input.keys.p256dh,
        auth: input.keys.auth,
        userAgent: userAgent?.slice(0, 512) ?? null,
      })
      .onConflictDoUpdate({
        target: [pushSubscriptions.workspaceId, pushSubscriptions.endpoint],
        set: { userId: ctx.actor.userId, p256dh: input.keys.p256dh, auth: input.keys.auth },
      })
      .returning()
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'notifications.push_subscribed',
      targetType: 'push_subscription',
      targetId: row!.id,
      targetLabel: new URL(input.endpoint).host,
    })
    return { id: row!.id, endpoint: row!.endpoint, createdAt: row!.createdAt.toISOString() }
  })
}

/** Removes the caller's subscription with this endpoint; another member's or an unknown one is 404. */
export async function unsubscribePush(ctx: ServiceContext, endpoint: string): Promise<void> {
  await withWorkspace(ctx, async (tx) => {
    const [row] = await tx
      .delete(pushSubscriptions)
      .where(
        and(
          eq(pushSubscriptions.workspaceId, ctx.workspaceId),
          eq(pushSubscriptions.userId, ctx.actor.userId),
          eq(pushSubscriptions.endpoint, endpoint),
        ),
      )
      .returning({ id: pushSubscriptions.id })
    if (!row) throw problems.notFound('Push subscription')
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'notifications.push_unsubscribed',
      targetType: 'push_subscription',
      targetId: row.id,
    })
  })
}

/** What the service worker shows: `tag` is the notification id, so a repeated delivery replaces itself. */
export type PushPayload = { id: string; title: string; body: string; url: string | null; tag: string }

export const PUSH_TTL_SECONDS = 24 * 60 * 60

/**
 * The signed, encrypted HTTP request for one device (web-push: VAPID JWT signed with the server's
 * P-256 key, payload encrypted with aes128gcm for the browser's keys). Loaded on first use.
 */
export async function buildPushRequest(
  push: Config['push'],
  sub: Subscription,
  payload: PushPayload,
): Promise<RequestDetails> {
  const webPush = (await import('web-push')).default
  return webPush.generateRequestDetails(sub, JSON.stringify(payload), {
    vapidDetails: { subject: push.subject, publicKey: push.publicKey, privateKey: push.privateKey },
    TTL: PUSH_TTL_SECONDS,
    contentEncoding: 'aes128gcm',
    urgency: 'normal',
  })
}

/**
 * The push job: sends a notification to each of its recipient's devices in the workspace, unless it
 * was read meanwhile. A subscription the push service says is gone (404, 410) is removed.
 */
export async function sendPush(
  deps: { db: Db; config: Pick<Config, 'push' | 'appUrl'> },
  data: { workspaceId: string; notificationId: string },
): Promise<number> {
  const found = await withWorkspace({ db: deps.db, workspaceId: data.workspaceId }, async (tx) => {
    const [n] = await tx.select().from(notifications).where(eq(notifications.id, data.notificationId))
    if (!n || n.readAt) return null
    const subs = await tx
      .select()
      .from(pushSubscriptions)
      .where(
        and(eq(pushSubscriptions.workspaceId, data.workspaceId), eq(pushSubscriptions.userId, n.recipientId)),
      )
    return { n, subs }
  })
  if (!found?.subs.length) return 0
  const { title, summary } = renderNotification(found.n.type, found.n.payload)
  const payload: PushPayload = {
    id: found.n.id,
    title,
    body: summary,
    url: found.n.link ? `${deps.config.appUrl}${found.n.link}` : null,
    tag: found.n.id,
  }
  const webPush = (await import('web-push')).default
  let sent = 0
  const gone: string[] = []
  for (const s of found.subs) {
    const sub = { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }
    try {
      await webPush.sendNotification(sub, JSON.stringify(payload), {
        vapidDetails: {
          subject: deps.config.push.subject,
          publicKey: deps.config.push.publicKey,
          privateKey: deps.config.push.privateKey,
        },
        TTL: PUSH_TTL_SECONDS,
        contentEncoding: 'aes128gcm',
        timeout: 10_000,
      })
      sent++
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode
      if (status === 404 || status === 410) gone.push(s.id)
      else if (!status || status >= 500 || status === 429) throw err
    }
  }
  if (gone.length)
    await withWorkspace({ db: deps.db, workspaceId: data.workspaceId }, async (tx) => {
      for (const id of gone) await tx.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id))
    })
  return sent
}
