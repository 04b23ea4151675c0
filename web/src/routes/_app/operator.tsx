import { createFileRoute, notFound } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { useMe } from '../../features/auth/api.ts'
import { OperatorHome } from '../../features/operator/operator-home.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/operator')({
  component: OperatorRoute,
})

function OperatorRoute() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  // Only operators learn that the area exists; everyone else gets the not-found page.
  if (!me?.operator) throw notFound()
  return (
    <>
      <PageHeader title={t('operator.title')} description={t('operator.description')} />
      <OperatorHome />
    </>
  )
}
