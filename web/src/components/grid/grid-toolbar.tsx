import { type ReactNode, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { buttonClasses } from '../ui/button.tsx'
import { cn } from '../ui/cn.ts'
import type { GridColumn, GridDensity, GridDisplay } from './types.ts'

/** A button that opens a panel below it; Escape or a click outside closes it and focus returns to the button. */
export function Popover({
  label,
  children,
  className,
  buttonClassName,
}: {
  label: ReactNode
  children: ReactNode | ((close: () => void) => ReactNode)
  /** Classes of the panel (its width, which side it opens to). */
  className?: string
  buttonClassName?: string
}) {
  const [open, setOpen] = useState(false)
  const id = useId()
  const button = useRef<HTMLButtonElement>(null)
  const panel = useRef<HTMLDivElement>(null)
  const close = () => {
    setOpen(false)
    button.current?.focus()
  }
  useEffect(() => {
    if (!open) return
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node
      if (!panel.current?.contains(target) && !button.current?.contains(target)) setOpen(false)
    }
    document.addEventListener('pointerdown', onPointer)
    return () => document.removeEventListener('pointerdown', onPointer)
  }, [open])
  return (
    <div className="relative">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
        className={buttonClasses('secondary', buttonClassName)}
      >
        {label}
      </button>
      {open ? (
        // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere in the panel closes it
        <div
          ref={panel}
          id={id}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation()
              close()
            }
          }}
          className={cn(
            'absolute z-30 mt-1 max-h-96 w-72 overflow-auto rounded-lg border border-slate-200 bg-white p-3 shadow-lg dark:border-slate-700 dark:bg-slate-900',
            className,
          )}
        >
          {typeof children === 'function' ? children(close) : children}
        </div>
      ) : null}
    </div>
  )
}

const iconButton =
  'inline-flex min-h-6 min-w-6 items-center justify-center rounded px-1.5 py-0.5 text-slate-700 hover:bg-slate-200 disabled:opacity-40 dark:text-slate-200 dark:hover:bg-slate-700'

/** Choose which columns show and in what order (custom fields included, grouped under their heading). */
export function ColumnChooser<T>({
  columns,
  display,
  onChange,
}: {
  columns: GridColumn<T>[]
  display: GridDisplay
  onChange: (display: GridDisplay) => void
}) {
  const { t } = useTranslation()
  const shown = display.columns.filter((id) => columns.some((c) => c.id === id))
  const hidden = columns.filter((c) => !shown.includes(c.id))
  const byId = new Map(columns.map((c) => [c.id, c]))
  const setColumns = (next: string[]) => onChange({ ...display, columns: next })
  const move = (index: number, by: number) => {
    const next = [...shown]
    const [item] = next.splice(index, 1)
    next.splice(index + by, 0, item as string)
    setColumns(next)
  }
  return (
    <Popover label={t('grid.columns')}>
      <fieldset>
        <legend className="mb-2 text-sm font-semibold">{t('grid.shownColumns')}</legend>
        <ul className="space-y-1">
          {shown.map((id, index) => {
            const column = byId.get(id) as GridColumn<T>
            return (
              <li key={id} className="flex items-center justify-between gap-2 text-sm">
                <label className="flex items-center gap-2">
                  <input
                    type="checkbox"
                    checked
                    disabled={column.frozen}
                    onChange={() => setColumns(shown.filter((c) => c !== id))}
                    className="size-4 accent-indigo-700 dark:accent-indigo-300"
                  />
                  {column.label}
                </label>
                <span className="flex gap-1">
                  <button
                    type="button"
                    className={iconButton}
                    disabled={index === 0 || column.frozen || byId.get(shown[index - 1] ?? '')?.frozen}
                    aria-label={t('grid.moveLeft', { column: column.label })}
                    onClick={() => move(index, -1)}
                  >
                    <span aria-hidden="true">↑</span>
                  </button>
                  <button
                    type="button"
                    className={iconButton}
                    disabled={index === shown.length - 1 || column.frozen}
                    aria-label={t('grid.moveRight', { column: column.label })}
                    onClick={() => move(index, 1)}
                  >
                    <span aria-hidden="true">↓</span>
                  </button>
                </span>
              </li>
            )
          })}
        </ul>
      </fieldset>
      {hidden.length > 0 ? (
        <fieldset className="mt-3 border-t border-slate-200 pt-3 dark:border-slate-700">
          <legend className="sr-only">{t('grid.hiddenColumns')}</legend>
          <ul className="space-y-1">
            {hidden.map((column, index) => (
              <li key={column.id} className="text-sm">
                {column.group && column.group !== hidden[index - 1]?.group ? (
                  <p className="mt-2 mb-1 text-xs font-semibold text-slate-600 dark:text-slate-300">
                    {column.group}
                  </p>
                ) : null}
                <label className="flex items-center gap-2">
                  <input
                    type="checkbox"
                    checked={false}
                    onChange={() => setColumns([...shown, column.id])}
                    className="size-4 accent-indigo-700 dark:accent-indigo-300"
                  />
                  {column.label}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      ) : null}
    </Popover>
  )
}

/** Compact (36 px) or comfortable (48 px) rows. */
export function DensityToggle({
  value,
  onChange,
}: {
  value: GridDensity
  onChange: (value: GridDensity) => void
}) {
  const { t } = useTranslation()
  return (
    <fieldset className="inline-flex rounded-md border border-slate-300 dark:border-slate-600">
      <legend className="sr-only">{t('grid.density')}</legend>
      {(['compact', 'comfortable'] as const).map((density) => (
        <button
          key={density}
          type="button"
          aria-pressed={value === density}
          onClick={() => onChange(density)}
          className={cn(
            'px-3 py-2 text-sm font-medium first:rounded-l-md last:rounded-r-md',
            value === density
              ? 'bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-950'
              : 'bg-white text-slate-800 hover:bg-slate-100 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800',
          )}
        >
          {t(`grid.densities.${density}`)}
        </button>
      ))}
    </fieldset>
  )
}
