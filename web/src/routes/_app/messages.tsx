import { createFileRoute } from '@tanstack/react-router'
import { MessagesPage } from '../../features/messaging/messages-page.tsx'
import { type MessagesSearch, parseMessagesSearch } from '../../features/messaging/search-params.ts'

export const Route = createFileRoute('/_app/messages')({
  validateSearch: parseMessagesSearch,
  component: MessagesRoute,
})

function MessagesRoute() {
  const navigate = Route.useNavigate()
  return (
    <MessagesPage
      search={Route.useSearch()}
      onSearchChange={(next: MessagesSearch, replace?: boolean) => navigate({ search: next, replace })}
    />
  )
}
