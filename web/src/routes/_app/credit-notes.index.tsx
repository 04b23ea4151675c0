import { createFileRoute } from '@tanstack/react-router'
import { documentListLoader } from '../../features/invoices/api.ts'
import { DocumentsPage } from '../../features/invoices/documents-page.tsx'

export const Route = createFileRoute('/_app/credit-notes/')({
  ...documentListLoader('credit_note'),
  component: CreditNotesPage,
})

function CreditNotesPage() {
  const navigate = Route.useNavigate()
  return (
    <DocumentsPage
      kind="credit_note"
      search={Route.useSearch()}
      onSearchChange={(next, options) => navigate({ search: next, replace: options?.replace })}
    />
  )
}
