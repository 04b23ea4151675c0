import { createFileRoute } from '@tanstack/react-router'
import { PublicViewPage } from '../features/public-view/public-view-page.tsx'

// Public: the page a client opens from an invoice or quote email, outside the signed-in layout.
export const Route = createFileRoute('/view/$token')({
  component: ViewPage,
})

function ViewPage() {
  const { token } = Route.useParams()
  return <PublicViewPage token={token} />
}
