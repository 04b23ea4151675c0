import type { QueryClient } from '@tanstack/react-query'
import { createRootRouteWithContext, Link, Outlet } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert } from '../components/ui/index.ts'
import { linkClasses } from '../components/ui/link.ts'
import { AuthLayout } from '../features/auth/auth-layout.tsx'
import { errorMessage } from '../lib/errors.ts'

export const Route = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: Outlet,
  notFoundComponent: NotFound,
  errorComponent: RootError,
})

function NotFound() {
  const { t } = useTranslation()
  return (
    <AuthLayout title={t('notFound.title')}>
      <p className="mb-4 text-sm">{t('notFound.body')}</p>
      <Link to="/" className={linkClasses}>
        {t('notFound.home')}
      </Link>
    </AuthLayout>
  )
}

function RootError({ error }: { error: unknown }) {
  const { t } = useTranslation()
  return (
    <AuthLayout title={t('errors.pageTitle')}>
      <Alert tone="error">{errorMessage(error, t)}</Alert>
    </AuthLayout>
  )
}
