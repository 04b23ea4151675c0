import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { ProfilePage } from '../../features/account/profile-page.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/settings/profile')({
  component: ProfileRoute,
})

function ProfileRoute() {
  const { t } = useTranslation()
  return (
    <>
      <PageHeader title={t('profile.title')} description={t('profile.description')} />
      <ProfilePage />
    </>
  )
}
