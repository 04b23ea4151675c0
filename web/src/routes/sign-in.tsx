import { createFileRoute } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { safeRedirect } from '../features/auth/api.ts'
import { AuthLayout } from '../features/auth/auth-layout.tsx'
import { SignInForm } from '../features/auth/sign-in-form.tsx'

export const Route = createFileRoute('/sign-in')({
  validateSearch: (search: Record<string, unknown>): { email?: string; redirect?: string } => ({
    email: typeof search.email === 'string' ? search.email : undefined,
    redirect: safeRedirect(search.redirect),
  }),
  component: SignInPage,
})

function SignInPage() {
  const { t } = useTranslation()
  const { email, redirect } = Route.useSearch()
  return (
    <AuthLayout title={t('auth.signIn.title')}>
      <SignInForm email={email} redirect={redirect} />
    </AuthLayout>
  )
}
