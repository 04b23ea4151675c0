import { createFileRoute } from '@tanstack/react-router'
import { useMe } from '../../features/auth/api.ts'
import { Dashboard } from '../../features/dashboard/dashboard.tsx'

export const Route = createFileRoute('/_app/')({
  component: DashboardPage,
})

function DashboardPage() {
  const { data: me } = useMe()
  if (!me?.activeWorkspace) return null
  return <Dashboard me={me} />
}
