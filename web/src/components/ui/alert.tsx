import type { ReactNode } from 'react'
import { cn } from './cn.ts'

export type AlertTone = 'info' | 'success' | 'warning' | 'error'

const tones: Record<AlertTone, string> = {
  info: 'border-sky-300 bg-sky-50 text-sky-900 dark:border-sky-700 dark:bg-sky-950 dark:text-sky-100',
  success:
    'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100',
  warning:
    'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100',
  error: 'border-red-300 bg-red-50 text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100',
}

export function Alert({
  tone = 'info',
  title,
  children,
  className,
}: {
  tone?: AlertTone
  title?: ReactNode
  children?: ReactNode
  className?: string
}) {
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      className={cn('rounded-md border px-4 py-3 text-sm', tones[tone], className)}
    >
      {title ? <p className="font-semibold">{title}</p> : null}
      {children ? <div className={title ? 'mt-1' : undefined}>{children}</div> : null}
    </div>
  )
}

export function FormError({ message }: { message?: string | null }) {
  return (
    <div aria-live="assertive" aria-atomic="true">
      {message ? <Alert tone="error">{message}</Alert> : null}
    </div>
  )
}

/** What the last action on a list did: its error, or a success notice announced politely. */
export function ActionFeedback({ error, notice }: { error?: string | null; notice?: string | null }) {
  return (
    <>
      <FormError message={error} />
      <div aria-live="polite">{notice ? <Alert tone="success">{notice}</Alert> : null}</div>
    </>
  )
}
