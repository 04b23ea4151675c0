import type { Events } from '../../kernel/events/index.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import { MAIL_QUEUE, renderEmail } from '../../kernel/mail/index.ts'
import type { InvitationSentEvent } from './invitations.service.ts'

/** Sends the invitation email after the invitation commits. */
export function registerWorkspaceEvents(events: Events, jobs: Jobs, appUrl: string): void {
  events.on<InvitationSentEvent>('invitation.sent', 'workspaces.invitation-email', async (e) => {
    const p = e.payload
    await jobs.send(MAIL_QUEUE, {
      to: p.email,
      ...renderEmail({
        subject: `${p.inviterName} invited you to ${p.workspaceName} on Atrium`,
        greeting: 'Hello,',
        lines: [
          `${p.inviterName} invited you to join the workspace "${p.workspaceName}" as ${p.role === 'admin' ? 'an admin' : 'a member'}.`,
          'The invitation expires in 7 days.',
        ],
        action: { label: 'Accept the invitation', url: `${appUrl}/invite/${p.token}` },
        footer: 'If you were not expecting this invitation, you can ignore this email.',
      }),
    })
  })
}
