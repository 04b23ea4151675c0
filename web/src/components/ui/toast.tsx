import { useEffect, useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { cn } from './cn.ts'

export type Toast = {
  id: number
  message: string
  tone?: 'info' | 'error'
  action?: { label: string; onClick: () => void }
}

let current: Toast | null = null
let nextId = 1
const listeners = new Set<() => void>()
const emit = () => {
  for (const listener of listeners) listener()
}

/** Shows one short message at the bottom of the screen, replacing the previous one (the last change wins). */
export function showToast(toast: Omit<Toast, 'id'>): void {
  current = { ...toast, id: nextId++ }
  emit()
}

export function dismissToast(id?: number): void {
  if (id !== undefined && current?.id !== id) return
  current = null
  emit()
}

const subscribe = (listener: () => void) => {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/**
 * The toast region: always in the page so screen readers announce what appears in it. Messages with an
 * action stay longer (10 s) than plain ones (5 s); hovering or focusing the toast does not dismiss it.
 */
export function Toaster() {
  const { t } = useTranslation()
  const toast = useSyncExternalStore(
    subscribe,
    () => current,
    () => null,
  )
  const [paused, setPaused] = useState(false)
  useEffect(() => {
    if (!toast || paused) return
    const timer = setTimeout(() => dismissToast(toast.id), toast.action ? 10000 : 5000)
    return () => clearTimeout(timer)
  }, [toast, paused])
  return (
    <div
      role={toast?.tone === 'error' ? 'alert' : 'status'}
      aria-live={toast?.tone === 'error' ? 'assertive' : 'polite'}
      className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex justify-center px-4"
    >
      {toast ? (
        // biome-ignore lint/a11y/noStaticElementInteractions: pointer and focus inside pause the toast's timer; nothing is activated
        <div
          onMouseEnter={() => setPaused(true)}
          onMouseLeave={() => setPaused(false)}
          onFocus={() => setPaused(true)}
          onBlur={() => setPaused(false)}
          className={cn(
            'pointer-events-auto flex max-w-lg items-center gap-3 rounded-lg px-4 py-2 text-sm shadow-lg',
            toast.tone === 'error'
              ? 'bg-red-800 text-white dark:bg-red-300 dark:text-slate-950'
              : 'bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-950',
          )}
        >
          <span>{toast.message}</span>
          {toast.action ? (
            <button
              type="button"
              className="rounded px-2 py-1 font-semibold underline underline-offset-2 hover:bg-white/10 dark:hover:bg-black/10"
              onClick={() => {
                toast.action?.onClick()
                dismissToast(toast.id)
              }}
            >
              {toast.action.label}
            </button>
          ) : null}
          <button
            type="button"
            aria-label={t('common.dismiss')}
            className="rounded px-1.5 hover:bg-white/10 dark:hover:bg-black/10"
            onClick={() => dismissToast(toast.id)}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ) : null}
    </div>
  )
}
