import { createFileRoute } from '@tanstack/react-router'
import { documentQuery } from '../../features/invoices/api.ts'
import { QuotePage } from '../../features/quotes/quote-page.tsx'

export const Route = createFileRoute('/_app/quotes/$quoteId')({
  loader: ({ context, params }) => {
    void context.queryClient.prefetchQuery(documentQuery('quote', params.quoteId))
  },
  component: QuoteRoute,
})

function QuoteRoute() {
  const { quoteId } = Route.useParams()
  return <QuotePage quoteId={quoteId} />
}
