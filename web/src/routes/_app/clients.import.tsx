import { createFileRoute, Link } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert, cn } from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { can, useMe } from '../../features/auth/api.ts'
import { ImportWizard } from '../../features/clients/import-wizard.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/clients/import')({
  component: ImportPage,
})

function ImportPage() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  if (!me) return null
  return (
    <>
      <div className="space-y-2">
        <Link to="/clients" className={cn(linkClasses, 'text-sm')}>
          {t('clients.page.back')}
        </Link>
        <PageHeader title={t('clientImport.title')} description={t('clientImport.description')} />
      </div>
      {can(me, 'clients:import') ? <ImportWizard /> : <Alert tone="info">{t('clientImport.noAccess')}</Alert>}
    </>
  )
}
