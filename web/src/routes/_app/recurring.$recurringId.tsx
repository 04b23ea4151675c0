import { createFileRoute } from '@tanstack/react-router'
import { recurringQuery } from '../../features/recurring/api.ts'
import { RecurringPage } from '../../features/recurring/recurring-page.tsx'

export const Route = createFileRoute('/_app/recurring/$recurringId')({
  loader: ({ context, params }) => {
    void context.queryClient.prefetchQuery(recurringQuery(params.recurringId))
  },
  component: RecurringRoute,
})

function RecurringRoute() {
  const { recurringId } = Route.useParams()
  return <RecurringPage recurringId={recurringId} />
}
