import { subscribe } from '../../../kernel/events/index.ts'
import type { Kernel } from '../../../kernel/kernel.ts'
import { memberRefs } from '../../../kernel/tenancy/index.ts'
import { registerNotificationType } from '../registry.ts'
import { type NotifyContext, notifyAny } from '../service.ts'

type MessageRef = {
  conversationId: string
  messageId: string
  /** The thread's first message, when this is a reply. */
  parentId?: string | null
  authorId: string | null
  authorName: string
}

declare module '../registry.ts' {
  interface NotificationTypes {
    mention: MessageRef & { channelMention: boolean }
    direct_message: MessageRef
  }
}

/** The messages page with the conversation open at the message (in its thread for a reply). */
const link = (p: MessageRef) =>
  `/messages?c=${p.conversationId}&m=${p.messageId}${p.parentId ? `&thread=${p.parentId}` : ''}`

registerNotificationType({
  type: 'mention',
  module: 'messaging',
  label: 'Someone mentions you in a conversation',
  render: (p) => ({
    title: p.channelMention ? `${p.authorName} mentioned everyone` : `${p.authorName} mentioned you`,
    summary: 'Open the conversation to read the message.',
  }),
  link,
  defaults: { in_app: true, email: true, push: true },
  emailWhenOffline: true,
})

registerNotificationType({
  type: 'direct_message',
  module: 'messaging',
  label: 'A direct or group message to you',
  render: (p) => ({
    title: `New message from ${p.authorName}`,
    summary: 'Open the conversation to read it.',
  }),
  link,
  defaults: { in_app: true, email: true, push: true },
  emailWhenOffline: true,
})

const isDirect = (kind: string) => kind === 'direct' || kind === 'group'

/**
 * A new message notifies the members it names (`@name`; `@channel` names the conversation's
 * participants, except those who muted it) with `mention`, and the other participants of a direct or group conversation
 * with `direct_message`. One notification per member and message: a mention wins over the message.
 */
export const messagingNotifications = [
  subscribe<'message.created', Kernel>(
    'message.created',
    'notifications.message-created',
    async (e, kernel) => {
      const p = e.payload
      if (!e.workspaceId) return
      const ctx: NotifyContext = {
        db: kernel.database.db,
        jobs: kernel.jobs,
        workspaceId: e.workspaceId,
        actorId: p.authorId,
      }
      const direct = isDirect(p.conversationKind)
      // Whoever muted the conversation hears only of messages that name them.
      const muted = new Set(p.mutedUserIds ?? [])
      const mentioned = new Set(p.mentionedUserIds)
      if (p.channelMention) for (const u of p.participantUserIds) if (!muted.has(u)) mentioned.add(u)
      if (p.authorId) mentioned.delete(p.authorId)
      const others = direct
        ? p.participantUserIds.filter((u) => u !== p.authorId && !mentioned.has(u) && !muted.has(u))
        : []
      if (!mentioned.size && !others.length) return
      const author = p.authorId
        ? (await memberRefs(kernel.database.db, e.workspaceId, [p.authorId])).get(p.authorId)
        : undefined
      const ref = {
        conversationId: p.conversationId,
        messageId: p.messageId,
        parentId: p.parentId,
        authorId: p.authorId,
        authorName: author?.name || author?.email || 'Someone',
      }
      const key = `message:${p.messageId}`
      if (mentioned.size)
        await notifyAny(ctx, [...mentioned], 'mention', { ...ref, channelMention: p.channelMention }, key)
      if (others.length) await notifyAny(ctx, others, 'direct_message', ref, key)
    },
    // A channel message that names no one notifies no one: no job is queued for it.
    { when: (p) => isDirect(p.conversationKind) || p.channelMention || p.mentionedUserIds.length > 0 },
  ),
]
