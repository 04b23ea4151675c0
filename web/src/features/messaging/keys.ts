import { queryOptions } from '@tanstack/react-query'
import { api } from '../../lib/api.ts'

// Loaded with the shell (the navigation badge and the realtime handler); the other keys are in api.ts.
// Everything under `conversations` (the list, the badge, one conversation) is refetched together.
export const shellKeys = {
  conversations: ['messaging', 'conversations'] as const,
  unread: ['messaging', 'conversations', 'unread'] as const,
}

/** The total unread count for the navigation badge (one conversation asked for; the total comes along). */
export const unreadTotalQuery = queryOptions({
  queryKey: shellKeys.unread,
  queryFn: ({ signal }) =>
    api.get<{ totalUnread: number }>('/api/v1/conversations?limit=1&joined=true', signal),
  select: (page) => page.totalUnread,
  staleTime: 30_000,
})
