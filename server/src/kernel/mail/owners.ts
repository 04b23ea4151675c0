import { and, eq } from 'drizzle-orm'
import { users } from '../auth/schema.ts'
import type { Db } from '../db/index.ts'
import type { Jobs } from '../jobs/index.ts'
import { memberships, workspaces } from '../tenancy/index.ts'
import { MAIL_QUEUE, renderEmail } from './index.ts'

export type OwnerNotice = { subject: string; lines: string[]; action: { label: string; url: string } }

/**
 * Emails every owner of a workspace through the mail job: for event subscribers, which run after the
 * change commits (never from a request). Returns how many were sent.
 */
export async function emailWorkspaceOwners(
  deps: { db: Db; jobs: Jobs },
  workspaceId: string,
  notice: OwnerNotice,
): Promise<number> {
  const owners = await deps.db
    .select({ email: users.email, workspace: workspaces.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')))
  for (const o of owners)
    await deps.jobs.send(MAIL_QUEUE, {
      to: o.email,
      ...renderEmail({
        subject: notice.subject,
        greeting: 'Hello,',
        lines: notice.lines,
        action: notice.action,
        footer: `You receive this as an owner of ${o.workspace}.`,
      }),
    })
  return owners.length
}
