import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { NotificationPreferencesPage } from '../../features/notifications/preferences.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/settings/notifications')({
  component: NotificationSettingsPage,
})

function NotificationSettingsPage() {
  const { t } = useTranslation()
  return (
    <>
      <PageHeader
        title={t('notifications.preferences.title')}
        description={t('notifications.preferences.description')}
      />
      <NotificationPreferencesPage />
    </>
  )
}
