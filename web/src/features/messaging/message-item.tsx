import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, ConfirmDialog, cn } from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { errorMessage } from '../../lib/errors.ts'
import { useFormatDateTime } from '../../lib/format.ts'
import { fileUrl, type Message, messagingApi, messagingKeys } from './api.ts'

export const EMOJIS = ['👍', '❤️', '😄', '🎉', '👀', '🙏'] as const

/** Message HTML as the server rendered it (markdown-it, raw HTML escaped, safe links only): never built here. */
export const proseClasses = [
  'text-sm leading-relaxed break-words [&_p]:my-0.5 [&_a]:text-indigo-800 [&_a]:underline dark:[&_a]:text-indigo-300',
  '[&_ul]:list-disc [&_ul]:pl-6 [&_ol]:list-decimal [&_ol]:pl-6',
  '[&_blockquote]:border-l-4 [&_blockquote]:border-slate-300 [&_blockquote]:pl-3 dark:[&_blockquote]:border-slate-600',
  '[&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_code]:font-mono [&_code]:text-xs dark:[&_code]:bg-slate-800',
  '[&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-slate-100 [&_pre]:p-2 dark:[&_pre]:bg-slate-800',
].join(' ')

export function MessageHtml({ html }: { html: string }) {
  // biome-ignore lint/security/noDangerouslySetInnerHtml: the API's `html` is rendered by the server with raw HTML disabled and only safe links; it is inserted as returned
  return <div className={proseClasses} dangerouslySetInnerHTML={{ __html: html }} />
}

type Props = {
  message: Message
  conversationId: string
  meId: string
  names: Map<string, string>
  canWrite: boolean
  canModerate: boolean
  highlighted?: boolean
  onOpenThread?: (id: string) => void
  /** Its controls are in the Tab order (the message the user is on); the others are reached by arrows. */
  tabbable?: boolean
  onActivate?: (id: string) => void
}

export function MessageItem({
  message: m,
  conversationId,
  meId,
  names,
  canWrite,
  canModerate,
  highlighted,
  onOpenThread,
  tabbable = true,
  onActivate,
}: Props) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState(m.body)
  const [confirming, setConfirming] = useState(false)
  const [picking, setPicking] = useState(false)
  const formatDateTime = useFormatDateTime()
  const author =
    m.authorId === meId ? t('messaging.you') : (names.get(m.authorId ?? '') ?? t('messaging.someone'))
  const mine = m.authorId === meId
  const deleted = !!m.deletedAt
  const refresh = () => queryClient.invalidateQueries({ queryKey: messagingKeys.messages(conversationId) })

  const react = useMutation({
    mutationFn: ({ emoji, on }: { emoji: string; on: boolean }) =>
      messagingApi.react(conversationId, m.id, emoji, on),
    onSuccess: () => refresh(),
    onError: (error) => showToast({ tone: 'error', message: errorMessage(error, t) }),
  })
  const edit = useMutation({
    mutationFn: (body: string) => messagingApi.edit(conversationId, m.id, body),
    onSuccess: () => {
      setEditing(false)
      void refresh()
    },
    onError: (error) => showToast({ tone: 'error', message: errorMessage(error, t) }),
  })
  const remove = useMutation({
    mutationFn: () => messagingApi.remove(conversationId, m.id),
    onSuccess: () => {
      setConfirming(false)
      void refresh()
    },
  })

  const tab = tabbable ? undefined : -1
  const reactorNames = (ids: string[]) =>
    ids.map((id) => (id === meId ? t('messaging.you') : (names.get(id) ?? t('messaging.someone')))).join(', ')

  return (
    <article
      id={`message-${m.id}`}
      data-testid="message"
      data-message-id={m.id}
      aria-labelledby={`message-${m.id}-meta`}
      aria-current={highlighted ? 'true' : undefined}
      tabIndex={-1}
      onFocus={() => onActivate?.(m.id)}
      className={cn(
        'group relative rounded-md px-3 py-2 focus-visible:outline-2 focus-visible:outline-indigo-600 hover:bg-slate-50 focus-within:bg-slate-50 dark:hover:bg-slate-800/60 dark:focus-within:bg-slate-800/60',
        highlighted && 'bg-amber-50 ring-2 ring-amber-400 dark:bg-amber-950/40',
      )}
    >
      <p id={`message-${m.id}-meta`} className="flex flex-wrap items-baseline gap-x-2 text-sm">
        <span className="font-semibold text-slate-900 dark:text-slate-100">{author}</span>
        <time dateTime={m.createdAt} className="text-xs text-slate-600 dark:text-slate-300">
          {formatDateTime(m.createdAt)}
        </time>
        {m.editedAt && !deleted ? (
          <span className="text-xs text-slate-600 dark:text-slate-300">{t('messaging.history.edited')}</span>
        ) : null}
      </p>
      {deleted ? (
        <p className="text-sm italic text-slate-600 dark:text-slate-300">{t('messaging.history.deleted')}</p>
      ) : editing ? (
        <form
          className="mt-1 space-y-2"
          onSubmit={(event) => {
            event.preventDefault()
            if (draft.trim()) edit.mutate(draft)
          }}
        >
          <label className="sr-only" htmlFor={`edit-${m.id}`}>
            {t('messaging.actions.editLabel')}
          </label>
          <textarea
            id={`edit-${m.id}`}
            value={draft}
            rows={3}
            // biome-ignore lint/a11y/noAutofocus: the user has just asked to edit this message
            autoFocus
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.preventDefault()
                setEditing(false)
              } else if (event.key === 'Enter' && !event.shiftKey) {
                event.preventDefault()
                if (draft.trim()) edit.mutate(draft)
              }
            }}
            className="block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-sm dark:border-slate-500 dark:bg-slate-900"
          />
          <div className="flex gap-2">
            <Button type="submit" loading={edit.isPending}>
              {t('messaging.actions.save')}
            </Button>
            <Button variant="secondary" onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </Button>
          </div>
        </form>
      ) : (
        <MessageHtml html={m.html} />
      )}
      {!deleted && m.attachments.length ? (
        <ul className="mt-1 flex flex-wrap gap-2">
          {m.attachments.map((a) => (
            <li key={a.id}>
              {a.contentType.startsWith('image/') ? (
                <a
                  href={fileUrl(a.id, true)}
                  target="_blank"
                  rel="noreferrer"
                  className="block"
                  tabIndex={tab}
                >
                  <img
                    src={fileUrl(a.id, true)}
                    alt={t('messaging.history.attachment', { name: a.name })}
                    loading="lazy"
                    className="max-h-40 max-w-60 rounded border border-slate-200 dark:border-slate-700"
                  />
                </a>
              ) : (
                <a
                  href={fileUrl(a.id)}
                  className={cn(linkClasses, 'text-sm')}
                  download={a.name}
                  tabIndex={tab}
                >
                  {t('messaging.history.attachment', { name: a.name })}
                </a>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {!deleted && m.reactions.length ? (
        <ul className="mt-1 flex flex-wrap gap-1" aria-label={t('messaging.actions.react')}>
          {m.reactions.map((r) => (
            <li key={r.emoji}>
              <button
                type="button"
                tabIndex={tab}
                aria-pressed={r.mine}
                disabled={!canWrite}
                data-testid="reaction"
                aria-label={t('messaging.actions.reaction', {
                  emoji: r.emoji,
                  count: r.count,
                  names: reactorNames(r.userIds),
                })}
                onClick={() => react.mutate({ emoji: r.emoji, on: !r.mine })}
                className={cn(
                  'rounded-full border px-2 py-0.5 text-xs',
                  r.mine
                    ? 'border-indigo-600 bg-indigo-50 text-indigo-900 dark:border-indigo-300 dark:bg-indigo-950 dark:text-indigo-100'
                    : 'border-slate-300 text-slate-800 dark:border-slate-600 dark:text-slate-200',
                )}
              >
                <span aria-hidden="true">
                  {r.emoji} {r.count}
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {m.replyCount > 0 && onOpenThread ? (
        <button
          type="button"
          tabIndex={tab}
          className={cn(linkClasses, 'mt-1 text-xs')}
          onClick={() => onOpenThread(m.id)}
        >
          {t('messaging.history.replies', { count: m.replyCount })}
        </button>
      ) : null}
      {!deleted && !editing && canWrite ? (
        <fieldset className="absolute -top-3 right-2 m-0 flex gap-1 rounded-md border border-slate-200 bg-white p-0.5 opacity-0 shadow-sm group-focus-within:opacity-100 group-hover:opacity-100 dark:border-slate-700 dark:bg-slate-900">
          <legend className="sr-only">{t('messaging.actions.label', { name: author })}</legend>
          <ActionButton
            tab={tab}
            label={t('messaging.actions.react')}
            expanded={picking}
            onClick={() => setPicking(!picking)}
          >
            ☺
          </ActionButton>
          {onOpenThread ? (
            <ActionButton tab={tab} label={t('messaging.actions.reply')} onClick={() => onOpenThread(m.id)}>
              ↩
            </ActionButton>
          ) : null}
          {mine ? (
            <ActionButton
              tab={tab}
              label={t('messaging.actions.edit')}
              onClick={() => {
                setDraft(m.body)
                setEditing(true)
              }}
            >
              ✎
            </ActionButton>
          ) : null}
          {mine || canModerate ? (
            <ActionButton tab={tab} label={t('messaging.actions.delete')} onClick={() => setConfirming(true)}>
              ✕
            </ActionButton>
          ) : null}
        </fieldset>
      ) : null}
      {picking ? (
        <fieldset
          className="m-0 mt-1 flex gap-1 border-0 p-0"
          onKeyDown={(event) => {
            if (event.key === 'Escape') setPicking(false)
          }}
        >
          <legend className="sr-only">{t('messaging.actions.react')}</legend>
          {EMOJIS.map((emoji, i) => (
            <button
              key={emoji}
              type="button"
              // biome-ignore lint/a11y/noAutofocus: the picker has just been opened from the keyboard or pointer
              autoFocus={i === 0}
              aria-label={t('messaging.actions.reactWith', { emoji })}
              className="rounded-md border border-slate-300 px-2 py-1 text-base hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
              onClick={() => {
                setPicking(false)
                const existing = m.reactions.find((r) => r.emoji === emoji)
                react.mutate({ emoji, on: !existing?.mine })
              }}
            >
              {emoji}
            </button>
          ))}
        </fieldset>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title={t('messaging.actions.deleteTitle')}
        description={t('messaging.actions.deleteBody')}
        confirmLabel={t('messaging.actions.delete')}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error, t) : null}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirming(false)}
      />
    </article>
  )
}

function ActionButton({
  label,
  onClick,
  expanded,
  tab,
  children,
}: {
  tab: number | undefined
  label: string
  onClick: () => void
  expanded?: boolean
  children: string
}) {
  return (
    <button
      type="button"
      tabIndex={tab}
      aria-label={label}
      title={label}
      aria-expanded={expanded}
      onClick={onClick}
      className="rounded px-1.5 py-0.5 text-sm text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
    >
      <span aria-hidden="true">{children}</span>
    </button>
  )
}
