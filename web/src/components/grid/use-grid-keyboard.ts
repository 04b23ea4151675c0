import { type FocusEvent, type KeyboardEvent, useCallback, useRef, useState } from 'react'

type Options = {
  container: () => HTMLElement | null
  rows: number
  columns: string[]
  scrollToRow: (index: number) => void
  onSelect: (row: number) => void
  onOpen: (row: number) => void
  /** Starts editing a cell of the row; answers the column it edits, if any. */
  onEdit: (row: number, column: string) => string | undefined
  /** Widens (or, negative, narrows) a column by so many pixels. */
  onResize: (column: string, by: number) => void
}

const typing = (target: EventTarget) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) &&
  !(target instanceof HTMLInputElement && target.type === 'checkbox')

/**
 * Roving focus over the grid's cells (one Tab stop for the whole grid). Row -1 is the header.
 * Arrows or `j`/`k` move, `x` or Space selects, Enter opens the row (or sorts, on a header), `e` or F2
 * edits, Home/End and PageUp/PageDown jump. On a header, Shift+Left/Right narrows or widens the column.
 */
export function useGridKeyboard(options: Options) {
  const [active, setActiveState] = useState<{ row: number; column: string } | null>(null)
  const latest = useRef(options)
  latest.current = options
  const firstColumn = options.columns.find((c) => !c.startsWith('__')) ?? options.columns[0] ?? ''
  const current = {
    row: Math.min(active?.row ?? 0, Math.max(options.rows - 1, -1)),
    column: active && options.columns.includes(active.column) ? active.column : firstColumn,
  }

  const focusCell = useCallback((row: number, column: string) => {
    setActiveState({ row, column })
    if (row >= 0) latest.current.scrollToRow(row)
    const attempt = (tries: number) => {
      const cell = latest.current
        .container()
        ?.querySelector<HTMLElement>(`[data-cell="${row}:${CSS.escape(column)}"]`)
      if (cell) cell.focus({ preventScroll: row < 0 })
      else if (tries > 0) requestAnimationFrame(() => attempt(tries - 1))
    }
    requestAnimationFrame(() => attempt(5))
  }, [])

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (typing(event.target) || event.altKey || event.metaKey || event.ctrlKey) {
      if (!(event.ctrlKey && (event.key === 'Home' || event.key === 'End'))) return
    }
    const { rows, columns } = latest.current
    const col = columns.indexOf(current.column)
    if (current.row < 0 && event.shiftKey && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      event.preventDefault()
      return latest.current.onResize(current.column, event.key === 'ArrowRight' ? 20 : -20)
    }
    const move = (row: number, column = current.column) => {
      event.preventDefault()
      focusCell(Math.max(-1, Math.min(rows - 1, row)), column)
    }
    switch (event.key) {
      case 'ArrowDown':
      case 'j':
        return move(current.row + 1)
      case 'ArrowUp':
      case 'k':
        return move(current.row - 1)
      case 'ArrowRight':
        return move(current.row, columns[Math.min(columns.length - 1, col + 1)])
      case 'ArrowLeft':
        return move(current.row, columns[Math.max(0, col - 1)])
      case 'PageDown':
        return move(current.row + 10)
      case 'PageUp':
        return move(Math.max(0, current.row - 10))
      case 'Home':
        return event.ctrlKey ? move(0) : move(current.row, columns[0])
      case 'End':
        return event.ctrlKey ? move(rows - 1) : move(current.row, columns[columns.length - 1])
      case 'x':
      case ' ':
        if (current.row < 0) return
        event.preventDefault()
        return latest.current.onSelect(current.row)
      case 'Enter':
        event.preventDefault()
        if (current.row < 0) {
          const cell = latest.current
            .container()
            ?.querySelector<HTMLElement>(`[data-cell="-1:${CSS.escape(current.column)}"]`)
          cell?.querySelector<HTMLElement>('button, input')?.click()
          return
        }
        return latest.current.onOpen(current.row)
      case 'e':
      case 'F2': {
        if (current.row < 0) return
        event.preventDefault()
        const column = latest.current.onEdit(current.row, current.column)
        if (column) setActiveState({ row: current.row, column })
        return
      }
    }
  }

  /** Focus entering the grid itself (not a cell): send it to the active cell. */
  const onFocus = (event: FocusEvent<HTMLElement>) => {
    if (event.target === event.currentTarget) focusCell(current.row, current.column)
  }

  return {
    active: current,
    isActive: (row: number, column: string) => current.row === row && current.column === column,
    setActive: (row: number, column: string) => setActiveState({ row, column }),
    focusCell,
    onKeyDown,
    onFocus,
  }
}
