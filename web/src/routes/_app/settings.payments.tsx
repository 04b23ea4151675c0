import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert } from '../../components/ui/index.ts'
import { can, useMe } from '../../features/auth/api.ts'
import { PaymentSettingsPage } from '../../features/payments/settings-page.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/settings/payments')({
  component: PaymentSettingsRoute,
})

function PaymentSettingsRoute() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  if (!me) return null
  return (
    <>
      <PageHeader title={t('payments.settings.title')} description={t('payments.settings.description')} />
      {can(me, 'payments:gateways') ? (
        <PaymentSettingsPage />
      ) : (
        <Alert tone="info">{t('payments.settings.noAccess')}</Alert>
      )}
    </>
  )
}
