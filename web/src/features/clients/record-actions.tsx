import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ActionFeedback, Button, ConfirmDialog } from '../../components/ui/index.ts'
import { errorMessage } from '../../lib/errors.ts'
import { can, type Me } from '../auth/api.ts'
import { type Client, clientQuery, clientsApi, clientsKey } from './api.ts'

/** Archive, restore and delete, in the record page's header. */
export function RecordActions({ client, me }: { client: Client; me: Me }) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const archive = useMutation({
    mutationFn: (archived: boolean) =>
      archived ? clientsApi.restore(client.id) : clientsApi.archive(client.id),
    onSuccess: (updated) => {
      queryClient.setQueryData(clientQuery(client.id).queryKey, updated)
      void queryClient.invalidateQueries({ queryKey: clientsKey })
      setNotice(updated.archivedAt ? t('clients.page.archived') : t('clients.page.restored'))
    },
  })
  const remove = useMutation({
    mutationFn: () => clientsApi.remove(client.id),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: clientQuery(client.id).queryKey })
      await queryClient.invalidateQueries({ queryKey: clientsKey })
      await navigate({ to: '/clients' })
    },
  })
  const archived = client.status === 'archived' || client.archivedAt !== null
  return (
    <div className="flex flex-wrap items-center gap-2">
      <ActionFeedback error={archive.error ? errorMessage(archive.error, t) : null} notice={notice} />
      {can(me, 'clients:write') ? (
        <Button variant="secondary" loading={archive.isPending} onClick={() => archive.mutate(archived)}>
          {archived ? t('clients.page.restore') : t('clients.page.archive')}
        </Button>
      ) : null}
      {can(me, 'clients:delete') ? (
        <Button
          variant="danger"
          onClick={() => {
            remove.reset()
            setConfirmDelete(true)
          }}
        >
          {t('clients.page.delete')}
        </Button>
      ) : null}
      <ConfirmDialog
        open={confirmDelete}
        title={t('clients.page.deleteTitle')}
        description={t('clients.page.deleteBody', { name: client.name })}
        confirmLabel={t('clients.page.delete')}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error, t) : null}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirmDelete(false)}
      />
    </div>
  )
}
