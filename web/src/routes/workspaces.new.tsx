import { createFileRoute, Link, redirect } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { linkClasses } from '../components/ui/link.ts'
import { meQuery } from '../features/auth/api.ts'
import { AuthLayout } from '../features/auth/auth-layout.tsx'
import { CreateWorkspaceForm } from '../features/workspaces/create-workspace-form.tsx'
import { ApiError } from '../lib/api.ts'

export const Route = createFileRoute('/workspaces/new')({
  beforeLoad: async ({ context, location }) => {
    try {
      return { me: await context.queryClient.ensureQueryData(meQuery) }
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        throw redirect({ to: '/sign-in', search: { redirect: location.href } })
      }
      throw error
    }
  },
  component: NewWorkspacePage,
})

function NewWorkspacePage() {
  const { t } = useTranslation()
  const { me } = Route.useRouteContext()
  return (
    <AuthLayout title={t('workspaces.create.title')}>
      <p className="mb-4 text-sm text-slate-700 dark:text-slate-300">{t('workspaces.create.intro')}</p>
      <CreateWorkspaceForm />
      {me.activeWorkspace ? (
        <Link to="/" className={`${linkClasses} mt-4 block text-sm`}>
          {t('workspaces.create.back')}
        </Link>
      ) : null}
    </AuthLayout>
  )
}
