import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert, Spinner } from '../../../components/ui/index.ts'
import { linkClasses } from '../../../components/ui/link.ts'
import { errorMessage } from '../../../lib/errors.ts'
import { formatMoney, summaryQuery } from '../api.ts'

type Figure = 'outstanding' | 'overdue' | 'paidThisMonth'
const statusFilter: Record<Figure, string> = {
  outstanding: 'sent,viewed,partially_paid,overdue',
  overdue: 'overdue',
  paidThisMonth: 'partially_paid,paid',
}

/**
 * One figure of the workspace's invoices (`GET /api/v1/invoices/summary`, a member's clients only): the
 * total in the base currency, then each currency with its count. The drawing is one sentence for
 * screen readers.
 */
function SummaryFigure({ figure }: { figure: Figure }) {
  const { t, i18n } = useTranslation()
  const summary = useQuery(summaryQuery)
  if (summary.isPending) return <Spinner />
  if (summary.isError) return <Alert tone="error">{errorMessage(summary.error, t)}</Alert>
  const s = summary.data
  const money = (value: number, currency: string) => formatMoney(value, currency, i18n.language)
  const count = (c: (typeof s.currencies)[number]) =>
    figure === 'outstanding' ? c.outstandingCount : figure === 'overdue' ? c.overdueCount : null
  const rows = s.currencies.filter((c) => c[figure] !== 0)
  const total = money(s.base[figure], s.base.currency)
  const lines = rows.map((c) => {
    const n = count(c)
    return `${money(c[figure], c.currency)}${n === null ? '' : ` (${t('invoiceSettings.widgets.invoices', { count: n })})`}`
  })
  const title = t(`invoiceSettings.widgets.${figure}`)
  const unconverted = s.base.unconverted.filter((code) => rows.some((r) => r.currency === code))
  const sentence = t('invoiceSettings.widgets.summary', {
    title,
    amounts: rows.length
      ? [t('invoiceSettings.widgets.inBase', { amount: total, currency: s.base.currency }), ...lines].join(
          '; ',
        )
      : t('invoiceSettings.widgets.none'),
  })
  return (
    <div className="space-y-2">
      <p className="sr-only">{sentence}</p>
      <div aria-hidden="true" className="space-y-2">
        <p
          className={`text-3xl font-semibold tabular-nums ${figure === 'overdue' && s.base.overdue > 0 ? 'text-red-800 dark:text-red-300' : 'text-slate-900 dark:text-slate-100'}`}
        >
          {total}
        </p>
        {rows.length ? (
          <ul className="space-y-0.5 text-sm text-slate-700 dark:text-slate-300">
            {lines.map((line) => (
              <li key={line} className="tabular-nums">
                {line}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-300">{t('invoiceSettings.widgets.none')}</p>
        )}
        {unconverted.length ? (
          <p className="text-xs text-slate-600 dark:text-slate-300">
            {t('invoiceSettings.widgets.unconverted', { currencies: unconverted.join(', ') })}
          </p>
        ) : null}
      </div>
      <Link to="/invoices" search={{ status: statusFilter[figure] }} className={`${linkClasses} text-sm`}>
        {t('invoiceSettings.widgets.link')}
      </Link>
    </div>
  )
}

export const OutstandingWidget = () => <SummaryFigure figure="outstanding" />
export const OverdueWidget = () => <SummaryFigure figure="overdue" />
export const PaidThisMonthWidget = () => <SummaryFigure figure="paidThisMonth" />
