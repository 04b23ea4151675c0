import type { Role } from '../../kernel/access/index.ts'
import { subscribe } from '../../kernel/events/index.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { MAIL_QUEUE, renderEmail } from '../../kernel/mail/index.ts'
import type { InvitationSentEvent } from './invitations.service.ts'

declare module '../../kernel/events/index.ts' {
  interface DomainEvents {
    /** An invitation was created or sent again; carries what the email needs. */
    'invitation.sent': InvitationSentEvent
    /** Someone joined the workspace through an invitation (`inviterId`: who sent it, when known). */
    'invitation.accepted': {
      invitationId: string
      memberId: string
      userId: string
      name: string
      role: Role
      inviterId: string | null
    }
    /** A member's role changed (`changedBy`: the user who changed it). */
    'member.role_changed': { memberId: string; userId: string; before: Role; after: Role; changedBy: string }
  }
}

/** Sends the invitation email after the invitation commits. */
export const invitationEmail = subscribe<'invitation.sent', Kernel>(
  'invitation.sent',
  'workspaces.invitation-email',
  async (e, kernel) => {
    const p = e.payload
    await kernel.jobs.send(MAIL_QUEUE, {
      to: p.email,
      ...renderEmail({
        subject: `${p.inviterName} invited you to ${p.workspaceName} on Atrium`,
        greeting: 'Hello,',
        lines: [
          `${p.inviterName} invited you to join the workspace "${p.workspaceName}" as ${p.role === 'admin' ? 'an admin' : 'a member'}.`,
          'The invitation expires in 7 days.',
        ],
        action: { label: 'Accept the invitation', url: `${kernel.config.appUrl}/invite/${p.token}` },
        footer: 'If you were not expecting this invitation, you can ignore this email.',
      }),
    })
  },
)
