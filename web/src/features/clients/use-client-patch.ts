import { type InfiniteData, useMutation, useQueryClient } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { showToast } from '../../components/ui/toast.tsx'
import { errorMessage } from '../../lib/errors.ts'
import { type Client, clientsApi, type UpdateClient } from './api.ts'

type Page = { data: Client[]; nextCursor: string | null }
type Change = {
  client: Client
  /** What the server receives. */
  input: UpdateClient
  /** How the row looks once the change is made (names of owners, for instance). */
  shown: Partial<Client>
  /** Names the change in the toast: "Status of Acme changed". */
  label: string
}

/** Every cached page of client lists (grid and board columns) with one client replaced. */
function patchLists(
  queryClient: ReturnType<typeof useQueryClient>,
  id: string,
  patch: (client: Client) => Client,
) {
  queryClient.setQueriesData<InfiniteData<Page>>({ queryKey: ['clients', 'list'] }, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            data: page.data.map((client) => (client.id === id ? patch(client) : client)),
          })),
        }
      : data,
  )
}

/** The fields of `client` that `input` changes, as they are now: what Undo sends back. */
function previousInput(client: Client, input: UpdateClient): { input: UpdateClient; shown: Partial<Client> } {
  const back: Record<string, unknown> = {}
  const shown: Record<string, unknown> = {}
  for (const key of Object.keys(input)) {
    if (key === 'ownerId') {
      back.ownerId = client.owner?.id ?? null
      shown.owner = client.owner
    } else {
      back[key] = client[key as keyof Client]
      shown[key] = client[key as keyof Client]
    }
  }
  return { input: back as UpdateClient, shown: shown as Partial<Client> }
}

/**
 * Inline edits of a client in lists: the row changes at once, rolls back with a message if the server
 * refuses, and a toast offers Undo for the last change.
 */
export function useClientPatch() {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const mutation = useMutation({
    mutationFn: (change: Change & { undo?: boolean }) =>
      clientsApi.update({ clientId: change.client.id, input: change.input }),
    onMutate: async (change) => {
      await queryClient.cancelQueries({ queryKey: ['clients', 'list'] })
      const snapshot = queryClient.getQueriesData<InfiniteData<Page>>({ queryKey: ['clients', 'list'] })
      patchLists(queryClient, change.client.id, (client) => ({ ...client, ...change.shown }))
      return { snapshot }
    },
    onError: (error, change, context) => {
      for (const [key, data] of context?.snapshot ?? []) queryClient.setQueryData(key, data)
      showToast({
        tone: 'error',
        message: t('clients.grid.editFailed', { name: change.client.name, error: errorMessage(error, t) }),
      })
    },
    onSuccess: (saved, change) => {
      patchLists(queryClient, saved.id, () => saved)
      queryClient.setQueryData(['clients', 'detail', saved.id], saved)
      if (change.undo) {
        showToast({ message: t('clients.grid.undone', { name: saved.name }) })
        return
      }
      const back = previousInput(change.client, change.input)
      showToast({
        message: change.label,
        action: {
          label: t('clients.grid.undo'),
          onClick: () => mutation.mutate({ client: saved, ...back, label: change.label, undo: true }),
        },
      })
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['clients', 'count'] })
      void queryClient.invalidateQueries({ queryKey: ['clients', 'tags'] })
    },
  })
  return (change: Change) => mutation.mutate(change)
}
