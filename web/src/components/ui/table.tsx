import type { HTMLAttributes, ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react'
import { cn } from './cn.ts'

export function Table({ caption, children }: { caption: ReactNode; children: ReactNode }) {
  return (
    <section
      aria-label={typeof caption === 'string' ? caption : undefined}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a horizontally scrollable region must be reachable by keyboard
      tabIndex={0}
      className="relative overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-700"
    >
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm dark:divide-slate-700">
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </section>
  )
}

export function THead({ children }: { children: ReactNode }) {
  return (
    <thead className="bg-slate-100 text-xs font-semibold uppercase tracking-wide text-slate-700 dark:bg-slate-800 dark:text-slate-200">
      {children}
    </thead>
  )
}

export function TBody({ children }: { children: ReactNode }) {
  return (
    <tbody className="divide-y divide-slate-200 bg-white dark:divide-slate-700 dark:bg-slate-900">
      {children}
    </tbody>
  )
}

export function TR({ className, ...rest }: HTMLAttributes<HTMLTableRowElement>) {
  return <tr className={className} {...rest} />
}

export function TH({ className, scope = 'col', ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope={scope} className={cn('px-3 py-3 whitespace-nowrap', className)} {...rest} />
}

export function TD({ className, ...rest }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={cn('px-3 py-3 align-top', className)} {...rest} />
}

/** The header row of a data table; `actions` labels (for screen readers) a trailing column of buttons. */
export function HeaderRow({ columns, actions }: { columns: ReactNode[]; actions?: string }) {
  return (
    <THead>
      <TR>
        {columns.map((column, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: header columns are fixed for a table
          <TH key={i}>{column}</TH>
        ))}
        {actions ? (
          <TH>
            <span className="sr-only">{actions}</span>
          </TH>
        ) : null}
      </TR>
    </THead>
  )
}
