import { createFileRoute } from '@tanstack/react-router'
import { documentListLoader } from '../../features/invoices/api.ts'
import { DocumentsPage } from '../../features/invoices/documents-page.tsx'

export const Route = createFileRoute('/_app/invoices/')({
  ...documentListLoader('invoice'),
  component: InvoicesPage,
})

function InvoicesPage() {
  const navigate = Route.useNavigate()
  return (
    <DocumentsPage
      kind="invoice"
      search={Route.useSearch()}
      onSearchChange={(next, options) => navigate({ search: next, replace: options?.replace })}
    />
  )
}
