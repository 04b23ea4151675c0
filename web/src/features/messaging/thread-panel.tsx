import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, Spinner } from '../../components/ui/index.ts'
import { type Conversation, messageQuery, messagingKeys, repliesQuery } from './api.ts'
import { Composer } from './composer.tsx'
import { MessageItem } from './message-item.tsx'

/** A thread beside the conversation: the first message, its replies, and a reply composer. */
export function ThreadPanel({
  conversation: c,
  parentId,
  meId,
  names,
  canModerate,
  onClose,
}: {
  conversation: Conversation
  parentId: string
  meId: string
  names: Map<string, string>
  canModerate: boolean
  onClose: () => void
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const parent = useQuery(messageQuery(c.id, parentId))
  const replies = useQuery(repliesQuery(c.id, parentId))
  const heading = useRef<HTMLHeadingElement>(null)
  const writable = c.joined && !c.archivedAt

  useEffect(() => {
    heading.current?.focus()
  }, [])

  return (
    <aside
      aria-labelledby="thread-title"
      className="flex min-h-0 w-full shrink-0 flex-col lg:w-80 lg:border-l lg:border-slate-200 lg:pl-4 dark:lg:border-slate-700"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !event.defaultPrevented) onClose()
      }}
    >
      <div className="flex items-center justify-between border-b border-slate-200 pb-2 dark:border-slate-700">
        <h2
          id="thread-title"
          ref={heading}
          tabIndex={-1}
          className="text-lg font-semibold focus:outline-none"
        >
          {t('messaging.thread.title')}
        </h2>
        <Button variant="ghost" onClick={onClose}>
          {t('messaging.thread.close')}
        </Button>
      </div>
      <div className="min-h-0 flex-1 space-y-1 overflow-y-auto py-2">
        {parent.data ? (
          <MessageItem
            message={parent.data}
            conversationId={c.id}
            meId={meId}
            names={names}
            canWrite={writable}
            canModerate={canModerate}
          />
        ) : (
          <Spinner />
        )}
        <section
          aria-label={t('messaging.thread.repliesLabel')}
          className="space-y-1 border-t border-slate-200 pt-1 dark:border-slate-700"
        >
          {replies.data?.data.map((m) => (
            <MessageItem
              key={m.id}
              message={m}
              conversationId={c.id}
              meId={meId}
              names={names}
              canWrite={writable}
              canModerate={canModerate}
            />
          ))}
        </section>
      </div>
      {writable ? (
        <Composer
          conversationId={c.id}
          parentId={parentId}
          label={t('messaging.composer.replyLabel')}
          onSent={() => queryClient.invalidateQueries({ queryKey: messagingKeys.messages(c.id) })}
        />
      ) : null}
    </aside>
  )
}
