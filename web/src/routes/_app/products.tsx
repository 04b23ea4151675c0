import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert } from '../../components/ui/index.ts'
import { can, useMe } from '../../features/auth/api.ts'
import { CatalogPage } from '../../features/invoice-settings/catalog-page.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/products')({
  component: ProductsRoute,
})

function ProductsRoute() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  if (!me) return null
  return (
    <>
      <PageHeader
        title={t('invoiceSettings.products.title')}
        description={t('invoiceSettings.products.description')}
      />
      {can(me, 'invoices:read') ? (
        <CatalogPage me={me} />
      ) : (
        <Alert tone="info">{t('invoiceSettings.products.noAccess')}</Alert>
      )}
    </>
  )
}
