import { registerRealtimeHandler } from '../../lib/realtime.ts'
import { registerNavItem } from '../../lib/registry/navigation.ts'
import { messagingKeys } from './keys.ts'
import { UnreadBadge } from './unread-badge.tsx'

registerNavItem({
  id: 'messages',
  to: '/messages',
  labelKey: 'messaging.title',
  order: 15,
  permission: 'messaging:read',
  goKey: 't',
  keywords: ['chat', 'channel', 'direct message', 'conversation'],
  badge: UnreadBadge,
})
/**
 * Realtime says what changed: a conversation's list entry and counts (`conversation.*`), or its history
 * (`message.*`, `reaction.*`), which is refetched through the API. Events of a conversation arrive only
 * while its page has joined its room; activity and read positions reach every member's own room.
 */
registerRealtimeHandler({
  id: 'messaging',
  order: 0,
  types: ['message.', 'reaction.', 'conversation.'],
  invalidate: (e) => {
    const id = typeof e.ids.conversationId === 'string' ? e.ids.conversationId : null
    if (e.type === 'conversation.activity' || e.type === 'conversation.read')
      return [messagingKeys.conversations]
    if (e.type.startsWith('conversation.'))
      return id
        ? [messagingKeys.conversations, messagingKeys.conversation(id)]
        : [messagingKeys.conversations]
    return id ? [messagingKeys.messages(id)] : []
  },
})
