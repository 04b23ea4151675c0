import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { AuthLayout } from '../features/auth/auth-layout.tsx'
import { InvitationLanding } from '../features/members/invitation-landing.tsx'

export const Route = createFileRoute('/invite/$token')({
  component: InvitePage,
})

function InvitePage() {
  const { t } = useTranslation()
  const { token } = Route.useParams()
  return (
    <AuthLayout title={t('invite.title')}>
      <InvitationLanding token={token} />
    </AuthLayout>
  )
}
