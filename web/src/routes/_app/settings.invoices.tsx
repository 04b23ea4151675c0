import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert } from '../../components/ui/index.ts'
import { can, useMe } from '../../features/auth/api.ts'
import { InvoiceSettingsPage } from '../../features/invoice-settings/settings-page.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/settings/invoices')({
  component: InvoiceSettingsRoute,
})

function InvoiceSettingsRoute() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  if (!me) return null
  return (
    <>
      <PageHeader title={t('invoiceSettings.title')} description={t('invoiceSettings.description')} />
      {can(me, 'invoices:read') ? (
        <InvoiceSettingsPage me={me} />
      ) : (
        <Alert tone="info">{t('invoiceSettings.noAccess')}</Alert>
      )}
    </>
  )
}
