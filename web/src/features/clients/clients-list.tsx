import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ActionFeedback,
  Button,
  buttonClasses,
  Card,
  EmptyState,
  HeaderRow,
  Input,
  QueryState,
  Select,
  Spinner,
  Table,
  TBody,
  TD,
  TR,
} from '../../components/ui/index.ts'
import { useFormatDate } from '../../lib/format.ts'
import { can, type Me } from '../auth/api.ts'
import { linkClasses } from '../auth/auth-layout.tsx'
import {
  activeFilterCount,
  type Client,
  type ClientSearch,
  clientCountQuery,
  clientFilterParams,
  clientListQuery,
  clientsExportUrl,
  customFieldsQuery,
} from './api.ts'
import { StatusBadge, TagList } from './badges.tsx'
import { BulkActionBar, type BulkTarget } from './bulk-actions.tsx'
import { ClientFilters, useSortOptions } from './client-filters.tsx'
import { SavedViews } from './saved-views.tsx'

type Selection = { view: string; ids: Set<string>; all: boolean }

export function ClientsList({
  me,
  search,
  onSearchChange,
}: {
  me: Me
  search: ClientSearch
  onSearchChange: (next: ClientSearch, options?: { replace?: boolean }) => void
}) {
  const { t } = useTranslation()
  const fields = useQuery(customFieldsQuery)
  const list = useInfiniteQuery({ ...clientListQuery(search), placeholderData: keepPreviousData })
  const count = useQuery({ ...clientCountQuery(search), placeholderData: keepPreviousData })
  const rows = list.data?.pages.flatMap((page) => page.data) ?? []
  const total = count.data?.count
  const sortOptions = useSortOptions(fields.data ?? [], Boolean(search.q))
  const [notice, setNotice] = useState<string | null>(null)

  const view = JSON.stringify(clientFilterParams(search))
  const [selection, setSelection] = useState<Selection>({ view, ids: new Set(), all: false })
  const current = selection.view === view ? selection : { view, ids: new Set<string>(), all: false }
  const selectedCount = current.all ? (total ?? 0) : current.ids.size
  const pageIds = rows.map((row) => row.id)
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => current.all || current.ids.has(id))
  const someOnPage = pageIds.some((id) => current.all || current.ids.has(id))

  const setIds = (ids: Set<string>) => setSelection({ view, ids, all: false })
  const toggleRow = (id: string, checked: boolean) => {
    const ids = new Set(current.all ? pageIds : current.ids)
    if (checked) ids.add(id)
    else ids.delete(id)
    setIds(ids)
  }
  const togglePage = (checked: boolean) => setIds(checked ? new Set(pageIds) : new Set())
  const clearSelection = () => setIds(new Set())

  const update = (patch: Partial<ClientSearch>, replace?: boolean) => {
    const next: ClientSearch = { ...search, ...patch }
    for (const key of Object.keys(next) as (keyof ClientSearch)[]) if (!next[key]) delete next[key]
    setNotice(null)
    onSearchChange(next, { replace })
  }

  const target: BulkTarget | null = current.all
    ? { kind: 'all', count: total ?? 0 }
    : current.ids.size > 0
      ? { kind: 'ids', ids: [...current.ids] }
      : null
  const filtered = activeFilterCount(search) > 0 || Boolean(search.q)
  const sortValue = search.sort ?? (search.q ? '' : '-created')

  return (
    <>
      <SavedViews search={search} />
      <Card>
        <div className="space-y-4">
          <div className="flex flex-wrap items-end gap-3">
            <SearchBox value={search.q} onChange={(q) => update({ q }, true)} />
            <Select
              containerClassName="w-full sm:w-56"
              label={t('clients.sort.label')}
              value={sortValue}
              onChange={(e) => update({ sort: e.target.value || undefined })}
            >
              {sortOptions.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </Select>
            {can(me, 'clients:export') ? (
              <a href={clientsExportUrl(search)} download className={buttonClasses('secondary')}>
                {t('clients.export')}
              </a>
            ) : null}
          </div>
          <ClientFilters search={search} fields={fields.data ?? []} onChange={(patch) => update(patch)} />
        </div>
      </Card>

      <Card
        title={t('clients.list.title')}
        actions={
          <p className="text-sm text-slate-600 dark:text-slate-300" aria-live="polite">
            {total === undefined ? null : t('clients.list.count', { count: total })}
            {list.isFetching && !list.isFetchingNextPage ? (
              <Spinner className="ml-2" label={t('clients.list.updating')} />
            ) : null}
          </p>
        }
      >
        <div className="space-y-4">
          <ActionFeedback notice={notice} />
          {target ? (
            <BulkActionBar
              me={me}
              search={search}
              target={target}
              onClear={clearSelection}
              onDone={(message) => {
                clearSelection()
                setNotice(message)
              }}
              selectAllOffer={
                !current.all && allOnPage && total !== undefined && total > current.ids.size
                  ? { count: total, onSelectAll: () => setSelection({ view, ids: new Set(), all: true }) }
                  : undefined
              }
            />
          ) : null}
          <QueryState
            query={list}
            isEmpty={() => rows.length === 0}
            empty={
              filtered ? (
                <EmptyState
                  title={t('clients.list.noMatch')}
                  description={t('clients.list.noMatchHint')}
                  action={
                    <Link to="/clients" search={{}} className={buttonClasses('secondary')}>
                      {t('clients.list.clearAll')}
                    </Link>
                  }
                />
              ) : (
                <EmptyState
                  title={t('clients.list.empty')}
                  description={t('clients.list.emptyHint')}
                  action={<EmptyActions me={me} />}
                />
              )
            }
          >
            {() => (
              <div className="space-y-4">
                <Table caption={t('clients.list.title')}>
                  <HeaderRow
                    columns={[
                      <PageCheckbox
                        key="select"
                        checked={allOnPage}
                        indeterminate={someOnPage && !allOnPage}
                        onChange={togglePage}
                      />,
                      t('clients.fields.name'),
                      t('clients.fields.status'),
                      t('clients.fields.tags'),
                      t('clients.fields.owner'),
                      t('clients.fields.created'),
                    ]}
                  />
                  <TBody>
                    {rows.map((client) => (
                      <ClientRow
                        key={client.id}
                        client={client}
                        selected={current.all || current.ids.has(client.id)}
                        onSelect={(checked) => toggleRow(client.id, checked)}
                      />
                    ))}
                  </TBody>
                </Table>
                <p className="text-sm text-slate-600 dark:text-slate-300">
                  {t('clients.list.showing', { shown: rows.length, count: total ?? rows.length })}
                  {selectedCount > 0 ? ` · ${t('clients.bulk.selected', { count: selectedCount })}` : null}
                </p>
                {list.hasNextPage ? (
                  <Button
                    variant="secondary"
                    loading={list.isFetchingNextPage}
                    onClick={() => list.fetchNextPage()}
                  >
                    {t('clients.list.loadMore')}
                  </Button>
                ) : null}
              </div>
            )}
          </QueryState>
        </div>
      </Card>
    </>
  )
}

function EmptyActions({ me }: { me: Me }) {
  const { t } = useTranslation()
  return (
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
}

function SearchBox({
  value,
  onChange,
}: {
  value: string | undefined
  onChange: (value: string | undefined) => void
}) {
  const { t } = useTranslation()
  const [text, setText] = useState(value ?? '')
  const pushed = useRef(value ?? '')
  const latest = useRef(onChange)
  useEffect(() => {
    latest.current = onChange
  })
  // The URL changed from elsewhere (a saved view, back button): show its search text.
  useEffect(() => {
    if ((value ?? '') !== pushed.current) {
      pushed.current = value ?? ''
      setText(value ?? '')
    }
  }, [value])
  useEffect(() => {
    const timer = setTimeout(() => {
      const trimmed = text.trim()
      if (trimmed === pushed.current) return
      pushed.current = trimmed
      latest.current(trimmed || undefined)
    }, 200)
    return () => clearTimeout(timer)
  }, [text])
  return (
    <search className="min-w-0 flex-1 basis-64">
      <form
        onSubmit={(event: FormEvent) => {
          event.preventDefault()
          const trimmed = text.trim()
          if (trimmed === pushed.current) return
          pushed.current = trimmed
          onChange(trimmed || undefined)
        }}
      >
        <Input
          label={t('clients.search.label')}
          type="search"
          name="q"
          placeholder={t('clients.search.placeholder')}
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </form>
    </search>
  )
}

function PageCheckbox({
  checked,
  indeterminate,
  onChange,
}: {
  checked: boolean
  indeterminate: boolean
  onChange: (checked: boolean) => void
}) {
  const { t } = useTranslation()
  const ref = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate
  }, [indeterminate])
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label={t('clients.list.selectPage')}
      checked={checked}
      onChange={(e) => onChange(e.target.checked)}
      className="size-4 accent-indigo-700 dark:accent-indigo-300"
    />
  )
}

function ClientRow({
  client,
  selected,
  onSelect,
}: {
  client: Client
  selected: boolean
  onSelect: (checked: boolean) => void
}) {
  const { t } = useTranslation()
  const formatDate = useFormatDate()
  return (
    <TR className={selected ? 'bg-indigo-50 dark:bg-indigo-950' : undefined}>
      <TD>
        <input
          type="checkbox"
          aria-label={t('clients.list.selectRow', { name: client.name })}
          checked={selected}
          onChange={(e) => onSelect(e.target.checked)}
          className="size-4 accent-indigo-700 dark:accent-indigo-300"
        />
      </TD>
      <TD className="min-w-48">
        <Link
          to="/clients/$clientId"
          params={{ clientId: client.id }}
          className={`${linkClasses} font-medium`}
        >
          {client.name}
        </Link>
        {client.email || client.primaryContact ? (
          <span className="block text-xs text-slate-600 dark:text-slate-300">
            {client.email ?? client.primaryContact?.name}
          </span>
        ) : null}
      </TD>
      <TD>
        <StatusBadge status={client.status} />
      </TD>
      <TD>
        <TagList tags={client.tags} />
      </TD>
      <TD className="whitespace-nowrap">{client.owner?.name ?? '—'}</TD>
      <TD className="whitespace-nowrap">
        <time dateTime={client.createdAt}>{formatDate(client.createdAt)}</time>
      </TD>
    </TR>
  )
}
