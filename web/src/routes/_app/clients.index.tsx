import { createFileRoute, Link } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert, buttonClasses } from '../../components/ui/index.ts'
import { can, useMe } from '../../features/auth/api.ts'
import { type ClientSearch, parseClientSearch } from '../../features/clients/api.ts'
import { ClientsList } from '../../features/clients/clients-list.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/clients/')({
  validateSearch: (search: Record<string, unknown>): ClientSearch => parseClientSearch(search),
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
