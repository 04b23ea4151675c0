import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { safeRedirect } from '../features/auth/api.ts'
import { AuthLayout } from '../features/auth/auth-layout.tsx'
import { SignUpForm } from '../features/auth/sign-up-form.tsx'

export const Route = createFileRoute('/sign-up')({
  validateSearch: (search: Record<string, unknown>): { email?: string; redirect?: string } => ({
    email: typeof search.email === 'string' ? search.email : undefined,
    redirect: safeRedirect(search.redirect),
  }),
  component: SignUpPage,
})

function SignUpPage() {
  const { t } = useTranslation()
  const { email, redirect } = Route.useSearch()
  return (
    <AuthLayout title={t('auth.signUp.title')}>
      <SignUpForm email={email} redirect={redirect} />
    </AuthLayout>
  )
}
