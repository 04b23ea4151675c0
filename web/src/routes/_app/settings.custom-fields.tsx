import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert } from '../../components/ui/index.ts'
import { can, useMe } from '../../features/auth/api.ts'
import { CustomFieldsSettings } from '../../features/clients/custom-fields-settings.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/settings/custom-fields')({
  component: CustomFieldsPage,
})

function CustomFieldsPage() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  if (!me) return null
  return (
    <>
      <PageHeader title={t('customFields.title')} description={t('customFields.description')} />
      {can(me, 'clients:read') ? (
        <CustomFieldsSettings me={me} />
      ) : (
        <Alert tone="info">{t('customFields.noAccess')}</Alert>
      )}
    </>
  )
}
