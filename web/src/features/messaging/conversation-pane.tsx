import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, cn, QueryState } from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { errorMessage } from '../../lib/errors.ts'
import { type Conversation, conversationQuery, messagingApi, messagingKeys } from './api.ts'
import { Composer } from './composer.tsx'
import { History } from './history.tsx'
import { ManageDialog } from './manage-dialog.tsx'
import { useNames } from './people.ts'
import { ThreadPanel } from './thread-panel.tsx'
import { useConversationRoom, useTyping } from './typing.ts'

/** "Ada is typing…", from the typing signals of the conversation's room. */
export function TypingLine({ typers, names }: { typers: string[]; names: Map<string, string> }) {
  const { t } = useTranslation()
  const name = (id: string) => names.get(id) ?? t('messaging.someone')
  const [first, second] = typers
  const text = !first
    ? ''
    : !second
      ? t('messaging.typing.one', { name: name(first) })
      : typers.length === 2
        ? t('messaging.typing.two', { first: name(first), second: name(second) })
        : t('messaging.typing.many')
  return (
    <p
      aria-live="polite"
      data-testid="typing"
      className="h-5 px-1 text-xs text-slate-600 italic dark:text-slate-300"
    >
      {text}
    </p>
  )
}

export function ConversationPane({
  conversationId,
  title,
  meId,
  canModerate,
  around,
  thread,
  onJump,
  onThread,
  onLeft,
}: {
  conversationId: string
  title: (c: Conversation) => string
  meId: string
  canModerate: boolean
  around: string | null
  thread: string | null
  onJump: (messageId: string | null) => void
  onThread: (parentId: string | null) => void
  onLeft: () => void
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const query = useQuery(conversationQuery(conversationId))
  const names = useNames(conversationId)
  const [managing, setManaging] = useState(false)
  useConversationRoom(conversationId)
  const typing = useTyping(conversationId, meId)

  const join = useMutation({
    mutationFn: () => messagingApi.join(conversationId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: messagingKeys.all }),
    onError: (error) => showToast({ tone: 'error', message: errorMessage(error, t) }),
  })

  return (
    <QueryState query={query}>
      {(c) => {
        const name = title(c)
        const writable = c.joined && !c.archivedAt
        const isChannel = c.kind === 'channel_public' || c.kind === 'channel_private'
        return (
          <div className="flex min-h-0 flex-1 gap-4">
            <section
              aria-labelledby="conversation-title"
              className={cn('min-h-0 min-w-0 flex-1 flex-col lg:flex', thread ? 'hidden' : 'flex')}
            >
              <header className="flex flex-wrap items-start justify-between gap-2 border-b border-slate-200 pb-2 dark:border-slate-700">
                <div className="min-w-0">
                  <Link to="/messages" className={cn(linkClasses, 'text-sm md:hidden')}>
                    {t('messaging.back')}
                  </Link>
                  <h2 id="conversation-title" className="truncate text-lg font-semibold">
                    {name}
                    {c.kind === 'channel_private' ? (
                      <span className="ml-2 align-middle text-xs font-normal text-slate-600 dark:text-slate-300">
                        {t('messaging.private')}
                      </span>
                    ) : null}
                  </h2>
                  {c.topic ? (
                    <p className="truncate text-sm text-slate-600 dark:text-slate-300">{c.topic}</p>
                  ) : null}
                </div>
                {isChannel || c.kind === 'group' ? (
                  <Button variant="secondary" onClick={() => setManaging(true)}>
                    {t('messaging.manage.button')}
                  </Button>
                ) : null}
              </header>
              {c.archivedAt ? <Alert tone="info">{t('messaging.history.archivedNote')}</Alert> : null}
              <History
                key={`${c.id}:${around ?? ''}`}
                conversation={c}
                around={around}
                meId={meId}
                names={names}
                canModerate={canModerate}
                label={t('messaging.history.label', { name })}
                onOpenThread={(id) => onThread(id)}
                onJumpToLatest={() => onJump(null)}
                onArrived={typing.stopped}
              />
              <TypingLine typers={typing.typers} names={names} />
              {writable ? (
                <Composer
                  conversationId={c.id}
                  label={t('messaging.composer.label', { name })}
                  onTyping={typing.typing}
                  onSent={() => {
                    typing.sent()
                    if (around) onJump(null)
                    void queryClient.invalidateQueries({ queryKey: messagingKeys.messages(c.id) })
                    void queryClient.invalidateQueries({ queryKey: messagingKeys.conversations })
                  }}
                />
              ) : !c.joined && !c.archivedAt ? (
                <div className="flex items-center gap-3 rounded-md border border-slate-200 p-3 text-sm dark:border-slate-700">
                  <span>{t('messaging.history.notJoined')}</span>
                  <Button onClick={() => join.mutate()} loading={join.isPending}>
                    {t('messaging.history.join')}
                  </Button>
                </div>
              ) : null}
            </section>
            {thread ? (
              <ThreadPanel
                conversation={c}
                parentId={thread}
                meId={meId}
                names={names}
                canModerate={canModerate}
                onClose={() => onThread(null)}
              />
            ) : null}
            {managing ? (
              <ManageDialog
                conversation={c}
                title={name}
                meId={meId}
                onClose={() => setManaging(false)}
                onLeft={() => {
                  setManaging(false)
                  onLeft()
                }}
              />
            ) : null}
          </div>
        )
      }}
    </QueryState>
  )
}
