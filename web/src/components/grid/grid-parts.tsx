// biome-ignore-all lint/a11y/useSemanticElements: header cells of the ARIA grid (see data-grid.tsx)
import { type CSSProperties, useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { cn } from '../ui/cn.ts'

/** The next server sort when a header is clicked: ascending, then descending, then the default. */
export function nextSort(current: string | undefined, key: string): string | undefined {
  if (current === key) return `-${key}`
  if (current === `-${key}`) return undefined
  return key
}

export function GridHeaderCell({
  colIndex,
  cell,
  tabIndex,
  onFocus,
  width,
  style,
  label,
  sortKey,
  sort,
  onSortChange,
  resize,
  resizing,
  selectAll,
}: {
  colIndex: number
  cell: string
  tabIndex: number
  onFocus: () => void
  width: number
  style: CSSProperties
  label: string | undefined
  sortKey: string | undefined
  sort: string | undefined
  onSortChange: (sort: string | undefined) => void
  resize?: (event: unknown) => void
  resizing: boolean
  selectAll?: {
    checked: boolean
    indeterminate: boolean
    onChange: (checked: boolean) => void
    label: string
  }
}) {
  const { t } = useTranslation()
  const direction =
    sortKey && sort === sortKey ? 'ascending' : sortKey && sort === `-${sortKey}` ? 'descending' : undefined
  return (
    <div
      role="columnheader"
      aria-colindex={colIndex}
      aria-sort={direction}
      data-cell={cell}
      tabIndex={tabIndex}
      onFocus={(event) => event.target === event.currentTarget && onFocus()}
      className="relative flex h-9 shrink-0 items-center bg-slate-100 px-3 outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-600 dark:bg-slate-800 dark:focus-visible:ring-indigo-300"
      style={{ width, ...style, ...(style.position ? { zIndex: 2 } : {}) }}
    >
      {selectAll ? (
        <PageCheckbox {...selectAll} />
      ) : sortKey ? (
        <button
          type="button"
          tabIndex={-1}
          onClick={() => onSortChange(nextSort(sort, sortKey))}
          className="flex min-w-0 items-center gap-1 rounded text-left hover:text-slate-950 dark:hover:text-white"
        >
          <span className="truncate">{label}</span>
          <span aria-hidden="true" className="w-3 shrink-0">
            {direction === 'ascending' ? '↑' : direction === 'descending' ? '↓' : ''}
          </span>
          <span className="sr-only">{t('grid.sortBy', { column: label })}</span>
        </button>
      ) : (
        <span className="truncate">{label}</span>
      )}
      {resize ? (
        <div
          aria-hidden="true"
          onMouseDown={resize}
          onTouchStart={resize}
          onDoubleClick={(event) => event.stopPropagation()}
          className={cn(
            'absolute top-0 right-0 h-full w-1.5 cursor-col-resize touch-none select-none hover:bg-indigo-400',
            resizing && 'bg-indigo-600',
          )}
        />
      ) : null}
    </div>
  )
}

function PageCheckbox({
  checked,
  indeterminate,
  onChange,
  label,
}: {
  checked: boolean
  indeterminate: boolean
  onChange: (checked: boolean) => void
  label: string
}) {
  const ref = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate
  }, [indeterminate])
  return (
    <input
      ref={ref}
      type="checkbox"
      tabIndex={-1}
      aria-label={label}
      checked={checked}
      onChange={(e) => onChange(e.target.checked)}
      className="size-4 accent-indigo-700 dark:accent-indigo-300"
    />
  )
}

/** Placeholder rows shaped like the real ones while a page loads. */
export function SkeletonRows({
  columns,
  height,
  count = 12,
}: {
  columns: number[]
  height: number
  count?: number
}) {
  return (
    <div aria-hidden="true">
      {Array.from({ length: count }, (_, row) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={row} className="flex border-b border-slate-100 dark:border-slate-800" style={{ height }}>
          {columns.map((width, column) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
            <div key={column} className="flex shrink-0 items-center px-3" style={{ width }}>
              <div
                className="h-3 animate-pulse rounded bg-slate-200 motion-reduce:animate-none dark:bg-slate-700"
                style={{ width: `${50 + ((row * 7 + column * 13) % 40)}%` }}
              />
            </div>
          ))}
        </div>
      ))}
    </div>
  )
}
