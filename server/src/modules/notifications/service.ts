import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import type {
  Digest,
  Notification,
  NotificationPreferences,
  NotificationPreferencesInput,
} from '../../../../contracts/notifications.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Db, Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { decodeCursor, page } from '../../kernel/http/pagination.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import { publishMany } from '../../kernel/realtime/index.ts'
import { memberships, withWorkspace } from '../../kernel/tenancy/index.ts'
import {
  type ChannelSwitches,
  channelsFor,
  notificationType,
  notificationTypes,
  renderNotification,
} from './registry.ts'
import { notificationPreferences, notifications } from './schema.ts'

export const EMAIL_QUEUE = 'notifications.email'
export const PUSH_QUEUE = 'notifications.push'
export const CREATED = 'notification.created'
export const READ = 'notification.read'

/** How long after their last request a member counts as offline (mentions and direct messages). */
export const OFFLINE_AFTER_MS = 10 * 60_000

/**
 * What `notify` needs: the workspace the event happened in and the kernel pieces it writes through.
 * Built from a domain event by `notifyContextOf`, so notifications come from event handlers, after the
 * change committed, never from a request handler.
 */
export type NotifyContext = {
  db: Db
  jobs: Pick<Jobs, 'sendAll'>
  workspaceId: string
  /** The member whose action caused it: never notified of their own action. */
  actorId?: string | null
  /** Overrides the offline rule's clock (tests). */
  now?: Date
}

type Overrides = Record<string, Partial<ChannelSwitches>>

/** A link is a path inside the app (`/clients/…`); anything else (another origin, a scheme) is dropped. */
export function appPath(link: string | null): string | null {
  return link && /^\/(?![/\\])/.test(link) && link.length <= 2000 ? link : null
}

async function preferencesOf(tx: Tx, userIds: string[]) {
  if (!userIds.length) return new Map<string, { channels: Overrides; digest: Digest }>()
  const rows = await tx
    .select({
      userId: notificationPreferences.userId,
      channels: notificationPreferences.channels,
      digest: notificationPreferences.digest,
    })
    .from(notificationPreferences)
    .where(inArray(notificationPreferences.userId, userIds))
  return new Map(rows.map((r) => [r.userId, { channels: r.channels as Overrides, digest: r.digest }]))
}

/** Members seen (any signed-in request) within OFFLINE_AFTER_MS of `now`. */
async function onlineAmong(db: Db, userIds: string[], now: Date): Promise<Set<string>> {
  if (!userIds.length) return new Set()
  const since = new Date(now.getTime() - OFFLINE_AFTER_MS).toISOString()
  const rows = await db.execute<{ user_id: string }>(sql`
    select distinct user_id::text as user_id from sessions
     where user_id = any(${`{${userIds.join(',')}}`}::uuid[])
       and last_seen_at > ${since}::timestamptz and expires_at > now()`)
  return new Set(rows.rows.map((r) => r.user_id))
}

/**
 * Notifies members of the workspace: one row per recipient whose in-app channel is on (others get
 * nothing stored), email queued per their digest setting, a push per device, and a realtime event to
 * their user room so the badge moves. Recipients who are not members, and the actor, are left out.
 * Idempotent: the same `key` for the same type and recipient stores one notification, so a handler
 * that runs again sends nothing twice. Returns the ids stored.
 */
export async function notifyAny(
  ctx: NotifyContext,
  recipients: readonly string[],
  type: string,
  payload: Record<string, unknown>,
  key: string,
): Promise<string[]> {
  const def = notificationType(type)
  if (!def) throw new Error(`notification type ${type} is not registered`)
  const wanted = [...new Set(recipients)].filter((r) => r && r !== ctx.actorId)
  if (!wanted.length) return []
  const now = ctx.now ?? new Date()
  const online = def.emailWhenOffline ? await onlineAmong(ctx.db, wanted, now) : new Set<string>()
  const link = appPath(def.link(payload as never))
  return withWorkspace(ctx, async (tx) => {
    const members = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, ctx.workspaceId), inArray(memberships.userId, wanted)))
    const userIds = members.map((m) => m.userId)
    const prefs = await preferencesOf(tx, userIds)
    const rows: (typeof notifications.$inferInsert)[] = []
    for (const userId of userIds) {
      const p = prefs.get(userId)
      const on = channelsFor(def, p?.channels[type])
      if (!on.in_app) continue
      const email = on.email ? (def.emailWhenOffline && online.has(userId) ? 'skipped' : 'pending') : null
      rows.push({
        id: newId('ntf'),
        workspaceId: ctx.workspaceId,
        recipientId: userId,
        type,
        payload,
        link,
        dedupeKey: key,
        emailStatus: email,
      })
    }
    if (!rows.length) return []
    const stored = await tx.insert(notifications).values(rows).onConflictDoNothing().returning({
      id: notifications.id,
      recipientId: notifications.recipientId,
      emailStatus: notifications.emailStatus,
    })
    if (!stored.length) return []
    await publishMany(
      tx,
      ctx.workspaceId,
      stored.map((n) => ({
        audience: { user: n.recipientId },
        type: CREATED,
        ids: { notificationId: n.id },
      })),
    )
    const jobs: { name: string; data: object }[] = []
    for (const n of stored) {
      const p = prefs.get(n.recipientId)
      if (n.emailStatus === 'pending' && (p?.digest ?? 'immediately') === 'immediately')
        jobs.push({ name: EMAIL_QUEUE, data: { workspaceId: ctx.workspaceId, userId: n.recipientId } })
      if (channelsFor(def, p?.channels[type]).push)
        jobs.push({ name: PUSH_QUEUE, data: { workspaceId: ctx.workspaceId, notificationId: n.id } })
    }
    await ctx.jobs.sendAll(jobs, tx)
    return stored.map((n) => n.id)
  })
}

type Row = typeof notifications.$inferSelect

export function serialize(n: Row): Notification {
  const { title, summary } = renderNotification(n.type, n.payload)
  return {
    id: n.id,
    type: n.type,
    title,
    summary,
    link: n.link,
    payload: n.payload as Record<string, unknown>,
    readAt: n.readAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
  }
}

const mine = (ctx: ServiceContext) =>
  and(eq(notifications.workspaceId, ctx.workspaceId), eq(notifications.recipientId, ctx.actor.userId))

/** The caller's notifications in the active workspace, newest first. */
export async function listNotifications(
  ctx: ServiceContext,
  q: { limit: number; cursor?: string; unread?: 'true' | 'false' },
) {
  const cursor = decodeCursor(q.cursor)
  return withWorkspace(ctx, async (tx) => {
    const rows = await tx
      .select()
      .from(notifications)
      .where(
        and(
          mine(ctx),
          q.unread === 'true' ? isNull(notifications.readAt) : undefined,
          cursor
            ? or(
                lt(notifications.createdAt, new Date(cursor.t)),
                and(eq(notifications.createdAt, new Date(cursor.t)), lt(notifications.id, cursor.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(q.limit + 1)
    const p = page(rows, q.limit)
    return { data: p.data.map(serialize), nextCursor: p.nextCursor }
  })
}

export async function unreadCount(ctx: ServiceContext): Promise<{ unread: number }> {
  return withWorkspace(ctx, async (tx) => {
    const [row] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(notifications)
      .where(and(mine(ctx), isNull(notifications.readAt)))
    return { unread: Number(row?.n ?? 0) }
  })
}

/** Marks one of the caller's notifications read; anyone else's id answers 404. */
export async function markRead(ctx: ServiceContext, id: string): Promise<Notification> {
  return withWorkspace(ctx, async (tx) => {
    const [found] = await tx
      .select()
      .from(notifications)
      .where(and(mine(ctx), eq(notifications.id, id)))
    if (!found) throw problems.notFound('Notification')
    if (found.readAt) return serialize(found)
    const [row] = await tx
      .update(notifications)
      .set({ readAt: sql`now()` })
      .where(eq(notifications.id, id))
      .returning()
    await publishMany(tx, ctx.workspaceId, [
      { audience: { user: ctx.actor.userId }, type: READ, ids: { notificationId: id } },
    ])
    return serialize(row!)
  })
}

export async function markAllRead(ctx: ServiceContext): Promise<{ marked: number }> {
  return withWorkspace(ctx, async (tx) => {
    const rows = await tx
      .update(notifications)
      .set({ readAt: sql`now()` })
      .where(and(mine(ctx), isNull(notifications.readAt)))
      .returning({ id: notifications.id })
    if (rows.length)
      await publishMany(tx, ctx.workspaceId, [
        { audience: { user: ctx.actor.userId }, type: READ, ids: { all: 'true' } },
      ])
    return { marked: rows.length }
  })
}

const prefsOf = (ctx: ServiceContext) =>
  and(
    eq(notificationPreferences.workspaceId, ctx.workspaceId),
    eq(notificationPreferences.userId, ctx.actor.userId),
  )

function describePreferences(
  channels: Overrides,
  digest: Digest,
  updatedAt: Date | null,
): NotificationPreferences {
  return {
    digest,
    types: notificationTypes().map((d) => ({
      type: d.type,
      label: d.label,
      module: d.module,
      channels: channelsFor(d, channels[d.type]),
      defaults: { ...d.defaults },
      emailWhenOffline: !!d.emailWhenOffline,
    })),
    updatedAt: updatedAt?.toISOString() ?? null,
  }
}

export async function getPreferences(ctx: ServiceContext): Promise<NotificationPreferences> {
  return withWorkspace(ctx, async (tx) => {
    const [row] = await tx.select().from(notificationPreferences).where(prefsOf(ctx))
    return describePreferences(
      (row?.channels as Overrides) ?? {},
      row?.digest ?? 'immediately',
      row?.updatedAt ?? null,
    )
  })
}

/** Changes the caller's settings; unknown types answer 400. Audited with before and after. */
export async function savePreferences(
  ctx: ServiceContext,
  input: NotificationPreferencesInput,
): Promise<NotificationPreferences> {
  const unknown = Object.keys(input.channels ?? {}).filter((t) => !notificationType(t))
  if (unknown.length)
    throw problems.validation(
      unknown.map((t) => ({ field: `channels.${t}`, message: 'is not a notification type' })),
    )
  return withWorkspace(ctx, async (tx) => {
    const [before] = await tx.select().from(notificationPreferences).where(prefsOf(ctx)).for('update')
    const channels: Overrides = { ...((before?.channels as Overrides) ?? {}) }
    for (const [type, set] of Object.entries(input.channels ?? {})) {
      const merged = { ...channels[type] }
      for (const [ch, v] of Object.entries(set)) if (v !== undefined) merged[ch as keyof ChannelSwitches] = v
      channels[type] = merged
    }
    const digest = input.digest ?? before?.digest ?? 'immediately'
    const [row] = await tx
      .insert(notificationPreferences)
      .values({ workspaceId: ctx.workspaceId, userId: ctx.actor.userId, channels, digest })
      .onConflictDoUpdate({
        target: [notificationPreferences.workspaceId, notificationPreferences.userId],
        set: { channels, digest, updatedAt: sql`now()` },
      })
      .returning({ updatedAt: notificationPreferences.updatedAt })
    const prev = before ? { channels: before.channels, digest: before.digest } : null
    const next = { channels, digest }
    if (JSON.stringify(prev) !== JSON.stringify(next))
      await record(tx, ctx.workspaceId, ctx.meta, {
        action: 'notifications.preferences_updated',
        targetType: 'notification_preferences',
        targetId: ctx.actor.userId,
        targetLabel: 'Notification preferences',
        before: prev,
        after: next,
      })
    return describePreferences(channels, digest, row!.updatedAt)
  })
}
