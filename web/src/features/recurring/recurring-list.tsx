import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { DataGrid, type GridColumn, useGridDisplay } from '../../components/grid/index.ts'
import { Alert, buttonClasses, EmptyState, Form, Input } from '../../components/ui/index.ts'
import { can, useMe } from '../auth/api.ts'
import { InvoiceStatusBadge, Money, useFormatDay } from '../invoices/badges.tsx'
import { PageHeader } from '../shell/app-shell.tsx'
import { type Recurring, type RecurringSearch, recurringListQuery } from './api.ts'
import { useEvery } from './recurring-page.tsx'
import './strings.ts'

const linkClasses = 'font-medium text-indigo-800 hover:underline dark:text-indigo-300'

function useColumns(): GridColumn<Recurring>[] {
  const { t } = useTranslation()
  const day = useFormatDay()
  const every = useEvery()
  return useMemo(
    () => [
      {
        id: 'name',
        label: t('recurring.fields.name'),
        frozen: true,
        size: 220,
        cell: (p) => (
          <Link
            to="/recurring/$recurringId"
            params={{ recurringId: p.id }}
            tabIndex={-1}
            className={linkClasses}
          >
            {p.name ?? t('recurring.unnamed')}
          </Link>
        ),
      },
      { id: 'client', label: t('recurring.fields.client'), size: 200, cell: (p) => p.client.name },
      {
        id: 'status',
        label: t('recurring.fields.status'),
        size: 120,
        cell: (p) => <InvoiceStatusBadge status={p.status} />,
      },
      { id: 'schedule', label: t('recurring.fields.schedule'), size: 160, cell: (p) => every(p) },
      {
        id: 'next',
        label: t('recurring.fields.next'),
        sortKey: 'next',
        size: 140,
        cell: (p) => (p.nextDate ? day(p.nextDate) : '—'),
      },
      {
        id: 'total',
        label: t('recurring.fields.total'),
        size: 140,
        cell: (p) => <Money value={p.total} currency={p.currency} />,
      },
      {
        id: 'generated',
        label: t('recurring.fields.generated'),
        size: 140,
        cell: (p) => String(p.generated),
      },
    ],
    [t, day, every],
  )
}

/** The recurring invoices: search, a grid sorted by the next date or newest first, "New". */
export function RecurringList({
  search,
  onSearchChange,
}: {
  search: RecurringSearch
  onSearchChange: (next: RecurringSearch, options?: { replace?: boolean }) => void
}) {
  const { t } = useTranslation()
  const { data: me } = useMe()
  const navigate = useNavigate()
  const columns = useColumns()
  const [display, setDisplay] = useGridDisplay(`atrium.recurring.grid.${me?.user.id ?? ''}`, {
    columns: columns.map((c) => c.id),
    widths: {},
    density: 'compact',
  })
  const [text, setText] = useState(search.q ?? '')
  const list = useInfiniteQuery({ ...recurringListQuery(search), placeholderData: keepPreviousData })
  const rows = list.data?.pages.flatMap((page) => page.data) ?? []
  if (!me) return null
  const write = can(me, 'invoices:write')
  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <PageHeader title={t('recurring.title')} description={t('recurring.description')} />
        {write ? (
          <Link to="/recurring/new" className={buttonClasses()}>
            {t('recurring.new')}
          </Link>
        ) : null}
      </div>
      {!can(me, 'invoices:read') ? (
        <Alert tone="info">{t('recurring.noAccess')}</Alert>
      ) : (
        <div className="space-y-3">
          <search>
            <Form
              onSubmit={() => onSearchChange({ ...search, q: text.trim() || undefined }, { replace: true })}
            >
              <Input
                type="search"
                label={t('recurring.list.search')}
                placeholder={t('recurring.list.searchPlaceholder')}
                autoComplete="off"
                value={text}
                onChange={(e) => setText(e.target.value)}
              />
            </Form>
          </search>
          <DataGrid
            label={t('recurring.list.title')}
            columns={columns}
            rows={rows}
            rowId={(p) => p.id}
            rowLabel={(p) => p.name ?? p.client.name}
            display={display}
            onDisplayChange={setDisplay}
            sort={search.sort ?? (search.q ? undefined : '-created')}
            onSortChange={(sort) => onSearchChange({ ...search, sort })}
            loading={list.isPending}
            hasMore={list.hasNextPage}
            loadingMore={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
            onOpen={(p) => void navigate({ to: '/recurring/$recurringId', params: { recurringId: p.id } })}
            empty={
              search.q ? (
                <EmptyState
                  title={t('recurring.list.noMatch')}
                  description={t('invoices.list.noMatchHint')}
                />
              ) : (
                <EmptyState
                  title={t('recurring.list.empty')}
                  description={t('recurring.list.emptyHint')}
                  action={
                    write ? (
                      <Link to="/recurring/new" className={buttonClasses()}>
                        {t('recurring.new')}
                      </Link>
                    ) : undefined
                  }
                />
              )
            }
          />
        </div>
      )}
    </>
  )
}
