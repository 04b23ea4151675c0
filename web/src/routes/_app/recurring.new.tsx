import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert } from '../../components/ui/index.ts'
import { can, useMe } from '../../features/auth/api.ts'
import { RecurringForm } from '../../features/recurring/recurring-form.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/recurring/new')({
  component: NewRecurringPage,
})

function NewRecurringPage() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  if (!me) return null
  return (
    <>
      <PageHeader title={t('recurring.editor.newTitle')} />
      {can(me, 'invoices:write') ? (
        <RecurringForm />
      ) : (
        <Alert tone="info">{t('recurring.noWriteAccess')}</Alert>
      )}
    </>
  )
}
