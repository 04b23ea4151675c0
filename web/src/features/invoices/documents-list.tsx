import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { type FormEvent, lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { creditNoteStatuses, quoteStatuses } from '../../../../contracts/invoice-values.ts'
import {
  ColumnChooser,
  DataGrid,
  DensityToggle,
  type GridSelection,
  Popover,
  useGridDisplay,
} from '../../components/grid/index.ts'
import { buttonClasses, Checkbox, EmptyState, Input } from '../../components/ui/index.ts'
import { api } from '../../lib/api.ts'
import { can, type Me } from '../auth/api.ts'
import {
  type DocKind,
  docPath,
  documentCountQuery,
  documentListQuery,
  filterOf,
  type InvoiceSearch,
  invoiceStatuses,
  splitList,
} from './api.ts'
import { ClientPicker } from './client-picker.tsx'
import { DocumentViews } from './document-views.tsx'
import type { BulkTarget } from './invoice-bulk.tsx'
import { defaultColumns, documentRoute, useInvoiceColumns } from './invoice-columns.tsx'
import { kindText } from './kind-text.ts'
import './document-strings.ts'

/** Names of clients picked in a filter this session, so a chip reads a name, not an id. */
const clientNames = new Map<string, string>()

// The bulk bar (its dialogs) loads when the first invoice is selected.
const InvoiceBulkBar = lazy(() => import('./invoice-bulk.tsx').then((m) => ({ default: m.InvoiceBulkBar })))

const statusesOf = { invoice: invoiceStatuses, quote: quoteStatuses, credit_note: creditNoteStatuses }
const newLinks = { invoice: '/invoices/new', quote: '/quotes/new', credit_note: null } as const

type Selection = { view: string; ids: Set<string>; all: boolean }

/**
 * The list of one kind of document (invoices, quotes, credit notes): search, status and client chips,
 * saved views (invoices, quotes), and on invoices a bulk bar for the selected rows or the whole view.
 */
export function DocumentsList({
  me,
  kind,
  search,
  onSearchChange,
}: {
  me: Me
  kind: DocKind
  search: InvoiceSearch
  onSearchChange: (next: InvoiceSearch, options?: { replace?: boolean }) => void
}) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const columns = useInvoiceColumns(kind)
  const [display, setDisplay] = useGridDisplay(`atrium.${docPath(kind)}.grid.${me.user.id}`, {
    columns: defaultColumns(kind),
    widths: {},
    density: 'compact',
  })
  const list = useInfiniteQuery({ ...documentListQuery(kind, search), placeholderData: keepPreviousData })
  const count = useQuery({ ...documentCountQuery(kind, search), placeholderData: keepPreviousData })
  const rows = list.data?.pages.flatMap((page) => page.data) ?? []
  const total = count.data?.count
  const filtered = Boolean(search.q || search.status || search.client)
  const grid = useRef<HTMLDivElement | null>(null)

  const update = (patch: Partial<InvoiceSearch>, replace?: boolean) => {
    const next: InvoiceSearch = { ...search, ...patch }
    for (const key of Object.keys(next) as (keyof InvoiceSearch)[]) if (!next[key]) delete next[key]
    onSearchChange(next, { replace })
  }

  // Selection belongs to one filter: changing the filter starts a new one.
  const bulk = kind === 'invoice'
  const view = JSON.stringify(filterOf(search))
  const [selection, setSelection] = useState<Selection>({ view, ids: new Set(), all: false })
  const current = selection.view === view ? selection : { view, ids: new Set<string>(), all: false }
  const pageIds = rows.map((row) => row.id)
  const allShown = pageIds.length > 0 && pageIds.every((id) => current.all || current.ids.has(id))
  const setIds = (ids: Set<string>) => setSelection({ view, ids, all: false })
  const gridSelection: GridSelection = {
    isSelected: (id) => current.all || current.ids.has(id),
    onToggle: (id, checked) => {
      const ids = new Set(current.all ? pageIds : current.ids)
      if (checked) ids.add(id)
      else ids.delete(id)
      setIds(ids)
    },
    allShown,
    someShown: pageIds.some((id) => current.all || current.ids.has(id)),
    onToggleShown: (checked) => setIds(checked ? new Set(pageIds) : new Set()),
  }
  const target: BulkTarget | null = current.all
    ? { kind: 'all', count: total ?? 0 }
    : current.ids.size > 0
      ? { kind: 'ids', ids: [...current.ids] }
      : null
  const focusGrid = useCallback(() => {
    const cell = grid.current?.querySelector<HTMLElement>('[tabindex="0"]') ?? grid.current
    cell?.focus()
    return cell ?? null
  }, [])
  const newLink = newLinks[kind]

  return (
    <div className="space-y-3">
      {kind !== 'credit_note' ? (
        <DocumentViews kind={kind} search={search} display={display} onApply={setDisplay} />
      ) : null}
      <div className="flex flex-wrap items-end gap-2">
        <SearchBox kind={kind} value={search.q} onChange={(q) => update({ q }, true)} />
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
            <StatusFilter
              statuses={statusesOf[kind]}
              value={search.status}
              onChange={(status) => update({ status })}
            />
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
          {total === undefined ? null : kindText(t, kind, 'list.count', { count: total })}
        </p>
      </div>
      <DataGrid
        label={kindText(t, kind, 'list.title')}
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
        selection={bulk ? gridSelection : undefined}
        gridRef={(element) => {
          grid.current = element
        }}
        onOpen={(invoice) => void navigate(documentRoute(kind, invoice.id))}
        empty={
          filtered ? (
            <EmptyState
              title={kindText(t, kind, 'list.noMatch')}
              description={t('invoices.list.noMatchHint')}
              action={
                <button
                  type="button"
                  onClick={() => onSearchChange({})}
                  className={buttonClasses('secondary')}
                >
                  {t('invoices.list.clearAll')}
                </button>
              }
            />
          ) : (
            <EmptyState
              title={kindText(t, kind, 'list.empty')}
              description={kindText(t, kind, 'list.emptyHint')}
              action={
                newLink && can(me, 'invoices:write') ? (
                  <Link to={newLink} className={buttonClasses()}>
                    {kindText(t, kind, 'new')}
                  </Link>
                ) : undefined
              }
            />
          )
        }
      />
      {bulk && target ? (
        <Suspense fallback={null}>
          <InvoiceBulkBar
            me={me}
            search={search}
            target={target}
            onClear={() => {
              setIds(new Set())
              focusGrid()
            }}
            onDone={() => setIds(new Set())}
            returnFocus={focusGrid}
            selectAllOffer={
              !current.all && allShown && total !== undefined && total > current.ids.size
                ? { count: total, onSelectAll: () => setSelection({ view, ids: new Set(), all: true }) }
                : undefined
            }
          />
        </Suspense>
      ) : null}
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
  statuses,
  value,
  onChange,
}: {
  statuses: readonly string[]
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
        {statuses.map((status) => (
          <Checkbox
            key={status}
            label={t(`invoices.status.${status as 'draft'}`)}
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
  kind,
  value,
  onChange,
}: {
  kind: DocKind
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
          label={kindText(t, kind, 'search.label')}
          aria-keyshortcuts="/"
          type="search"
          name="q"
          placeholder={kindText(t, kind, 'search.placeholder')}
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </form>
    </search>
  )
}
