import { useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { unreadTotalQuery } from './keys.ts'

/** Beside "Messages" in the navigation: unread messages over every conversation, kept live by realtime. */
export function UnreadBadge() {
  const { t } = useTranslation()
  const { data: unread = 0 } = useQuery(unreadTotalQuery)
  if (!unread) return null
  return (
    <span
      data-testid="messages-unread-badge"
      className="min-w-5 rounded-full bg-red-700 px-1.5 text-center text-xs leading-5 font-semibold text-white"
    >
      <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
      <span className="sr-only">{t('messaging.unreadBadge', { count: unread })}</span>
    </span>
  )
}
