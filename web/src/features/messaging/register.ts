import { registerRealtimeHandler } from '../../lib/realtime.ts'
import { registerNavItem } from '../../lib/registry/navigation.ts'
import { LazyUnreadBadge } from './lazy-badge.tsx'

registerNavItem({
  id: 'messages',
  to: '/messages',
  labelKey: 'messaging.title',
  order: 15,
  permission: 'messaging:read',
  badge: LazyUnreadBadge,
})
/**
 * Realtime says what changed: the conversations (`conversation.*`: activity, read positions, members,
 * renames; the list, the badge and the open one are refetched, and its members when they change), or a conversation's history
 * (`message.*`, `reaction.*`: its pages and threads). A conversation's own events arrive while its page
 * has joined its room; activity and read positions reach every member's own room (activity skips the
 * sockets in the conversation's room: their `message.created` stands for it).
 */
registerRealtimeHandler({
  id: 'messaging',
  order: 0,
  types: ['message.', 'reaction.', 'conversation.'],
  invalidate: (e) => [
    e.type.startsWith('conversation.')
      ? ['messaging', 'conversations']
      : ['messaging', 'messages', String(e.ids.conversationId)],
    // A socket in the conversation's room is not sent its `conversation.activity`: this is it.
    ...(e.type === 'message.created' ? [['messaging', 'conversations']] : []),
    ...(e.type.startsWith('conversation.member')
      ? [['messaging', 'members', String(e.ids.conversationId)]]
      : []),
  ],
})
