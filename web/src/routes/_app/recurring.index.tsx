import { createFileRoute } from '@tanstack/react-router'
import { recurringListRoute } from '../../features/recurring/api.ts'
import { RecurringList } from '../../features/recurring/recurring-list.tsx'

export const Route = createFileRoute('/_app/recurring/')({
  ...recurringListRoute,
  component: RecurringRoute,
})

function RecurringRoute() {
  const navigate = Route.useNavigate()
  return (
    <RecurringList
      search={Route.useSearch()}
      onSearchChange={(next, options) => navigate({ search: next, replace: options?.replace })}
    />
  )
}
