import { Link } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert, buttonClasses } from '../../components/ui/index.ts'
import { can, useMe } from '../auth/api.ts'
import { PageHeader } from '../shell/app-shell.tsx'
import type { DocKind, InvoiceSearch } from './api.ts'
import { DocumentsList } from './documents-list.tsx'
import { kindText } from './kind-text.ts'
import './document-strings.ts'

/** The page of one kind's list: title, "New …" (credit notes are made from an invoice), the list. */
export function DocumentsPage({
  kind,
  search,
  onSearchChange,
}: {
  kind: DocKind
  search: InvoiceSearch
  onSearchChange: (next: InvoiceSearch, options?: { replace?: boolean }) => void
}) {
  const { t } = useTranslation()
  const { data: me } = useMe()
  if (!me) return null
  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <PageHeader title={kindText(t, kind, 'title')} description={kindText(t, kind, 'description')} />
        {kind !== 'credit_note' && can(me, 'invoices:write') ? (
          <Link to={kind === 'quote' ? '/quotes/new' : '/invoices/new'} className={buttonClasses()}>
            {kindText(t, kind, 'new')}
          </Link>
        ) : null}
      </div>
      {can(me, 'invoices:read') ? (
        <DocumentsList kind={kind} me={me} search={search} onSearchChange={onSearchChange} />
      ) : (
        <Alert tone="info">{kindText(t, kind, 'noAccess')}</Alert>
      )}
    </>
  )
}
