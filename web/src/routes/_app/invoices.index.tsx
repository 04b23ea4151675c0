import { createFileRoute, Link } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert, buttonClasses } from '../../components/ui/index.ts'
import { can, useMe } from '../../features/auth/api.ts'
import {
  type InvoiceSearch,
  invoiceCountQuery,
  invoiceListQuery,
  parseInvoiceSearch,
} from '../../features/invoices/api.ts'
import { InvoicesList } from '../../features/invoices/invoices-list.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/invoices/')({
  validateSearch: (search: Record<string, unknown>): InvoiceSearch => parseInvoiceSearch(search),
  loaderDeps: ({ search }) => ({ search }),
  loader: ({ context, deps: { search } }) => {
    void context.queryClient.prefetchInfiniteQuery(invoiceListQuery(search))
    void context.queryClient.prefetchQuery(invoiceCountQuery(search))
  },
  component: InvoicesPage,
})

function InvoicesPage() {
  const { t } = useTranslation()
  const search = Route.useSearch()
  const navigate = Route.useNavigate()
  const { data: me } = useMe()
  if (!me) return null
  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <PageHeader title={t('invoices.title')} description={t('invoices.description')} />
        {can(me, 'invoices:write') ? (
          <Link to="/invoices/new" className={buttonClasses()}>
            {t('invoices.new')}
          </Link>
        ) : null}
      </div>
      {can(me, 'invoices:read') ? (
        <InvoicesList
          me={me}
          search={search}
          onSearchChange={(next, options) => navigate({ search: next, replace: options?.replace })}
        />
      ) : (
        <Alert tone="info">{t('invoices.noAccess')}</Alert>
      )}
    </>
  )
}
