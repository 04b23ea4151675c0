import { useQuery, useQueryClient } from '@tanstack/react-query'
import { createFileRoute, Navigate, Outlet, redirect } from '@tanstack/react-router'
import { useEffect } from 'react'
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
  const queryClient = useQueryClient()
  const workspaceId = me.data?.activeWorkspace?.id
  // Realtime after sign-in, per active workspace; loaded on its own, out of the first-load bundle.
  useEffect(() => {
    if (!workspaceId) return
    let stop: (() => void) | null = null
    let cancelled = false
    void import('../lib/realtime.ts').then((m) => {
      if (!cancelled) stop = m.startRealtime(queryClient).stop
    })
    return () => {
      cancelled = true
      stop?.()
    }
  }, [workspaceId, queryClient])
  if (me.error instanceof ApiError && me.error.status === 401) return <Navigate to="/sign-in" />
  if (!me.data) return <PageSpinner />
  if (!me.data.activeWorkspace) return <Navigate to="/workspaces/new" />
  return (
    <AppShell me={me.data}>
      <Outlet />
    </AppShell>
  )
}
