import { useQuery } from '@tanstack/react-query'
import { createFileRoute, Navigate, Outlet, redirect } from '@tanstack/react-router'
import { PageSpinner } from '../components/ui/index.ts'
import { meQuery } from '../features/auth/api.ts'
import { AppShell } from '../features/shell/app-shell.tsx'
import { ApiError } from '../lib/api.ts'

export const Route = createFileRoute('/_app')({
  beforeLoad: async ({ context, location }) => {
    const me = await context.queryClient.ensureQueryData(meQuery).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 401) {
        throw redirect({ to: '/sign-in', search: { redirect: location.href } })
      }
      throw error
    })
    if (!me.activeWorkspace) throw redirect({ to: '/workspaces/new' })
  },
  component: AppLayout,
})

function AppLayout() {
  const me = useQuery(meQuery)
  if (me.error instanceof ApiError && me.error.status === 401) return <Navigate to="/sign-in" />
  if (!me.data) return <PageSpinner />
  if (!me.data.activeWorkspace) return <Navigate to="/workspaces/new" />
  return (
    <AppShell me={me.data}>
      <Outlet />
    </AppShell>
  )
}
