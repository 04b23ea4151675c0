import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { DocumentTotals } from '../../../../contracts/invoice-totals.ts'
import { cn } from '../../components/ui/index.ts'
import { Money, useFormatDay } from './badges.tsx'

export type PreviewLine = { key: string; description: string; quantity: string; unit: string; total: number }

export type PreviewDocument = {
  number: string | null
  client: string
  currency: string
  issueDate: string | null
  dueDate: string | null
  poNumber: string | null
  notes: string | null
  terms: string | null
  lines: PreviewLine[]
  subtotal: number
  discount: number
  tax: number
  taxInclusive: number
  shipping: number
  total: number
  balance?: number
  draft: boolean
}

/** The totals a preview shows, from the live rule or from a stored document. */
export function previewTotals(totals: DocumentTotals) {
  return {
    subtotal: totals.subtotal,
    discount: totals.discount,
    tax: totals.taxExclusive,
    taxInclusive: totals.taxInclusive,
    shipping: totals.shipping,
    total: totals.total,
  }
}

/**
 * The document on paper, as the client will read it: a draft as it is typed (it follows the editor
 * without holding up typing), a sent one as it was frozen.
 */
export const DocumentPreview = memo(function DocumentPreview({ doc }: { doc: PreviewDocument }) {
  const { t } = useTranslation()
  const day = useFormatDay()
  const row = (label: string, value: number, strong?: boolean) => (
    <div
      className={cn(
        'flex justify-between gap-4',
        strong && 'border-t border-slate-300 pt-1 font-semibold dark:border-slate-600',
      )}
    >
      <dt>{label}</dt>
      <dd>
        <Money value={value} currency={doc.currency} />
      </dd>
    </div>
  )
  return (
    <article
      aria-label={t('invoices.preview.title')}
      className="relative space-y-4 rounded-lg border border-slate-200 bg-white p-6 text-sm text-slate-900 shadow-sm dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      {doc.draft ? (
        <p className="absolute top-3 right-4 rounded bg-slate-200 px-2 py-0.5 text-xs font-semibold uppercase tracking-wide text-slate-800 dark:bg-slate-700 dark:text-slate-100">
          {t('invoices.status.draft')}
        </p>
      ) : null}
      <header className="space-y-1">
        <p className="text-lg font-semibold">{doc.number ?? t('invoices.title')}</p>
        <p className="text-slate-700 dark:text-slate-300">
          {[
            doc.issueDate && t('invoices.preview.issued', { date: day(doc.issueDate) }),
            doc.dueDate && t('invoices.preview.due', { date: day(doc.dueDate) }),
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
        <p>
          <span className="text-slate-700 dark:text-slate-300">{t('invoices.preview.billTo')}: </span>
          <span className="font-medium">{doc.client || '—'}</span>
          {doc.poNumber ? (
            <span className="text-slate-700 dark:text-slate-300">
              {' '}
              · {t('invoices.fields.poNumber')} {doc.poNumber}
            </span>
          ) : null}
        </p>
      </header>
      {doc.lines.length ? (
        <ul className="divide-y divide-slate-200 dark:divide-slate-700">
          {doc.lines.slice(0, 100).map((line) => (
            <li key={line.key} className="flex justify-between gap-4 py-1">
              <span className="min-w-0 truncate">
                {line.description || '—'}{' '}
                <span className="text-slate-700 dark:text-slate-300">
                  × {line.quantity}
                  {line.unit ? ` ${line.unit}` : ''}
                </span>
              </span>
              <Money value={line.total} currency={doc.currency} />
            </li>
          ))}
          {doc.lines.length > 100 ? (
            <li className="py-1 text-slate-700 dark:text-slate-300">… +{doc.lines.length - 100}</li>
          ) : null}
        </ul>
      ) : (
        <p className="text-slate-700 dark:text-slate-300">{t('invoices.preview.noLines')}</p>
      )}
      <dl className="ml-auto max-w-64 space-y-1">
        {row(t('invoices.totals.subtotal'), doc.subtotal)}
        {doc.discount ? row(t('invoices.totals.discount'), -doc.discount) : null}
        {doc.tax ? row(t('invoices.totals.tax'), doc.tax) : null}
        {doc.shipping ? row(t('invoices.totals.shipping'), doc.shipping) : null}
        {row(t('invoices.totals.total'), doc.total, true)}
        {doc.taxInclusive ? row(t('invoices.totals.taxIncluded'), doc.taxInclusive) : null}
        {doc.balance !== undefined ? row(t('invoices.totals.balance'), doc.balance, true) : null}
      </dl>
      {doc.notes ? <p className="whitespace-pre-line">{doc.notes}</p> : null}
      {doc.terms ? (
        <p className="whitespace-pre-line text-slate-700 dark:text-slate-300">{doc.terms}</p>
      ) : null}
    </article>
  )
})
