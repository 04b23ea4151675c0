import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { can, useMe } from '../../features/auth/api.ts'
import { InvitationsSection } from '../../features/members/invitations-section.tsx'
import { MembersSection } from '../../features/members/members-section.tsx'
import { PageHeader } from '../../features/shell/app-shell.tsx'

export const Route = createFileRoute('/_app/settings/members')({
  component: MembersPage,
})

function MembersPage() {
  const { t } = useTranslation()
  const { data: me } = useMe()
  if (!me) return null
  return (
    <>
      <PageHeader title={t('members.title')} description={t('members.description')} />
      <MembersSection me={me} />
      {can(me, 'invitations:read') ? <InvitationsSection me={me} /> : null}
    </>
  )
}
