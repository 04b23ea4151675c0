import { createFileRoute } from '@tanstack/react-router'
import { invoiceQuery } from '../../features/invoices/api.ts'
import { InvoicePage } from '../../features/invoices/invoice-page.tsx'

export const Route = createFileRoute('/_app/invoices/$invoiceId')({
  loader: ({ context, params }) => {
    void context.queryClient.prefetchQuery(invoiceQuery(params.invoiceId))
  },
  component: InvoiceRoute,
})

function InvoiceRoute() {
  const { invoiceId } = Route.useParams()
  return <InvoicePage invoiceId={invoiceId} />
}
