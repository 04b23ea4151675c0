import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert } from '../../components/ui/index.ts'
import { can, useMe } from '../../features/auth/api.ts'
import { TaxRatesPage } from '../../features/invoice-settings/tax-rates-page.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/settings/tax-rates')({
  component: TaxRatesRoute,
})

function TaxRatesRoute() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  if (!me) return null
  return (
    <>
      <PageHeader
        title={t('invoiceSettings.taxRates.title')}
        description={t('invoiceSettings.taxRates.description')}
      />
      {can(me, 'invoices:read') ? (
        <TaxRatesPage me={me} />
      ) : (
        <Alert tone="info">{t('invoiceSettings.taxRates.noAccess')}</Alert>
      )}
    </>
  )
}
