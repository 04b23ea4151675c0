import { Link } from '@tanstack/react-router'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { GridColumn } from '../../components/grid/index.ts'
import type { InvoiceSummary } from './api.ts'
import { InvoiceStatusBadge, Money, useFormatDay } from './badges.tsx'

export const defaultInvoiceColumns = [
  'number',
  'client',
  'status',
  'issueDate',
  'dueDate',
  'total',
  'balance',
]

export function useInvoiceColumns(): GridColumn<InvoiceSummary>[] {
  const { t } = useTranslation()
  const date = useFormatDay()
  return useMemo(
    () => [
      {
        id: 'number',
        label: t('invoices.fields.number'),
        frozen: true,
        sortKey: 'number',
        size: 170,
        cell: (invoice) => (
          <Link
            to="/invoices/$invoiceId"
            params={{ invoiceId: invoice.id }}
            tabIndex={-1}
            className="font-medium text-indigo-800 hover:underline dark:text-indigo-300"
          >
            {invoice.number ?? t('invoices.draftNumber')}
          </Link>
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
      {
        id: 'dueDate',
        label: t('invoices.fields.dueDate'),
        sortKey: 'due',
        size: 140,
        cell: (invoice) => date(invoice.dueDate),
      },
      {
        id: 'total',
        label: t('invoices.fields.total'),
        sortKey: 'total',
        size: 140,
        cell: (invoice) => <Money value={invoice.total} currency={invoice.currency} />,
      },
      {
        id: 'balance',
        label: t('invoices.fields.balance'),
        size: 140,
        cell: (invoice) =>
          invoice.status === 'void' || invoice.status === 'draft' ? (
            ''
          ) : (
            <Money value={invoice.balance} currency={invoice.currency} />
          ),
      },
    ],
    [t, date],
  )
}
