import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Card } from '../../components/ui/index.ts'
import { useMe } from '../../features/auth/api.ts'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/')({
  component: DashboardPage,
})

function DashboardPage() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  const workspace = me?.activeWorkspace
  if (!me || !workspace) return null
  return (
    <>
      <PageHeader title={t('dashboard.title')} />
      <Card title={t('dashboard.welcome', { name: me.user.name })}>
        <p className="text-sm text-slate-700 dark:text-slate-300">
          {t('dashboard.summary', { workspace: workspace.name, role: t(`roles.${workspace.role}`) })}
        </p>
        <p className="mt-3 text-sm text-slate-600 dark:text-slate-300">{t('dashboard.comingSoon')}</p>
      </Card>
    </>
  )
}
