import type { ReactNode } from 'react'

/** One column of a data grid, supplied by a feature folder (clients, invoices, tickets…). */
export type GridColumn<T> = {
  id: string
  /** Header text, also shown in the column chooser. */
  label: string
  /** A heading in the column chooser ("Custom fields"). */
  group?: string
  cell: (row: T) => ReactNode
  /** Width in CSS pixels before the user resizes it. */
  size?: number
  minSize?: number
  /** The server's sort key; a column without one is not sortable. */
  sortKey?: string
  /** The frozen first column: always shown, stays in view while scrolling sideways. */
  frozen?: boolean
  /** Renders an inline editor in the cell; `done` ends editing and returns focus to the cell. */
  editor?: (row: T, done: () => void) => ReactNode
}

export type GridDensity = 'compact' | 'comfortable'

/** What a user arranges and a saved view stores: visible columns in order, widths, density. */
export type GridDisplay = {
  columns: string[]
  widths: Record<string, number>
  density: GridDensity
}

export const rowHeights: Record<GridDensity, number> = { compact: 36, comfortable: 48 }
