import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert, PageSpinner } from '../../components/ui/index.ts'
import { errorMessage } from '../../lib/errors.ts'
import { can, useMe } from '../auth/api.ts'
import { documentQuery } from '../invoices/api.ts'
import { InvoiceStatusBadge } from '../invoices/badges.tsx'
import { InvoiceEditor } from '../invoices/invoice-editor.tsx'
import { PageHeader } from '../shell/app-shell.tsx'
import { QuoteDetail } from './quote-detail.tsx'
import '../invoices/document-strings.ts'

/** A draft quote opens in the shared editor (for those who may change it); a sent one shows where it stands. */
export function QuotePage({ quoteId }: { quoteId: string }) {
  const { t } = useTranslation()
  const { data: me } = useMe()
  const query = useQuery(documentQuery('quote', quoteId))
  if (!me) return null
  if (query.isPending) return <PageSpinner />
  if (query.isError) return <Alert tone="error">{errorMessage(query.error, t)}</Alert>
  const quote = query.data
  return (
    <>
      <div className="space-y-1">
        <p className="text-sm">
          <Link to="/quotes" className="text-indigo-800 hover:underline dark:text-indigo-300">
            {t('quotes.title')}
          </Link>
        </p>
        <PageHeader
          title={quote.number ?? t('quotes.editor.editTitle')}
          description={
            <Link
              to="/clients/$clientId"
              params={{ clientId: quote.client.id }}
              className="text-indigo-800 hover:underline dark:text-indigo-300"
            >
              {quote.client.name}
            </Link>
          }
        />
        <InvoiceStatusBadge status={quote.status} />
      </div>
      {quote.status === 'draft' && can(me, 'invoices:write') ? (
        <InvoiceEditor key={quote.id} me={me} invoice={quote} />
      ) : (
        <QuoteDetail me={me} quote={quote} />
      )}
    </>
  )
}
