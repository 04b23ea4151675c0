import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, Form, Input } from '../../components/ui/index.ts'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { clientQuery, clientsApi, clientsKey } from './api.ts'

/**
 * Creates a client from just a name, then opens its page to fill in the rest. The list mounts it
 * above the grid; `onCreated` replaces the navigation when given.
 */
export function QuickCreate({ onCreated }: { onCreated?: (clientId: string) => void }) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [name, setName] = useState('')
  const create = useMutation({
    mutationFn: () => clientsApi.create({ name: name.trim() }),
    onSuccess: async (client) => {
      queryClient.setQueryData(clientQuery(client.id).queryKey, client)
      void queryClient.invalidateQueries({ queryKey: clientsKey })
      setName('')
      if (onCreated) onCreated(client.id)
      else await navigate({ to: '/clients/$clientId', params: { clientId: client.id } })
    },
  })
  const error = create.error ? (fieldErrorsOf(create.error).name ?? errorMessage(create.error, t)) : undefined
  return (
    <Form
      className="flex flex-wrap items-start gap-2"
      onSubmit={() => {
        if (name.trim()) create.mutate()
      }}
    >
      <Input
        label={t('record.quickCreate.label')}
        containerClassName="min-w-48 flex-1 [&>label]:sr-only"
        name="quickName"
        maxLength={200}
        placeholder={t('record.quickCreate.placeholder')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={error}
      />
      <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
        {t('record.quickCreate.submit')}
      </Button>
    </Form>
  )
}
