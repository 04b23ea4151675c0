import { queryOptions } from '@tanstack/react-query'
import { api } from '../../lib/api.ts'

// Loaded with the shell (the navigation badge and the realtime handler); the rest of the API is in api.ts.

export const messagingKeys = {
  all: ['messaging'] as const,
  conversations: ['messaging', 'conversations'] as const,
  unread: ['messaging', 'conversations', 'unread'] as const,
  conversation: (id: string) => ['messaging', 'conversation', id] as const,
  messages: (id: string) => ['messaging', 'messages', id] as const,
}

/** The total unread count for the navigation badge (one conversation asked for; the total comes along). */
export const unreadTotalQuery = queryOptions({
  queryKey: messagingKeys.unread,
  queryFn: ({ signal }) =>
    api.get<{ totalUnread: number }>('/api/v1/conversations?limit=1&joined=true', signal),
  select: (page) => page.totalUnread,
  staleTime: 30_000,
})
