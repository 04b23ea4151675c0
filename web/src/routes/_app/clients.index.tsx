import { createFileRoute, Link } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { gridRoute } from '../../components/grid/grid-route.ts'
import { Alert, buttonClasses } from '../../components/ui/index.ts'
import { can, useMe } from '../../features/auth/api.ts'
import {
  clientCountQuery,
  clientListQuery,
  customFieldsQuery,
  parseClientSearch,
} from '../../features/clients/api.ts'
import { ClientsList } from '../../features/clients/clients-list.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/clients/')({
  // The first page, the count and the fields start loading with the page's code, not after it renders.
  ...gridRoute(parseClientSearch, (queryClient, search) => {
    if (search.layout !== 'board') void queryClient.prefetchInfiniteQuery(clientListQuery(search))
    void queryClient.prefetchQuery(clientCountQuery(search))
    void queryClient.prefetchQuery(customFieldsQuery)
  }),
  component: ClientsPage,
})

function ClientsPage() {
  const { t } = useTranslation()
  const search = Route.useSearch()
  const navigate = Route.useNavigate()
  const { data: me } = useMe()
  if (!me) return null
  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <PageHeader title={t('clients.title')} description={t('clients.description')} />
        <div className="flex flex-wrap gap-2">
          {can(me, 'clients:import') ? (
            <Link to="/clients/import" className={buttonClasses('secondary')}>
              {t('clients.import')}
            </Link>
          ) : null}
          {can(me, 'clients:write') ? (
            <Link to="/clients/new" className={buttonClasses()}>
              {t('clients.new')}
            </Link>
          ) : null}
        </div>
      </div>
      {can(me, 'clients:read') ? (
        <ClientsList
          me={me}
          search={search}
          onSearchChange={(next, options) => navigate({ search: next, replace: options?.replace })}
        />
      ) : (
        <Alert tone="info">{t('clients.noAccess')}</Alert>
      )}
    </>
  )
}
