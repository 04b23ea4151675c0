import type { Role } from '../../../kernel/access/index.ts'
import { subscribe } from '../../../kernel/events/index.ts'
import type { Kernel } from '../../../kernel/kernel.ts'
import { registerNotificationType } from '../registry.ts'
import { notifyAny } from '../service.ts'

declare module '../registry.ts' {
  interface NotificationTypes {
    'invitation.accepted': { memberId: string; name: string; role: Role }
    'member.role_changed': { before: Role; after: Role }
  }
}

const article = (role: Role) => (role === 'admin' || role === 'owner' ? `an ${role}` : `a ${role}`)

registerNotificationType({
  type: 'invitation.accepted',
  module: 'workspaces',
  label: 'Someone you invited joins the workspace',
  render: (p) => ({ title: `${p.name} joined the workspace`, summary: `They joined as ${article(p.role)}.` }),
  link: () => '/settings/members',
  defaults: { in_app: true, email: true, push: false },
})
registerNotificationType({
  type: 'member.role_changed',
  module: 'workspaces',
  label: 'Your role in the workspace changes',
  render: (p) => ({
    title: `You are now ${article(p.after)} of the workspace`,
    summary: `Your role changed from ${p.before} to ${p.after}.`,
  }),
  link: () => '/settings/members',
  defaults: { in_app: true, email: true, push: false },
})

/** The inviter hears that their invitation was accepted; a member hears that their role changed. */
export const workspaceNotifications = [
  subscribe<'invitation.accepted', Kernel>(
    'invitation.accepted',
    'notifications.invitation-accepted',
    async (e, k) => {
      const p = e.payload
      if (!e.workspaceId || !p.inviterId) return
      const ctx = { db: k.database.db, jobs: k.jobs, workspaceId: e.workspaceId, actorId: p.userId }
      await notifyAny(
        ctx,
        [p.inviterId],
        'invitation.accepted',
        { memberId: p.memberId, name: p.name, role: p.role },
        `invitation:${p.invitationId}`,
      )
    },
  ),
  subscribe<'member.role_changed', Kernel>(
    'member.role_changed',
    'notifications.role-changed',
    async (e, k) => {
      const p = e.payload
      if (!e.workspaceId) return
      const ctx = { db: k.database.db, jobs: k.jobs, workspaceId: e.workspaceId, actorId: p.changedBy }
      await notifyAny(
        ctx,
        [p.userId],
        'member.role_changed',
        { before: p.before, after: p.after },
        `role:${p.memberId}:${p.after}:${e.occurredAt}`,
      )
    },
  ),
]
