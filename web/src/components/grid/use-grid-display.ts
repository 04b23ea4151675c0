import { useCallback, useEffect, useState, useSyncExternalStore } from 'react'
import type { GridDisplay } from './types.ts'

function read(key: string, fallback: GridDisplay): GridDisplay {
  try {
    const raw = localStorage.getItem(key)
    if (!raw) return fallback
    const value = JSON.parse(raw) as Partial<GridDisplay>
    return {
      columns: Array.isArray(value.columns)
        ? value.columns.filter((c) => typeof c === 'string')
        : fallback.columns,
      widths: value.widths && typeof value.widths === 'object' ? value.widths : fallback.widths,
      density: value.density === 'comfortable' ? 'comfortable' : 'compact',
    }
  } catch {
    return fallback
  }
}

/**
 * The grid's columns, widths and density as the user left them, kept per browser in `localStorage`
 * (a saved view stores its own copy on the server).
 */
export function useGridDisplay(storageKey: string, defaults: GridDisplay) {
  const [display, setDisplayState] = useState<GridDisplay>(() => read(storageKey, defaults))
  useEffect(() => {
    try {
      localStorage.setItem(storageKey, JSON.stringify(display))
    } catch {}
  }, [storageKey, display])
  const setDisplay = useCallback(
    (next: GridDisplay | ((current: GridDisplay) => GridDisplay)) => setDisplayState(next),
    [],
  )
  return [display, setDisplay] as const
}

const subscribeMedia = (query: string) => (listener: () => void) => {
  const list = window.matchMedia(query)
  list.addEventListener('change', listener)
  return () => list.removeEventListener('change', listener)
}

/** Whether a CSS media query matches, updated as the window changes. */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    useCallback((listener: () => void) => subscribeMedia(query)(listener), [query]),
    () => window.matchMedia(query).matches,
    () => false,
  )
}
