import { queryOptions } from '@tanstack/react-query'
import type {
  Digest,
  Notification,
  NotificationChannel,
  NotificationPreferences,
} from '../../../../contracts/notifications.ts'
import { api, queryString } from '../../lib/api.ts'

export type { Digest, Notification, NotificationChannel, NotificationPreferences }

export const notificationKeys = {
  all: ['notifications'] as const,
  list: (unread: boolean) => ['notifications', 'list', unread] as const,
  count: ['notifications', 'unread-count'] as const,
  preferences: ['notifications', 'preferences'] as const,
}

export const unreadCountQuery = queryOptions({
  queryKey: notificationKeys.count,
  queryFn: ({ signal }) => api.get<{ unread: number }>('/api/v1/notifications/unread-count', signal),
  staleTime: 60_000,
})

export type NotificationPage = { data: Notification[]; nextCursor: string | null }

export const fetchNotifications = (unread: boolean, cursor: string | undefined, signal?: AbortSignal) =>
  api.get<NotificationPage>(
    `/api/v1/notifications${queryString({ limit: 30, unread: unread ? 'true' : undefined, cursor })}`,
    signal,
  )

export const preferencesQuery = queryOptions({
  queryKey: notificationKeys.preferences,
  queryFn: ({ signal }) => api.get<NotificationPreferences>('/api/v1/notifications/preferences', signal),
})

export const notificationsApi = {
  markRead: (id: string) => api.post<Notification>(`/api/v1/notifications/${encodeURIComponent(id)}/read`),
  markAllRead: () => api.post<{ marked: number }>('/api/v1/notifications/read-all'),
  savePreferences: (body: {
    digest?: Digest
    channels?: Record<string, Partial<Record<NotificationChannel, boolean>>>
  }) => api.put<NotificationPreferences>('/api/v1/notifications/preferences', body),
  pushKey: () => api.get<{ publicKey: string }>('/api/v1/notifications/push/key'),
  subscribePush: (sub: PushSubscriptionJSON) => api.post('/api/v1/notifications/push/subscriptions', sub),
  unsubscribePush: (endpoint: string) => api.post('/api/v1/notifications/push/unsubscribe', { endpoint }),
}

/** Groups notifications by the local day they arrived, newest first, as `YYYY-MM-DD` keys. */
export function groupByDay(items: readonly Notification[]): { day: string; items: Notification[] }[] {
  const groups: { day: string; items: Notification[] }[] = []
  for (const n of items) {
    const d = new Date(n.createdAt)
    const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    const last = groups[groups.length - 1]
    if (last?.day === day) last.items.push(n)
    else groups.push({ day, items: [n] })
  }
  return groups
}
