import './strings.ts'
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, Card, cn, EmptyState, linkClasses, QueryState } from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { useFormatDate, useFormatDateTime } from '../../lib/format.ts'
import {
  fetchNotifications,
  groupByDay,
  type Notification,
  notificationKeys,
  notificationsApi,
} from './api.ts'

/** The notification centre: newest first, grouped by day, with mark one / all read and links to the source. */
export function NotificationsList() {
  const { t } = useTranslation()
  const [unreadOnly, setUnreadOnly] = useState(false)
  const queryClient = useQueryClient()
  const list = useInfiniteQuery({
    queryKey: notificationKeys.list(unreadOnly),
    queryFn: ({ pageParam, signal }) => fetchNotifications(unreadOnly, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
  const refresh = () => queryClient.invalidateQueries({ queryKey: notificationKeys.all })
  const markRead = useMutation({ mutationFn: notificationsApi.markRead, onSuccess: refresh })
  const markAll = useMutation({
    mutationFn: notificationsApi.markAllRead,
    onSuccess: () => {
      showToast({ message: t('notifications.markedAll') })
      return refresh()
    },
  })
  const items = list.data?.pages.flatMap((p) => p.data) ?? []

  return (
    <Card
      actions={
        <div className="flex flex-wrap items-center gap-2">
          <fieldset className="flex gap-1" aria-label={t('notifications.filter')}>
            {[false, true].map((u) => (
              <Button
                key={String(u)}
                variant={unreadOnly === u ? 'primary' : 'secondary'}
                aria-pressed={unreadOnly === u}
                onClick={() => setUnreadOnly(u)}
              >
                {u ? t('notifications.unread') : t('notifications.all')}
              </Button>
            ))}
          </fieldset>
          <Button variant="secondary" loading={markAll.isPending} onClick={() => markAll.mutate()}>
            {t('notifications.markAllRead')}
          </Button>
          <Link to="/settings/notifications" className={linkClasses}>
            {t('notifications.preferences.link')}
          </Link>
        </div>
      }
    >
      <QueryState query={list}>
        {() =>
          items.length === 0 ? (
            <EmptyState title={unreadOnly ? t('notifications.emptyUnread') : t('notifications.empty')} />
          ) : (
            <div className="space-y-6">
              {groupByDay(items).map((g) => (
                <DayGroup key={g.day} day={g.day} items={g.items} onRead={(id) => markRead.mutate(id)} />
              ))}
              {list.hasNextPage ? (
                <Button
                  variant="secondary"
                  loading={list.isFetchingNextPage}
                  onClick={() => list.fetchNextPage()}
                >
                  {t('notifications.loadMore')}
                </Button>
              ) : null}
            </div>
          )
        }
      </QueryState>
    </Card>
  )
}

function DayGroup({
  day,
  items,
  onRead,
}: {
  day: string
  items: Notification[]
  onRead: (id: string) => void
}) {
  const { t } = useTranslation()
  const formatDate = useFormatDate()
  const formatDateTime = useFormatDateTime()
  const today = new Date()
  const key = (d: Date) =>
    `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
  const yesterday = new Date(today.getTime() - 86_400_000)
  const label =
    day === key(today)
      ? t('notifications.today')
      : day === key(yesterday)
        ? t('notifications.yesterday')
        : formatDate(items[0]!.createdAt)
  return (
    <section aria-label={label}>
      <h2 className="mb-2 text-sm font-semibold text-slate-600 dark:text-slate-300">{label}</h2>
      <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 dark:divide-slate-700 dark:border-slate-700">
        {items.map((n) => (
          <li
            key={n.id}
            data-testid="notification"
            data-unread={n.readAt ? undefined : 'true'}
            className={cn('flex items-start gap-3 p-3', !n.readAt && 'bg-indigo-50 dark:bg-indigo-950/40')}
          >
            <div className="min-w-0 flex-1">
              <p className="font-medium">
                {!n.readAt ? <span className="sr-only">{t('notifications.unreadLabel')}: </span> : null}
                {n.link ? (
                  <a
                    href={n.link}
                    className={linkClasses}
                    onClick={() => {
                      if (!n.readAt) onRead(n.id)
                    }}
                  >
                    {n.title}
                  </a>
                ) : (
                  n.title
                )}
              </p>
              {n.summary ? <p className="text-sm text-slate-700 dark:text-slate-300">{n.summary}</p> : null}
              <p className="text-xs text-slate-600 dark:text-slate-400">
                <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
              </p>
            </div>
            {!n.readAt ? (
              <Button
                variant="ghost"
                onClick={() => onRead(n.id)}
                aria-label={`${t('notifications.markRead')}: ${n.title}`}
              >
                {t('notifications.markRead')}
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  )
}
