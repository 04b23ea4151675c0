import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import {
  DataGrid,
  type GridColumn,
  type GridDisplay,
  GridList,
  type GridSelection,
  useMediaQuery,
} from '../../components/grid/index.ts'
import { buttonClasses, EmptyState } from '../../components/ui/index.ts'
import { can, type Me } from '../auth/api.ts'
import { activeFilterCount, type Client, type ClientSearch, clientListQuery } from './api.ts'
import { ClientLink, StatusBadge, TagList } from './badges.tsx'

/** Empty states that fit the viewer: a member who sees only their clients is not asked to import a CSV. */
export function ClientsEmpty({ me, search }: { me: Me; search: ClientSearch }) {
  const { t } = useTranslation()
  if (activeFilterCount(search) > 0 || search.q)
    return (
      <EmptyState
        title={t('clients.list.noMatch')}
        description={t('clients.list.noMatchHint')}
        action={
          <Link to="/clients" search={{}} className={buttonClasses('secondary')}>
            {t('clients.list.clearAll')}
          </Link>
        }
      />
    )
  const seesAll = can(me, 'clients:read_all')
  const actions = (
    <div className="flex flex-wrap justify-center gap-2">
      {can(me, 'clients:write') ? (
        <Link to="/clients/new" className={buttonClasses()}>
          {t('clients.new')}
        </Link>
      ) : null}
      {can(me, 'clients:import') ? (
        <Link to="/clients/import" className={buttonClasses('secondary')}>
          {t('clients.import')}
        </Link>
      ) : null}
    </div>
  )
  if (!seesAll)
    return (
      <EmptyState
        title={t('clients.grid.emptyMine')}
        description={t('clients.grid.emptyMineHint')}
        action={can(me, 'clients:write') ? actions : undefined}
      />
    )
  return (
    <EmptyState
      title={t('clients.list.empty')}
      description={
        can(me, 'clients:import') ? t('clients.list.emptyHint') : t('clients.grid.emptyNoImportHint')
      }
      action={actions}
    />
  )
}

export function useClientRows(search: ClientSearch, enabled = true) {
  const list = useInfiniteQuery({ ...clientListQuery(search), placeholderData: keepPreviousData, enabled })
  const rows = list.data?.pages.flatMap((page) => page.data) ?? []
  return { list, rows }
}

/** The table layout of the client list, or a list of cards on phones. */
export function ClientsGrid({
  me,
  search,
  columns,
  display,
  onDisplayChange,
  onSortChange,
  total,
  selection,
  gridRef,
}: {
  me: Me
  search: ClientSearch
  columns: GridColumn<Client>[]
  display: GridDisplay
  onDisplayChange: (display: GridDisplay) => void
  onSortChange: (sort: string | undefined) => void
  total: number | undefined
  selection: GridSelection
  gridRef: (element: HTMLDivElement | null) => void
}) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const phone = useMediaQuery('(max-width: 639px)')
  const { list, rows } = useClientRows(search)
  const common = {
    rows,
    loading: list.isPending,
    hasMore: list.hasNextPage,
    loadingMore: list.isFetchingNextPage,
    onLoadMore: () => void list.fetchNextPage(),
    empty: <ClientsEmpty me={me} search={search} />,
  }
  if (phone)
    return (
      <GridList
        {...common}
        label={t('clients.list.title')}
        rowId={(client) => client.id}
        renderItem={(client) => <PhoneItem client={client} />}
      />
    )
  return (
    <DataGrid
      {...common}
      label={t('clients.list.title')}
      columns={columns}
      rowId={(client) => client.id}
      rowLabel={(client) => client.name}
      total={total}
      display={display}
      onDisplayChange={onDisplayChange}
      sort={search.sort ?? (search.q ? undefined : '-created')}
      onSortChange={onSortChange}
      selection={selection}
      onOpen={(client) => void navigate({ to: '/clients/$clientId', params: { clientId: client.id } })}
      gridRef={gridRef}
    />
  )
}

function PhoneItem({ client }: { client: Client }) {
  const { t } = useTranslation()
  return (
    <div className="space-y-1">
      <div className="flex items-start justify-between gap-2">
        <ClientLink client={client} className="underline-offset-2" />
        <StatusBadge status={client.status} />
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        {[
          client.email ?? client.primaryContact?.name,
          client.owner && t('clients.grid.ownedBy', { name: client.owner.name }),
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      <TagList tags={client.tags} />
    </div>
  )
}
