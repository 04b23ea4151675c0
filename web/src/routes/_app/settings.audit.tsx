import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert } from '../../components/ui/index.ts'
import { type AuditFilters, parseAuditFilters } from '../../features/audit/api.ts'
import { AuditLog } from '../../features/audit/audit-log.tsx'
import { can, useMe } from '../../features/auth/api.ts'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/settings/audit')({
  validateSearch: (search: Record<string, unknown>): AuditFilters => parseAuditFilters(search),
  component: AuditPage,
})

function AuditPage() {
  const { t } = useTranslation()
  const filters = Route.useSearch()
  const navigate = Route.useNavigate()
  const { data: me } = useMe()
  return (
    <>
      <PageHeader title={t('audit.title')} description={t('audit.description')} />
      {can(me, 'audit:read') ? (
        <AuditLog filters={filters} onFiltersChange={(next) => navigate({ search: next })} />
      ) : (
        <Alert tone="info">{t('audit.noAccess')}</Alert>
      )}
    </>
  )
}
