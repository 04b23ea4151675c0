import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { useMe } from '../../features/auth/api.ts'
import { PageHeader } from '../../features/shell/app-shell.tsx'
import { WorkspaceSettings } from '../../features/workspaces/workspace-settings-form.tsx'

export const Route = createFileRoute('/_app/settings/workspace')({
  component: WorkspaceSettingsPage,
})

function WorkspaceSettingsPage() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  return (
    <>
      <PageHeader title={t('workspaceSettings.title')} />
      {me ? <WorkspaceSettings me={me} /> : null}
    </>
  )
}
