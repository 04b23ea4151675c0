import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { AppearanceForm } from '../../features/appearance/appearance-form.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/settings/appearance')({
  component: AppearancePage,
})

function AppearancePage() {
  const { t } = useTranslation()
  return (
    <>
      <PageHeader title={t('appearance.title')} description={t('appearance.description')} />
      <AppearanceForm />
    </>
  )
}
