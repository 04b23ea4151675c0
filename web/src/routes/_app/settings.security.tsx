import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { useMe } from '../../features/auth/api.ts'
import { SessionsSection } from '../../features/security/sessions-section.tsx'
import { TwoFactorSection } from '../../features/security/two-factor-section.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/settings/security')({
  component: SecurityPage,
})

function SecurityPage() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  return (
    <>
      <PageHeader title={t('security.title')} description={t('security.description')} />
      {me ? <TwoFactorSection me={me} /> : null}
      <SessionsSection />
    </>
  )
}
