import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, ConfirmDialog, Dialog, FormError, Input } from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { errorMessage, fieldErrorsOf, formErrorOf } from '../../lib/errors.ts'
import { MemberPicker } from '../members/member-picker.tsx'
import { type Conversation, membersQuery, messagingApi, messagingKeys } from './api.ts'
import { PresenceDot } from './presence-dot.tsx'

/** Rename, topic, archive, members (add, remove) and leave, as the caller's rights allow. */
export function ManageDialog({
  conversation: c,
  title,
  meId,
  onClose,
  onLeft,
}: {
  conversation: Conversation
  title: string
  meId: string
  onClose: () => void
  onLeft: () => void
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const members = useQuery(membersQuery(c.id))
  const [name, setName] = useState(c.name ?? '')
  const [topic, setTopic] = useState(c.topic ?? '')
  const [leaving, setLeaving] = useState(false)
  const refresh = () => queryClient.invalidateQueries({ queryKey: messagingKeys.all })
  const fail = (error: unknown) => showToast({ tone: 'error', message: errorMessage(error, t) })

  const save = useMutation({
    mutationFn: () => messagingApi.update(c.id, { name: name.trim(), topic: topic.trim() || null }),
    onSuccess: () => {
      void refresh()
      showToast({ message: t('messaging.manage.saved') })
    },
  })
  const archive = useMutation({
    mutationFn: () => messagingApi.archive(c.id, !c.archivedAt),
    onSuccess: () => {
      void refresh()
      showToast({
        message: t(c.archivedAt ? 'messaging.manage.unarchivedToast' : 'messaging.manage.archivedToast'),
      })
    },
    onError: fail,
  })
  const add = useMutation({
    mutationFn: (member: { id: string; name: string }) => messagingApi.addMembers(c.id, [member.id]),
    onSuccess: (_r, member) => {
      void refresh()
      showToast({ message: t('messaging.manage.added', { name: member.name }) })
    },
    onError: fail,
  })
  const remove = useMutation({
    mutationFn: (userId: string) => messagingApi.removeMember(c.id, userId),
    onSuccess: () => {
      void refresh()
      showToast({ message: t('messaging.manage.removed') })
    },
    onError: fail,
  })
  const leave = useMutation({
    mutationFn: () => messagingApi.leave(c.id),
    onSuccess: () => {
      void refresh()
      showToast({ message: t('messaging.manage.left') })
      onLeft()
    },
  })
  const errors = fieldErrorsOf(save.error)
  const isChannel = c.kind === 'channel_public' || c.kind === 'channel_private'

  return (
    <Dialog
      open
      onClose={onClose}
      title={t('messaging.manage.title')}
      description={title}
      footer={
        <Button variant="secondary" onClick={onClose}>
          {t('messaging.manage.close')}
        </Button>
      }
    >
      {c.canManage ? (
        <form
          className="space-y-3"
          aria-label={t('messaging.manage.details')}
          onSubmit={(event) => {
            event.preventDefault()
            save.mutate()
          }}
        >
          <FormError message={formErrorOf(save.error, t, ['name', 'topic'])} />
          {isChannel ? (
            <Input
              label={t('messaging.manage.name')}
              value={name}
              maxLength={80}
              required
              error={errors.name}
              onChange={(event) => setName(event.target.value)}
            />
          ) : null}
          <Input
            label={t('messaging.manage.topic')}
            value={topic}
            maxLength={250}
            error={errors.topic}
            onChange={(event) => setTopic(event.target.value)}
          />
          <div className="flex flex-wrap gap-2">
            <Button type="submit" loading={save.isPending}>
              {t('messaging.manage.save')}
            </Button>
            <Button variant="secondary" loading={archive.isPending} onClick={() => archive.mutate()}>
              {c.archivedAt ? t('messaging.manage.unarchive') : t('messaging.manage.archive')}
            </Button>
          </div>
        </form>
      ) : null}
      <section aria-labelledby="manage-members" className="space-y-2">
        <h3 id="manage-members" className="font-semibold">
          {t('messaging.manage.members')} ({c.memberCount})
        </h3>
        <ul className="max-h-60 divide-y divide-slate-200 overflow-y-auto dark:divide-slate-700">
          {members.data?.data.map((p) => (
            <li key={p.id} className="flex items-center justify-between gap-2 py-1.5 text-sm">
              <span className="flex items-center gap-1.5">
                {p.name ?? t('messaging.someone')}
                <PresenceDot userId={p.userId} />
                {p.role === 'owner' ? (
                  <span className="ml-2 text-xs text-slate-600 dark:text-slate-300">
                    {t('messaging.manage.owner')}
                  </span>
                ) : null}
              </span>
              {c.canManage && p.userId && p.userId !== meId ? (
                <Button
                  variant="ghost"
                  aria-label={t('messaging.manage.remove', { name: p.name ?? '' })}
                  onClick={() => p.userId && remove.mutate(p.userId)}
                >
                  ✕
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
        {c.canManage && !c.archivedAt ? (
          <MemberPicker
            label={t('messaging.manage.add')}
            inline
            onChange={(member) => {
              if (member) add.mutate(member)
            }}
          />
        ) : null}
      </section>
      {c.joined ? (
        <Button variant="danger" onClick={() => setLeaving(true)}>
          {t('messaging.manage.leave')}
        </Button>
      ) : null}
      <ConfirmDialog
        open={leaving}
        title={t('messaging.manage.leaveTitle')}
        description={t('messaging.manage.leaveBody')}
        confirmLabel={t('messaging.manage.leave')}
        pending={leave.isPending}
        error={leave.error ? errorMessage(leave.error, t) : null}
        onConfirm={() => leave.mutate()}
        onClose={() => setLeaving(false)}
      />
    </Dialog>
  )
}
