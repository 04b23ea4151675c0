// biome-ignore-all lint/a11y/useSemanticElements: a virtualized grid positions its rows absolutely, which table elements cannot do; the ARIA grid roles give it table semantics
// biome-ignore-all lint/a11y/useFocusableInteractive: focus moves between cells (roving tabindex), not rows
// biome-ignore-all lint/a11y/useKeyWithClickEvents: the grid handles the keyboard for every cell (arrows, Enter, e, x)
import {
  type ColumnDef,
  type ColumnSizingState,
  columnOrderingFeature,
  columnPinningFeature,
  columnResizingFeature,
  columnSizingFeature,
  columnVisibilityFeature,
  tableFeatures,
  type Updater,
  useTable,
} from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import {
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react'
import { useTranslation } from 'react-i18next'
import { cn } from '../ui/cn.ts'
import { GridHeaderCell, SkeletonRows } from './grid-parts.tsx'
import { type GridColumn, type GridDisplay, rowHeights } from './types.ts'
import { useGridKeyboard } from './use-grid-keyboard.ts'

const features = tableFeatures({
  columnOrderingFeature,
  columnVisibilityFeature,
  columnSizingFeature,
  columnResizingFeature,
  columnPinningFeature,
})

export type GridSelection = {
  isSelected: (id: string) => boolean
  onToggle: (id: string, checked: boolean) => void
  allShown: boolean
  someShown: boolean
  onToggleShown: (checked: boolean) => void
}

export type DataGridProps<T extends object> = {
  /** The grid's accessible name. */
  label: string
  columns: GridColumn<T>[]
  rows: T[]
  rowId: (row: T) => string
  /** Every matching row on the server (for `aria-rowcount`), when known. */
  total?: number
  display: GridDisplay
  onDisplayChange: (display: GridDisplay) => void
  /** The server sort, `key` or `-key`. */
  sort: string | undefined
  onSortChange: (sort: string | undefined) => void
  loading: boolean
  hasMore: boolean
  loadingMore: boolean
  onLoadMore: () => void
  empty: ReactNode
  selection?: GridSelection
  rowLabel: (row: T) => string
  onOpen: (row: T) => void
  /** Called with the grid's focus target so a page can send focus back to the grid. */
  gridRef?: (element: HTMLDivElement | null) => void
}

const SELECT = '__select'

/**
 * A virtualized, keyboard-operable data grid (ARIA grid pattern): sticky header, frozen first column,
 * resizable and reorderable columns, server-side sorting, rows loaded page by page as the user scrolls.
 */
export function DataGrid<T extends object>(props: DataGridProps<T>) {
  const { t } = useTranslation()
  const { columns, rows, display, selection } = props
  const scrollRef = useRef<HTMLDivElement>(null)
  const [editing, setEditing] = useState<{ row: number; column: string } | null>(null)

  const defs = useMemo<ColumnDef<typeof features, T>[]>(() => {
    const list: ColumnDef<typeof features, T>[] = []
    if (selection)
      list.push({ id: SELECT, size: 40, minSize: 40, enableResizing: false, enableHiding: false })
    for (const column of columns)
      list.push({
        id: column.id,
        size: column.size ?? 160,
        minSize: column.minSize ?? 60,
        enableHiding: !column.frozen,
      })
    return list
  }, [columns, selection])

  const byId = useMemo(() => new Map(columns.map((column) => [column.id, column])), [columns])
  const frozen = columns.find((column) => column.frozen)?.id
  const visible = useMemo(() => {
    const shown = display.columns.filter((id) => byId.has(id))
    if (frozen && !shown.includes(frozen)) shown.unshift(frozen)
    return shown
  }, [display.columns, byId, frozen])

  const table = useTable({
    features,
    columns: defs,
    data: rows,
    getRowId: (row: T) => props.rowId(row),
    columnResizeMode: 'onChange',
    state: {
      columnOrder: [SELECT, ...visible],
      columnVisibility: Object.fromEntries(columns.map((column) => [column.id, visible.includes(column.id)])),
      columnSizing: display.widths,
      columnPinning: { start: [SELECT, ...(frozen ? [frozen] : [])], end: [] },
    },
    onColumnSizingChange: (updater: Updater<ColumnSizingState>) => {
      const widths = typeof updater === 'function' ? updater(display.widths) : updater
      props.onDisplayChange({ ...display, widths })
    },
  })

  const leafColumns = table.getVisibleLeafColumns()
  const rowHeight = rowHeights[display.density]
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  })
  // biome-ignore lint/correctness/useExhaustiveDependencies: rows are measured again when the density changes
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer])

  const items = virtualizer.getVirtualItems()
  const last = items[items.length - 1]
  const { hasMore, loadingMore, onLoadMore } = props
  useEffect(() => {
    if (last && last.index >= rows.length - 20 && hasMore && !loadingMore) onLoadMore()
  }, [last, rows.length, hasMore, loadingMore, onLoadMore])

  const keyboard = useGridKeyboard({
    container: () => scrollRef.current,
    rows: rows.length,
    columns: leafColumns.map((column) => column.id),
    scrollToRow: (index) => virtualizer.scrollToIndex(index, { align: 'auto' }),
    onSelect: (index) => {
      const row = rows[index]
      if (row && selection) selection.onToggle(props.rowId(row), !selection.isSelected(props.rowId(row)))
    },
    onOpen: (index) => {
      const row = rows[index]
      if (row) props.onOpen(row)
    },
    onResize: (columnId, by) => {
      const column = table.getColumn(columnId)
      if (!column?.getCanResize()) return
      const size = Math.max(byId.get(columnId)?.minSize ?? 60, Math.min(1200, column.getSize() + by))
      props.onDisplayChange({ ...display, widths: { ...display.widths, [columnId]: size } })
    },
    onEdit: (index, columnId) => {
      const editable = (id: string) => Boolean(byId.get(id)?.editor)
      const target = editable(columnId) ? columnId : visible.find(editable)
      if (target) setEditing({ row: index, column: target })
      return target
    },
  })

  const pinnedStyle = (columnId: string): CSSProperties => {
    const column = table.getColumn(columnId)
    if (column?.getIsPinned() !== 'start') return {}
    return { position: 'sticky', left: column.getStart('start'), zIndex: 1 }
  }
  const width = table.getTotalSize()
  const sortable = (column: GridColumn<T> | undefined) => column?.sortKey

  if (!props.loading && rows.length === 0) return <>{props.empty}</>

  return (
    <div
      ref={(element) => {
        scrollRef.current = element
        props.gridRef?.(element)
      }}
      role="grid"
      aria-label={props.label}
      aria-rowcount={props.loading ? -1 : (props.total ?? rows.length) + 1}
      aria-colcount={leafColumns.length}
      aria-multiselectable={selection ? true : undefined}
      aria-busy={props.loading || undefined}
      tabIndex={
        keyboard.active.row < 0 || items.some((item) => item.index === keyboard.active.row) ? undefined : 0
      }
      onKeyDown={(event: KeyboardEvent<HTMLDivElement>) => {
        if (editing) return
        keyboard.onKeyDown(event)
      }}
      onFocus={keyboard.onFocus}
      className="relative max-h-[calc(100dvh-16rem)] min-h-64 overflow-auto rounded-lg border border-slate-200 bg-white text-sm dark:border-slate-700 dark:bg-slate-900"
    >
      <div role="rowgroup" className="sticky top-0 z-20" style={{ width }}>
        <div
          role="row"
          aria-rowindex={1}
          className="flex border-b border-slate-200 bg-slate-100 text-xs font-semibold text-slate-700 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-200"
        >
          {table.getFlatHeaders().map((header, index) => {
            if (!header.column.getIsVisible()) return null
            const column = byId.get(header.column.id)
            return (
              <GridHeaderCell
                key={header.id}
                colIndex={index + 1}
                cell={`-1:${header.column.id}`}
                tabIndex={keyboard.isActive(-1, header.column.id) ? 0 : -1}
                onFocus={() => keyboard.setActive(-1, header.column.id)}
                width={header.getSize()}
                style={pinnedStyle(header.column.id)}
                label={column?.label}
                sortKey={sortable(column)}
                sort={props.sort}
                onSortChange={props.onSortChange}
                resize={header.column.getCanResize() ? header.getResizeHandler() : undefined}
                resizing={header.column.getIsResizing()}
                selectAll={
                  header.column.id === SELECT && selection
                    ? {
                        checked: selection.allShown,
                        indeterminate: selection.someShown && !selection.allShown,
                        onChange: selection.onToggleShown,
                        label: t('grid.selectShown'),
                      }
                    : undefined
                }
              />
            )
          })}
        </div>
      </div>
      {props.loading ? (
        <SkeletonRows columns={leafColumns.map((c) => c.getSize())} height={rowHeight} />
      ) : (
        <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize(), width }}>
          {items.map((item) => {
            const row = rows[item.index] as T
            const id = props.rowId(row)
            const selected = selection?.isSelected(id) ?? false
            return (
              <div
                key={id}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={selection ? selected : undefined}
                className={cn(
                  'absolute left-0 flex border-b border-slate-100 dark:border-slate-800',
                  selected ? 'bg-indigo-50 dark:bg-indigo-950' : 'bg-white dark:bg-slate-900',
                  'hover:bg-slate-50 dark:hover:bg-slate-800/60',
                )}
                style={{ transform: `translateY(${item.start}px)`, height: rowHeight, width }}
              >
                {leafColumns.map((column, colIndex) => {
                  const def = byId.get(column.id)
                  const isEditing = editing?.row === item.index && editing.column === column.id
                  const done = () => {
                    setEditing(null)
                    keyboard.focusCell(item.index, column.id)
                  }
                  return (
                    <div
                      key={column.id}
                      role="gridcell"
                      aria-colindex={colIndex + 1}
                      tabIndex={keyboard.isActive(item.index, column.id) ? 0 : -1}
                      data-cell={`${item.index}:${column.id}`}
                      onClick={(event) => {
                        keyboard.setActive(item.index, column.id)
                        const inControl = (event.target as HTMLElement).closest(
                          'a, button, input, select, textarea',
                        )
                        if (def?.editor && !isEditing && !inControl)
                          setEditing({ row: item.index, column: column.id })
                      }}
                      onDoubleClick={() => def?.editor && setEditing({ row: item.index, column: column.id })}
                      className={cn(
                        'flex shrink-0 items-center overflow-hidden px-3 outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-600 dark:focus-visible:ring-indigo-300',
                        column.getIsPinned() === 'start' &&
                          (selected ? 'bg-indigo-50 dark:bg-indigo-950' : 'bg-white dark:bg-slate-900'),
                        def?.editor && 'cursor-text',
                      )}
                      style={{ width: column.getSize(), ...pinnedStyle(column.id) }}
                    >
                      {column.id === SELECT && selection ? (
                        <input
                          type="checkbox"
                          tabIndex={-1}
                          aria-label={t('grid.selectRow', { name: props.rowLabel(row) })}
                          checked={selected}
                          // Toggled on click, not change: the cell's click handler re-renders the row
                          // between the two events, which set the box back before change was read.
                          onClick={(e) => selection.onToggle(id, e.currentTarget.checked)}
                          onChange={() => {}}
                          className="size-4 accent-indigo-700 dark:accent-indigo-300"
                        />
                      ) : isEditing && def?.editor ? (
                        def.editor(row, done)
                      ) : (
                        def?.cell(row)
                      )}
                    </div>
                  )
                })}
              </div>
            )
          })}
        </div>
      )}
      {props.loadingMore ? (
        <SkeletonRows columns={leafColumns.map((c) => c.getSize())} height={rowHeight} count={3} />
      ) : null}
    </div>
  )
}
