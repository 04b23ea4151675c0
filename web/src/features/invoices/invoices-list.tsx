import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ColumnChooser,
  DataGrid,
  DensityToggle,
  Popover,
  useGridDisplay,
} from '../../components/grid/index.ts'
import { buttonClasses, Checkbox, EmptyState, Input } from '../../components/ui/index.ts'
import { api } from '../../lib/api.ts'
import { can, type Me } from '../auth/api.ts'
import { type InvoiceSearch, invoiceCountQuery, invoiceListQuery, invoiceStatuses, splitList } from './api.ts'
import { ClientPicker } from './client-picker.tsx'
import { defaultInvoiceColumns, useInvoiceColumns } from './invoice-columns.tsx'

/** Names of clients picked in a filter this session, so a chip reads a name, not an id. */
const clientNames = new Map<string, string>()

export function InvoicesList({
  me,
  search,
  onSearchChange,
}: {
  me: Me
  search: InvoiceSearch
  onSearchChange: (next: InvoiceSearch, options?: { replace?: boolean }) => void
}) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const columns = useInvoiceColumns()
  const [display, setDisplay] = useGridDisplay(`atrium.invoices.grid.${me.user.id}`, {
    columns: defaultInvoiceColumns,
    widths: {},
    density: 'compact',
  })
  const list = useInfiniteQuery({ ...invoiceListQuery(search), placeholderData: keepPreviousData })
  const count = useQuery({ ...invoiceCountQuery(search), placeholderData: keepPreviousData })
  const rows = list.data?.pages.flatMap((page) => page.data) ?? []
  const total = count.data?.count
  const filtered = Boolean(search.q || search.status || search.client)

  const update = (patch: Partial<InvoiceSearch>, replace?: boolean) => {
    const next: InvoiceSearch = { ...search, ...patch }
    for (const key of Object.keys(next) as (keyof InvoiceSearch)[]) if (!next[key]) delete next[key]
    onSearchChange(next, { replace })
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-2">
        <SearchBox value={search.q} onChange={(q) => update({ q }, true)} />
        <div className="hidden gap-2 sm:flex">
          <ColumnChooser columns={columns} display={display} onChange={setDisplay} />
          <DensityToggle
            value={display.density}
            onChange={(density) => setDisplay({ ...display, density })}
          />
        </div>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <ul aria-label={t('invoices.filters.title')} className="flex flex-wrap items-center gap-2">
          <li className="inline-flex items-stretch">
            <StatusFilter value={search.status} onChange={(status) => update({ status })} />
            {search.status ? (
              <RemoveChip label={t('invoices.fields.status')} onClick={() => update({ status: undefined })} />
            ) : null}
          </li>
          <li className="inline-flex items-stretch">
            <ClientFilter value={search.client} onChange={(client) => update({ client })} />
            {search.client ? (
              <RemoveChip label={t('invoices.fields.client')} onClick={() => update({ client: undefined })} />
            ) : null}
          </li>
        </ul>
        <p className="text-sm text-slate-600 dark:text-slate-300" aria-live="polite">
          {total === undefined ? null : t('invoices.list.count', { count: total })}
        </p>
      </div>
      <DataGrid
        label={t('invoices.list.title')}
        columns={columns}
        rows={rows}
        rowId={(invoice) => invoice.id}
        rowLabel={(invoice) => invoice.number ?? invoice.client.name}
        total={total}
        display={display}
        onDisplayChange={setDisplay}
        sort={search.sort ?? (search.q ? undefined : '-created')}
        onSortChange={(sort) => update({ sort })}
        loading={list.isPending}
        hasMore={list.hasNextPage}
        loadingMore={list.isFetchingNextPage}
        onLoadMore={() => void list.fetchNextPage()}
        onOpen={(invoice) => void navigate({ to: '/invoices/$invoiceId', params: { invoiceId: invoice.id } })}
        empty={
          filtered ? (
            <EmptyState
              title={t('invoices.list.noMatch')}
              description={t('invoices.list.noMatchHint')}
              action={
                <Link to="/invoices" search={{}} className={buttonClasses('secondary')}>
                  {t('invoices.list.clearAll')}
                </Link>
              }
            />
          ) : (
            <EmptyState
              title={t('invoices.list.empty')}
              description={t('invoices.list.emptyHint')}
              action={
                can(me, 'invoices:write') ? (
                  <Link to="/invoices/new" className={buttonClasses()}>
                    {t('invoices.new')}
                  </Link>
                ) : undefined
              }
            />
          )
        }
      />
    </div>
  )
}

function RemoveChip({ label, onClick }: { label: string; onClick: () => void }) {
  const { t } = useTranslation()
  return (
    <button
      type="button"
      onClick={onClick}
      aria-label={t('invoices.filters.remove', { field: label })}
      className="-ml-px rounded-r-md border border-slate-300 px-2 text-slate-700 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-200 dark:hover:bg-slate-800"
    >
      <span aria-hidden="true">×</span>
    </button>
  )
}

function StatusFilter({
  value,
  onChange,
}: {
  value: string | undefined
  onChange: (value: string | undefined) => void
}) {
  const { t } = useTranslation()
  const chosen = splitList(value)
  const label = chosen.length ? (
    <span>
      <span className="font-semibold">{t('invoices.fields.status')}:</span>{' '}
      {chosen.map((s) => t(`invoices.status.${s as 'draft'}`, { defaultValue: s })).join(', ')}
    </span>
  ) : (
    t('invoices.filters.status')
  )
  return (
    <Popover label={label}>
      <fieldset className="space-y-1">
        <legend className="mb-2 text-sm font-semibold">{t('invoices.fields.status')}</legend>
        {invoiceStatuses.map((status) => (
          <Checkbox
            key={status}
            label={t(`invoices.status.${status}`)}
            checked={chosen.includes(status)}
            onChange={(e) => {
              const next = e.target.checked ? [...chosen, status] : chosen.filter((s) => s !== status)
              onChange(next.length ? next.join(',') : undefined)
            }}
          />
        ))}
      </fieldset>
    </Popover>
  )
}

function ClientFilter({
  value,
  onChange,
}: {
  value: string | undefined
  onChange: (value: string | undefined) => void
}) {
  const { t } = useTranslation()
  const id = splitList(value)[0]
  // A client chosen before a reload is named by the server (one client, not the list).
  const named = useQuery({
    queryKey: ['clients', 'name', id],
    queryFn: ({ signal }) => api.get<{ id: string; name: string }>(`/api/v1/clients/${id}`, signal),
    enabled: Boolean(id) && !clientNames.has(id ?? ''),
    staleTime: 300_000,
  })
  const name = id ? (clientNames.get(id) ?? named.data?.name ?? id) : undefined
  const label = name ? (
    <span>
      <span className="font-semibold">{t('invoices.fields.client')}:</span> {name}
    </span>
  ) : (
    t('invoices.filters.client')
  )
  return (
    <Popover label={label} className="w-80">
      {(close) => (
        <ClientPicker
          label={t('invoices.fields.client')}
          value={id && name ? { id, name } : null}
          inline
          autoFocus
          onChange={(client) => {
            if (client) clientNames.set(client.id, client.name)
            onChange(client?.id)
            close()
          }}
        />
      )}
    </Popover>
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
  const box = useRef<HTMLElement>(null)
  useEffect(() => {
    latest.current = onChange
  })
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
  // `/` focuses the search box from anywhere on the page.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      const typing =
        target?.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target?.tagName ?? '')
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || typing) return
      if (document.querySelector('dialog[open]')) return
      event.preventDefault()
      box.current?.querySelector('input')?.focus()
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])
  return (
    <search ref={box} className="min-w-0 flex-1 basis-64">
      <form
        onSubmit={(event: FormEvent) => {
          event.preventDefault()
          pushed.current = text.trim()
          onChange(text.trim() || undefined)
        }}
      >
        <Input
          label={t('invoices.search.label')}
          aria-keyshortcuts="/"
          type="search"
          name="q"
          placeholder={t('invoices.search.placeholder')}
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </form>
    </search>
  )
}
