import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert } from '../../components/ui/index.ts'
import { can, useMe } from '../../features/auth/api.ts'
import { BillingPage } from '../../features/billing/billing-page.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/settings/billing')({
  component: BillingRoute,
})

function BillingRoute() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  if (!me) return null
  return (
    <>
      <PageHeader title={t('billing.title')} description={t('billing.description')} />
      {can(me, 'billing:read') ? (
        <BillingPage canManage={can(me, 'billing:manage')} />
      ) : (
        <Alert tone="info">{t('billing.noAccess')}</Alert>
      )}
    </>
  )
}
