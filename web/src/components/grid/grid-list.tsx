import { type ReactNode, useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '../ui/button.tsx'

/**
 * The phone layout of a grid: one card per row in a list, more rows loaded when the end of the list
 * comes into view (or with the "Load more" button).
 */
export function GridList<T>({
  label,
  rows,
  rowId,
  renderItem,
  loading,
  hasMore,
  loadingMore,
  onLoadMore,
  empty,
}: {
  label: string
  rows: T[]
  rowId: (row: T) => string
  renderItem: (row: T) => ReactNode
  loading: boolean
  hasMore: boolean
  loadingMore: boolean
  onLoadMore: () => void
  empty: ReactNode
}) {
  const { t } = useTranslation()
  const sentinel = useRef<HTMLDivElement>(null)
  const latest = useRef({ hasMore, loadingMore, onLoadMore })
  latest.current = { hasMore, loadingMore, onLoadMore }
  useEffect(() => {
    const element = sentinel.current
    if (!element) return
    const observer = new IntersectionObserver((entries) => {
      const { hasMore: more, loadingMore: busy, onLoadMore: load } = latest.current
      if (entries.some((entry) => entry.isIntersecting) && more && !busy) load()
    })
    observer.observe(element)
    return () => observer.disconnect()
  })
  if (loading)
    return (
      <div aria-hidden="true" className="space-y-2">
        {['a', 'b', 'c', 'd', 'e', 'f'].map((key) => (
          <div
            key={key}
            className="h-16 animate-pulse rounded-lg bg-slate-200 motion-reduce:animate-none dark:bg-slate-700"
          />
        ))}
      </div>
    )
  if (rows.length === 0) return <>{empty}</>
  return (
    <div className="space-y-3">
      <ul
        aria-label={label}
        className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-700 dark:border-slate-700 dark:bg-slate-900"
      >
        {rows.map((row) => (
          <li key={rowId(row)} className="p-3">
            {renderItem(row)}
          </li>
        ))}
      </ul>
      <div ref={sentinel} />
      {hasMore ? (
        <Button variant="secondary" loading={loadingMore} onClick={onLoadMore}>
          {t('grid.loadMore')}
        </Button>
      ) : null}
    </div>
  )
}
