import { createFileRoute } from '@tanstack/react-router'
import { ClientPage } from '../../features/clients/client-page.tsx'

export type ClientPageSearch = { tab?: string }

export const Route = createFileRoute('/_app/clients/$clientId')({
  validateSearch: (search: Record<string, unknown>): ClientPageSearch => ({
    tab: typeof search.tab === 'string' && /^[a-z0-9-]+$/.test(search.tab) ? search.tab : undefined,
  }),
  component: ClientRoute,
})

function ClientRoute() {
  const { clientId } = Route.useParams()
  const { tab } = Route.useSearch()
  const navigate = Route.useNavigate()
  return (
    <ClientPage
      clientId={clientId}
      tab={tab}
      onTabChange={(next) => navigate({ search: { tab: next }, resetScroll: false })}
    />
  )
}
