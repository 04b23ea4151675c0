import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert, PageSpinner } from '../../components/ui/index.ts'
import { errorMessage } from '../../lib/errors.ts'
import { can, useMe } from '../auth/api.ts'
import { PageHeader } from '../shell/app-shell.tsx'
import { invoiceQuery } from './api.ts'
import { InvoiceStatusBadge } from './badges.tsx'
import { InvoiceDetail } from './invoice-detail.tsx'
import { InvoiceEditor } from './invoice-editor.tsx'

/** A draft opens in the editor (for those who may change it); a sent invoice shows as it was sent. */
export function InvoicePage({ invoiceId }: { invoiceId: string }) {
  const { t } = useTranslation()
  const { data: me } = useMe()
  const query = useQuery(invoiceQuery(invoiceId))
  if (!me) return null
  if (query.isPending) return <PageSpinner />
  if (query.isError) return <Alert tone="error">{errorMessage(query.error, t)}</Alert>
  const invoice = query.data
  const draft = invoice.status === 'draft'
  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="space-y-1">
          <p className="text-sm">
            <Link to="/invoices" className="text-indigo-800 hover:underline dark:text-indigo-300">
              {t('invoices.title')}
            </Link>
          </p>
          <PageHeader
            title={invoice.number ?? t('invoices.editor.editTitle')}
            description={
              <Link
                to="/clients/$clientId"
                params={{ clientId: invoice.client.id }}
                className="text-indigo-800 hover:underline dark:text-indigo-300"
              >
                {invoice.client.name}
              </Link>
            }
          />
          <InvoiceStatusBadge status={invoice.status} />
        </div>
      </div>
      {draft && can(me, 'invoices:write') ? (
        <InvoiceEditor key={invoice.id} me={me} invoice={invoice} />
      ) : (
        <InvoiceDetail me={me} invoice={invoice} />
      )}
    </>
  )
}
