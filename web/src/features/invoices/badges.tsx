import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { cn } from '../../components/ui/index.ts'
import { dateTimeFormat } from '../../lib/format.ts'
import { formatMoney } from './api.ts'

const tones: Record<string, string> = {
  draft: 'bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-100',
  sent: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-100',
  viewed: 'bg-indigo-100 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100',
  partially_paid: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  paid: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100',
  overdue: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100',
  void: 'bg-slate-300 text-slate-900 line-through dark:bg-slate-700 dark:text-slate-100',
  issued: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-100',
}

/** A document's status in words, coloured by how it stands. */
export function InvoiceStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation()
  return (
    <span
      className={cn(
        'inline-block whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium',
        tones[status] ?? tones.draft,
      )}
    >
      {t(`invoices.status.${status as 'draft'}`, { defaultValue: status })}
    </span>
  )
}

/** Minor units in the viewer's locale ("€1,250.00"). */
export function Money({ value, currency }: { value: number; currency: string }) {
  const { i18n } = useTranslation()
  return <span className="tabular-nums">{formatMoney(value, currency, i18n.language)}</span>
}

/** A calendar day (`YYYY-MM-DD`) as people read it, the same day in every time zone. */
export function useFormatDay(): (day: string | null | undefined) => string {
  const { i18n } = useTranslation()
  return useMemo(() => {
    const format = dateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' })
    return (day) => (day ? format.format(new Date(`${day}T00:00:00Z`)) : '')
  }, [i18n.language])
}
