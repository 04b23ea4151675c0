import { createFileRoute } from '@tanstack/react-router'
import { documentListLoader } from '../../features/invoices/api.ts'
import { DocumentsPage } from '../../features/invoices/documents-page.tsx'

export const Route = createFileRoute('/_app/quotes/')({
  ...documentListLoader('quote'),
  component: QuotesPage,
})

function QuotesPage() {
  const navigate = Route.useNavigate()
  return (
    <DocumentsPage
      kind="quote"
      search={Route.useSearch()}
      onSearchChange={(next, options) => navigate({ search: next, replace: options?.replace })}
    />
  )
}
