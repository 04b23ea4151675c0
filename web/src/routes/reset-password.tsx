import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { AuthLayout } from '../features/auth/auth-layout.tsx'
import { ResetPasswordForm } from '../features/auth/password-forms.tsx'

export const Route = createFileRoute('/reset-password')({
  validateSearch: (search: Record<string, unknown>): { token?: string; error?: string } => ({
    token: typeof search.token === 'string' ? search.token : undefined,
    error: typeof search.error === 'string' ? search.error : undefined,
  }),
  component: ResetPasswordPage,
})

function ResetPasswordPage() {
  const { t } = useTranslation()
  const { token, error } = Route.useSearch()
  return (
    <AuthLayout title={t('auth.resetPassword.title')}>
      <ResetPasswordForm token={token} error={error} />
    </AuthLayout>
  )
}
