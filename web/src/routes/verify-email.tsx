import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { AuthLayout } from '../features/auth/auth-layout.tsx'
import { VerifyEmailStatus } from '../features/auth/verify-email-status.tsx'

export const Route = createFileRoute('/verify-email')({
  validateSearch: (search: Record<string, unknown>): { error?: string } => ({
    error: typeof search.error === 'string' ? search.error : undefined,
  }),
  component: VerifyEmailPage,
})

function VerifyEmailPage() {
  const { t } = useTranslation()
  const { error } = Route.useSearch()
  return (
    <AuthLayout title={t('auth.verifyEmail.title')}>
      <VerifyEmailStatus error={error} />
    </AuthLayout>
  )
}
