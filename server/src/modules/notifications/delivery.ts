import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Digest } from '../../../../contracts/notifications.ts'
import { users } from '../../kernel/auth/schema.ts'
import type { Db } from '../../kernel/db/index.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import { MAIL_QUEUE } from '../../kernel/mail/index.ts'
import { withWorkspace, workspaces } from '../../kernel/tenancy/index.ts'
import type { EmailItem } from './email.ts'
import { renderNotification } from './registry.ts'
import { notificationPreferences, notifications } from './schema.ts'

export type DeliveryDeps = { db: Db; jobs: Pick<Jobs, 'send'>; appUrl: string }

/** The accent of notification emails: the product's, until workspaces carry a brand colour of their own. */
export const DEFAULT_BRAND = '#1f4e79'

/**
 * Sends one member's pending notification emails in a workspace as one message (one notification, or
 * a digest of several). The rows are locked, marked `sent` and the mail job written in one transaction,
 * so two runs never send the same notification twice, and a run that fails sends nothing and leaves
 * them pending. Notifications read meanwhile are not emailed (`skipped`). Returns how many it sent.
 */
export async function deliverEmail(deps: DeliveryDeps, workspaceId: string, userId: string): Promise<number> {
  const render = (await import('./email.ts')).renderNotificationEmail
  return withWorkspace({ db: deps.db, workspaceId }, async (tx) => {
    const rows = await tx
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.workspaceId, workspaceId),
          eq(notifications.recipientId, userId),
          eq(notifications.emailStatus, 'pending'),
        ),
      )
      .orderBy(asc(notifications.createdAt), asc(notifications.id))
      .limit(200)
      .for('update', { skipLocked: true })
    if (!rows.length) return 0
    const read = rows.filter((r) => r.readAt).map((r) => r.id)
    const due = rows.filter((r) => !r.readAt)
    if (read.length)
      await tx.update(notifications).set({ emailStatus: 'skipped' }).where(inArray(notifications.id, read))
    if (!due.length) return 0
    await tx
      .update(notifications)
      .set({ emailStatus: 'sent', emailedAt: sql`now()` })
      .where(
        inArray(
          notifications.id,
          due.map((r) => r.id),
        ),
      )
    const [user] = await tx
      .select({ email: users.email, name: users.name })
      .from(users)
      .where(eq(users.id, userId))
    const [ws] = await tx
      .select({ name: workspaces.name })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId))
    if (!user) return 0
    const items: EmailItem[] = due.map((r) => ({
      ...renderNotification(r.type, r.payload),
      url: r.link ? `${deps.appUrl}${r.link}` : null,
      at: r.createdAt,
    }))
    const email = await render(
      items,
      { workspaceName: ws?.name ?? 'Atrium', brandColor: DEFAULT_BRAND },
      user.name || user.email,
      `${deps.appUrl}/settings/notifications`,
    )
    await deps.jobs.send(MAIL_QUEUE, { to: user.email, ...email }, tx)
    return due.length
  })
}

/**
 * A digest run: every member with pending emails whose digest setting is one of `modes` gets one
 * message. The scan walks the workspaces (the notifications table forces row-level security, so each
 * workspace is read inside its own scope, through the partial index on pending rows).
 */
export async function runDigest(deps: DeliveryDeps, modes: readonly Digest[]): Promise<number> {
  const all = await deps.db.select({ id: workspaces.id }).from(workspaces)
  let sent = 0
  for (const { id: workspaceId } of all) {
    const people = await withWorkspace({ db: deps.db, workspaceId }, (tx) =>
      tx
        .selectDistinct({ userId: notifications.recipientId })
        .from(notifications)
        .leftJoin(
          notificationPreferences,
          and(
            eq(notificationPreferences.workspaceId, notifications.workspaceId),
            eq(notificationPreferences.userId, notifications.recipientId),
          ),
        )
        .where(
          and(
            eq(notifications.workspaceId, workspaceId),
            eq(notifications.emailStatus, 'pending'),
            inArray(sql`coalesce(${notificationPreferences.digest}, 'immediately')`, [...modes]),
          ),
        ),
    )
    for (const p of people) sent += await deliverEmail(deps, workspaceId, p.userId)
  }
  return sent
}

/** Which digests the hourly schedule sends at `now`: hourly ones always, daily ones at 07:00 UTC. */
export function digestModesAt(now: Date): Digest[] {
  return now.getUTCHours() === 7 ? ['immediately', 'hourly', 'daily'] : ['immediately', 'hourly']
}
