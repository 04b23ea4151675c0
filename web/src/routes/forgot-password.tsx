import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { AuthLayout } from '../features/auth/auth-layout.tsx'
import { ForgotPasswordForm } from '../features/auth/password-forms.tsx'

export const Route = createFileRoute('/forgot-password')({
  component: ForgotPasswordPage,
})

function ForgotPasswordPage() {
  const { t } = useTranslation()
  return (
    <AuthLayout title={t('auth.forgotPassword.title')}>
      <ForgotPasswordForm />
    </AuthLayout>
  )
}
