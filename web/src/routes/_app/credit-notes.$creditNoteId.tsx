import { createFileRoute } from '@tanstack/react-router'
import { CreditNotePage } from '../../features/credit-notes/credit-note-page.tsx'
import { documentQuery } from '../../features/invoices/api.ts'

export const Route = createFileRoute('/_app/credit-notes/$creditNoteId')({
  loader: ({ context, params }) => {
    void context.queryClient.prefetchQuery(documentQuery('credit_note', params.creditNoteId))
  },
  component: CreditNoteRoute,
})

function CreditNoteRoute() {
  const { creditNoteId } = Route.useParams()
  return <CreditNotePage creditNoteId={creditNoteId} />
}
