import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { NotificationsList } from '../../features/notifications/notifications-list.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/notifications')({
  component: NotificationsPage,
})

function NotificationsPage() {
  const { t } = useTranslation()
  return (
    <>
      <PageHeader title={t('notifications.title')} description={t('notifications.description')} />
      <NotificationsList />
    </>
  )
}
