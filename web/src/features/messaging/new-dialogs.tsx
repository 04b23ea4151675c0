import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Fieldset, FormDialog, FormError, Input } from '../../components/ui/index.ts'
import { fieldErrorsOf, formErrorOf } from '../../lib/errors.ts'
import { MemberPicker, type PickedMember } from '../members/member-picker.tsx'
import { type Conversation, messagingApi, messagingKeys } from './api.ts'

export function CreateChannelDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void
  onCreated: (c: Conversation) => void
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [name, setName] = useState('')
  const [topic, setTopic] = useState('')
  const [kind, setKind] = useState<'channel_public' | 'channel_private'>('channel_public')
  const create = useMutation({
    mutationFn: () =>
      messagingApi.createChannel({ kind, name: name.trim(), topic: topic.trim() || undefined }),
    onSuccess: (c) => {
      void queryClient.invalidateQueries({ queryKey: messagingKeys.conversations })
      onCreated(c)
    },
  })
  const errors = fieldErrorsOf(create.error)
  return (
    <FormDialog
      title={t('messaging.create.title')}
      submitLabel={t('messaging.create.submit')}
      pending={create.isPending}
      onClose={onClose}
      onSubmit={() => create.mutate()}
    >
      <FormError message={formErrorOf(create.error, t, ['name', 'topic'])} />
      <Input
        label={t('messaging.create.name')}
        value={name}
        required
        maxLength={80}
        autoComplete="off"
        error={errors.name}
        onChange={(event) => setName(event.target.value)}
      />
      <Input
        label={t('messaging.create.topic')}
        hint={t('messaging.create.topicHint')}
        value={topic}
        maxLength={250}
        error={errors.topic}
        onChange={(event) => setTopic(event.target.value)}
      />
      <Fieldset legend={t('messaging.create.visibility')}>
        {(['channel_public', 'channel_private'] as const).map((k) => (
          <label key={k} className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name="channel-kind"
              value={k}
              checked={kind === k}
              onChange={() => setKind(k)}
              className="size-4 accent-indigo-700 dark:accent-indigo-300"
            />
            {k === 'channel_public' ? t('messaging.create.public') : t('messaging.create.private')}
          </label>
        ))}
      </Fieldset>
    </FormDialog>
  )
}

export function DirectDialog({
  onClose,
  onOpened,
}: {
  onClose: () => void
  onOpened: (c: Conversation) => void
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [member, setMember] = useState<PickedMember | null>(null)
  const open = useMutation({
    mutationFn: (userId: string) => messagingApi.openDirect(userId),
    onSuccess: (c) => {
      void queryClient.invalidateQueries({ queryKey: messagingKeys.conversations })
      onOpened(c)
    },
  })
  return (
    <FormDialog
      title={t('messaging.directDialog.title')}
      submitLabel={t('messaging.directDialog.submit')}
      pending={open.isPending}
      onClose={onClose}
      onSubmit={() => {
        if (member) open.mutate(member.id)
      }}
    >
      <FormError message={formErrorOf(open.error, t, [])} />
      <MemberPicker
        label={t('messaging.directDialog.member')}
        value={member}
        inline
        autoFocus
        error={fieldErrorsOf(open.error).userId}
        onChange={setMember}
      />
    </FormDialog>
  )
}
