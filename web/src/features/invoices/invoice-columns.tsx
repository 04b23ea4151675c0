import { Link } from '@tanstack/react-router'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { GridColumn } from '../../components/grid/index.ts'
import type { DocKind, InvoiceSummary } from './api.ts'
import { InvoiceStatusBadge, Money, useFormatDay } from './badges.tsx'
import './document-strings.ts'

export const defaultInvoiceColumns = [
  'number',
  'client',
  'status',
  'issueDate',
  'dueDate',
  'total',
  'balance',
]

/** The columns a kind shows at first (quotes have no amount due, credit notes no due date). */
export function defaultColumns(kind: DocKind): string[] {
  if (kind === 'invoice') return defaultInvoiceColumns
  if (kind === 'quote') return ['number', 'client', 'status', 'issueDate', 'dueDate', 'total']
  return ['number', 'client', 'status', 'issueDate', 'total']
}

/** Where a document opens, for `navigate`. */
export function documentRoute(kind: DocKind, documentId: string) {
  if (kind === 'quote') return { to: '/quotes/$quoteId', params: { quoteId: documentId } } as const
  if (kind === 'credit_note')
    return { to: '/credit-notes/$creditNoteId', params: { creditNoteId: documentId } } as const
  return { to: '/invoices/$invoiceId', params: { invoiceId: documentId } } as const
}

const linkClasses = 'font-medium text-indigo-800 hover:underline dark:text-indigo-300'

/** A document's number (or "Draft") linking to its page. */
export function DocumentLink({
  kind,
  documentId,
  children,
  tabIndex,
}: {
  kind: DocKind
  documentId: string
  children: string
  tabIndex?: number
}) {
  if (kind === 'quote')
    return (
      <Link
        to="/quotes/$quoteId"
        params={{ quoteId: documentId }}
        tabIndex={tabIndex}
        className={linkClasses}
      >
        {children}
      </Link>
    )
  if (kind === 'credit_note')
    return (
      <Link
        to="/credit-notes/$creditNoteId"
        params={{ creditNoteId: documentId }}
        tabIndex={tabIndex}
        className={linkClasses}
      >
        {children}
      </Link>
    )
  return (
    <Link
      to="/invoices/$invoiceId"
      params={{ invoiceId: documentId }}
      tabIndex={tabIndex}
      className={linkClasses}
    >
      {children}
    </Link>
  )
}

export function useInvoiceColumns(kind: DocKind = 'invoice'): GridColumn<InvoiceSummary>[] {
  const { t } = useTranslation()
  const date = useFormatDay()
  return useMemo(() => {
    const columns: GridColumn<InvoiceSummary>[] = [
      {
        id: 'number',
        label: t('invoices.fields.number'),
        frozen: true,
        sortKey: 'number',
        size: 170,
        cell: (invoice) => (
          <DocumentLink kind={kind} documentId={invoice.id} tabIndex={-1}>
            {invoice.number ?? t('invoices.draftNumber')}
          </DocumentLink>
        ),
      },
      { id: 'client', label: t('invoices.fields.client'), size: 220, cell: (invoice) => invoice.client.name },
      {
        id: 'status',
        label: t('invoices.fields.status'),
        size: 140,
        cell: (invoice) => <InvoiceStatusBadge status={invoice.status} />,
      },
      {
        id: 'issueDate',
        label: t('invoices.fields.issueDate'),
        sortKey: 'issued',
        size: 140,
        cell: (invoice) => date(invoice.issueDate),
      },
    ]
    if (kind !== 'credit_note')
      columns.push({
        id: 'dueDate',
        label: kind === 'quote' ? t('quotes.fields.validUntil') : t('invoices.fields.dueDate'),
        sortKey: 'due',
        size: 140,
        cell: (invoice) => date(invoice.dueDate),
      })
    columns.push({
      id: 'total',
      label: t('invoices.fields.total'),
      sortKey: 'total',
      size: 140,
      cell: (invoice) => <Money value={invoice.total} currency={invoice.currency} />,
    })
    if (kind === 'invoice')
      columns.push({
        id: 'balance',
        label: t('invoices.fields.balance'),
        size: 140,
        cell: (invoice) =>
          invoice.status === 'void' || invoice.status === 'draft' ? (
            ''
          ) : (
            <Money value={invoice.balance} currency={invoice.currency} />
          ),
      })
    return columns
  }, [t, date, kind])
}
