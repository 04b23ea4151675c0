import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type FormEvent, lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ColumnChooser,
  DensityToggle,
  type GridDisplay,
  type GridSelection,
  useGridDisplay,
} from '../../components/grid/index.ts'
import { buttonClasses, cn, Input, Select } from '../../components/ui/index.ts'
import { can, type Me } from '../auth/api.ts'
import {
  type ClientSearch,
  clientCountQuery,
  clientFilterParams,
  clientsExportUrl,
  customFieldsQuery,
} from './api.ts'
import type { BulkTarget } from './bulk-actions.tsx'
import { defaultClientColumns, useClientColumns } from './client-columns.tsx'
import { ClientFilters, useSortOptions } from './client-filters.tsx'
import { ClientsGrid, useClientRows } from './clients-grid.tsx'
import { SavedViews } from './saved-views.tsx'

// The board (and its drag and drop library) loads only when a board is shown, the bulk action bar (its
// dialogs, pickers) when the first row is selected.
const ClientsBoard = lazy(() => import('./clients-board.tsx').then((m) => ({ default: m.ClientsBoard })))
const BulkActionBar = lazy(() => import('./bulk-actions.tsx').then((m) => ({ default: m.BulkActionBar })))

type Selection = { view: string; ids: Set<string>; all: boolean }

const typingIn = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName))

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
  const count = useQuery({ ...clientCountQuery(search), placeholderData: keepPreviousData })
  const total = count.data?.count
  const columns = useClientColumns(me, fields.data ?? [])
  const [display, setDisplay] = useGridDisplay(`atrium.clients.grid.${me.user.id}`, {
    columns: defaultClientColumns,
    widths: {},
    density: 'compact',
  })
  const grid = useRef<HTMLDivElement | null>(null)
  const searchBox = useRef<HTMLElement>(null)
  const board = search.layout === 'board'
  const { rows } = useClientRows(search, !board)

  const view = JSON.stringify(clientFilterParams(search))
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

  const update = (patch: Partial<ClientSearch>, replace?: boolean) => {
    const next: ClientSearch = { ...search, ...patch }
    for (const key of Object.keys(next) as (keyof ClientSearch)[]) if (!next[key]) delete next[key]
    onSearchChange(next, { replace })
  }

  // `/` focuses the search box from anywhere on the page.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target))
        return
      if (document.querySelector('dialog[open]')) return
      event.preventDefault()
      searchBox.current?.querySelector('input')?.focus()
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])

  const focusGrid = useCallback(() => {
    const target = grid.current?.querySelector<HTMLElement>('[tabindex="0"]') ?? grid.current
    target?.focus()
    return target ?? null
  }, [])

  const target: BulkTarget | null = current.all
    ? { kind: 'all', count: total ?? 0 }
    : current.ids.size > 0
      ? { kind: 'ids', ids: [...current.ids] }
      : null

  return (
    <div className="space-y-3">
      <SavedViews search={search} display={display} onApply={(next: GridDisplay) => setDisplay(next)} />
      <div className="flex flex-wrap items-end gap-2">
        <SearchBox ref={searchBox} value={search.q} onChange={(q) => update({ q }, true)} />
        <LayoutToggle board={board} onChange={(layout) => update({ layout, group: undefined })} />
        {board ? null : (
          <>
            <div className="hidden gap-2 sm:flex">
              <ColumnChooser columns={columns} display={display} onChange={setDisplay} />
              <DensityToggle
                value={display.density}
                onChange={(density) => setDisplay({ ...display, density })}
              />
            </div>
            <PhoneSort search={search} onChange={(sort) => update({ sort })} fields={fields.data ?? []} />
          </>
        )}
        {can(me, 'clients:export') ? (
          <a href={clientsExportUrl(search)} download className={buttonClasses('secondary')}>
            {t('clients.export')}
          </a>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <ClientFilters
          search={search}
          fields={fields.data ?? []}
          onChange={(patch) => update(patch as Partial<ClientSearch>)}
        />
        <p className="text-sm text-slate-600 dark:text-slate-300" aria-live="polite">
          {total === undefined ? null : t('clients.list.count', { count: total })}
        </p>
      </div>
      {board ? (
        <Suspense fallback={null}>
          <ClientsBoard
            me={me}
            search={search}
            fields={fields.data ?? []}
            onGroupChange={(group: string | undefined) => update({ group })}
          />
        </Suspense>
      ) : (
        <ClientsGrid
          me={me}
          search={search}
          columns={columns}
          display={display}
          onDisplayChange={setDisplay}
          onSortChange={(sort) => update({ sort })}
          total={total}
          selection={gridSelection}
          gridRef={(element) => {
            grid.current = element
          }}
        />
      )}
      {target && !board ? (
        <Suspense fallback={null}>
          <BulkActionBar
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

function LayoutToggle({
  board,
  onChange,
}: {
  board: boolean
  onChange: (layout: 'board' | undefined) => void
}) {
  const { t } = useTranslation()
  const option = (active: boolean, label: string, value: 'board' | undefined) => (
    <button
      type="button"
      aria-pressed={active}
      onClick={() => onChange(value)}
      className={cn(
        'px-3 py-2 text-sm font-medium first:rounded-l-md last:rounded-r-md',
        active
          ? 'bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-950'
          : 'bg-white text-slate-800 hover:bg-slate-100 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800',
      )}
    >
      {label}
    </button>
  )
  return (
    <fieldset className="inline-flex rounded-md border border-slate-300 dark:border-slate-600">
      <legend className="sr-only">{t('clients.grid.layout')}</legend>
      {option(!board, t('clients.grid.table'), undefined)}
      {option(board, t('clients.grid.board'), 'board')}
    </fieldset>
  )
}

/** Phones have no column headers to click: the sort is a select there. */
function PhoneSort({
  search,
  fields,
  onChange,
}: {
  search: ClientSearch
  fields: Parameters<typeof useSortOptions>[0]
  onChange: (sort: string | undefined) => void
}) {
  const { t } = useTranslation()
  const options = useSortOptions(fields, Boolean(search.q))
  return (
    <Select
      containerClassName="w-full sm:hidden"
      label={t('clients.sort.label')}
      value={search.sort ?? (search.q ? '' : '-created')}
      onChange={(e) => onChange(e.target.value || undefined)}
    >
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </Select>
  )
}

function SearchBox({
  ref,
  value,
  onChange,
}: {
  ref: React.Ref<HTMLElement>
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
    <search ref={ref} className="min-w-0 flex-1 basis-64">
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
          aria-keyshortcuts="/"
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
