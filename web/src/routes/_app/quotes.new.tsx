import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert } from '../../components/ui/index.ts'
import { can, useMe } from '../../features/auth/api.ts'
import { InvoiceEditor } from '../../features/invoices/invoice-editor.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/quotes/new')({
  component: NewQuotePage,
})

function NewQuotePage() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  if (!me) return null
  return (
    <>
      <PageHeader title={t('quotes.editor.newTitle')} />
      {can(me, 'invoices:write') ? (
        <InvoiceEditor me={me} kind="quote" />
      ) : (
        <Alert tone="info">{t('quotes.noWriteAccess')}</Alert>
      )}
    </>
  )
}
