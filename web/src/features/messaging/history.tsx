import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, Spinner } from '../../components/ui/index.ts'
import {
  type Conversation,
  fetchHistory,
  type HistoryParam,
  type Message,
  type MessagePage,
  messagingApi,
  messagingKeys,
} from './api.ts'
import { MessageItem } from './message-item.tsx'

/** Whether the user is looking at the page (a hidden tab reads nothing). */
function usePageVisible() {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible')
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible')
    document.addEventListener('visibilitychange', update)
    return () => document.removeEventListener('visibilitychange', update)
  }, [])
  return visible
}

/**
 * A conversation's history, newest at the bottom: the newest page first (or the page around `around`,
 * a message found by search), older pages by cursor as the user scrolls up, newer ones (after a jump)
 * as they scroll down. New messages from others are announced in a polite live region, and the
 * conversation is marked read up to its newest message while the page is visible.
 */
export function History({
  conversation,
  around,
  meId,
  names,
  canModerate,
  label,
  onOpenThread,
  onJumpToLatest,
  onArrived,
}: {
  conversation: Conversation
  around: string | null
  meId: string
  names: Map<string, string>
  canModerate: boolean
  label: string
  onOpenThread: (id: string) => void
  onJumpToLatest: () => void
  /** A message from someone else arrived live (their typing line can go). */
  onArrived?: (authorId: string) => void
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const id = conversation.id
  const scroller = useRef<HTMLDivElement>(null)
  const top = useRef<HTMLDivElement>(null)
  const bottom = useRef<HTMLDivElement>(null)
  const atBottom = useRef(true)
  const visible = usePageVisible()
  const [activeId, setActiveId] = useState<string | null>(null)

  const query = useInfiniteQuery({
    queryKey: messagingKeys.history(id, around),
    initialPageParam: (around ? { around } : {}) as HistoryParam,
    queryFn: ({ pageParam, signal }) => fetchHistory(id, pageParam, signal),
    // Older pages are "next" (appended), newer ones after a jump are "previous" (prepended).
    getNextPageParam: (last: MessagePage): HistoryParam | undefined =>
      last.hasBefore && last.data[0] ? { before: last.data[0].id } : undefined,
    getPreviousPageParam: (first: MessagePage): HistoryParam | undefined => {
      const newest = first.data[first.data.length - 1]
      return first.hasAfter && newest ? { after: newest.id } : undefined
    },
  })
  const pages = query.data?.pages ?? []
  const messages: Message[] = []
  for (let i = pages.length - 1; i >= 0; i--) messages.push(...(pages[i]?.data ?? []))
  const newest = messages[messages.length - 1]
  const oldest = messages[0]
  const live = !query.hasPreviousPage

  // Older messages come in above: keep what the user was reading where it was.
  const previous = useRef<{ oldest?: string; newest?: string; height: number; top: number }>({
    height: 0,
    top: 0,
  })
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    const before = previous.current
    if (!before.newest && newest) {
      // First page: the jumped-to message, or the bottom.
      const target = around ? el.querySelector<HTMLElement>(`[data-message-id="${around}"]`) : null
      if (target) target.scrollIntoView({ block: 'center' })
      else el.scrollTop = el.scrollHeight
    } else if (before.oldest && oldest && before.oldest !== oldest.id && before.newest === newest?.id) {
      el.scrollTop = el.scrollHeight - before.height + before.top
    } else if (before.newest !== newest?.id && atBottom.current && live) {
      el.scrollTop = el.scrollHeight
    }
    previous.current = { oldest: oldest?.id, newest: newest?.id, height: el.scrollHeight, top: el.scrollTop }
  })

  // Scrolling up to the top loads older messages; down to the bottom (after a jump), newer ones.
  useEffect(() => {
    const root = scroller.current
    if (!root) return
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (entry.target === bottom.current) atBottom.current = entry.isIntersecting
          if (!entry.isIntersecting) continue
          if (entry.target === top.current && query.hasNextPage && !query.isFetchingNextPage) {
            const el = scroller.current
            if (el) previous.current = { ...previous.current, height: el.scrollHeight, top: el.scrollTop }
            void query.fetchNextPage()
          }
          if (entry.target === bottom.current && query.hasPreviousPage && !query.isFetchingPreviousPage)
            void query.fetchPreviousPage()
        }
      },
      { root, rootMargin: '200px 0px' },
    )
    if (top.current) observer.observe(top.current)
    if (bottom.current) observer.observe(bottom.current)
    return () => observer.disconnect()
  }, [
    query.hasNextPage,
    query.hasPreviousPage,
    query.isFetchingNextPage,
    query.isFetchingPreviousPage,
    query.fetchNextPage,
    query.fetchPreviousPage,
  ])

  // New messages from others, said once each (not the history loaded when the page opens).
  const known = useRef<Set<string> | null>(null)
  const [announcement, setAnnouncement] = useState('')
  useEffect(() => {
    if (!query.data) return
    const ids = new Set(messages.map((m) => m.id))
    if (known.current) {
      const fresh = messages.filter((m) => !known.current?.has(m.id) && m.authorId !== meId && !m.deletedAt)
      for (const m of fresh) if (m.authorId) onArrived?.(m.authorId)
      const last = fresh[fresh.length - 1]
      if (last && live && last.id === newest?.id) {
        const text = last.body.length > 140 ? `${last.body.slice(0, 140)}…` : last.body
        setAnnouncement(
          t('messaging.history.newMessage', {
            name: names.get(last.authorId ?? '') ?? t('messaging.someone'),
            text,
          }),
        )
      }
    }
    known.current = ids
  })

  // Read up to the newest message while the conversation is on screen.
  const marked = useRef<string | null>(null)
  const markRead = useMutation({
    mutationFn: (messageId: string) => messagingApi.markRead(id, messageId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: messagingKeys.conversations }),
  })
  useEffect(() => {
    if (!visible || !live || !conversation.joined || !newest || marked.current === newest.id) return
    marked.current = newest.id
    markRead.mutate(newest.id)
  }, [visible, live, conversation.joined, newest, markRead])

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        role="log"
        aria-label={label}
        aria-live="off"
        aria-busy={query.isFetching || undefined}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the scrolling history must be reachable by keyboard
        tabIndex={0}
        onKeyDown={(event) => {
          // Arrows move between messages; Tab then reaches the controls of the message focused.
          const keys = ['ArrowUp', 'ArrowDown', 'Home', 'End']
          if (!keys.includes(event.key) || (event.target as HTMLElement).closest('textarea, input')) return
          const items = [
            ...(scroller.current?.querySelectorAll<HTMLElement>('article[data-message-id]') ?? []),
          ]
          if (!items.length) return
          event.preventDefault()
          const current = items.findIndex((el) => el.contains(document.activeElement))
          const from = current < 0 ? items.length : current
          const to =
            event.key === 'Home'
              ? 0
              : event.key === 'End'
                ? items.length - 1
                : Math.max(0, Math.min(items.length - 1, from + (event.key === 'ArrowUp' ? -1 : 1)))
          items[to]?.focus()
        }}
        className="flex min-h-0 flex-1 flex-col overflow-y-auto px-1 py-2 [overflow-anchor:none] focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        {/* A short history sits at the bottom, by the composer. */}
        <div className="mt-auto space-y-1">
          <div ref={top} aria-hidden="true" className="h-px" />
          {query.isFetchingNextPage ? (
            <Spinner label={t('messaging.history.loadingOlder')} className="mx-3" />
          ) : null}
          {query.isPending ? <Spinner className="m-3" /> : null}
          {query.data && !query.hasNextPage ? (
            <p className="px-3 py-2 text-xs text-slate-600 dark:text-slate-300">
              {messages.length ? t('messaging.history.start') : t('messaging.history.empty')}
            </p>
          ) : null}
          {messages.map((m) => (
            <MessageItem
              key={m.id}
              message={m}
              conversationId={id}
              meId={meId}
              names={names}
              canWrite={conversation.joined && !conversation.archivedAt}
              canModerate={canModerate}
              highlighted={m.id === around}
              onOpenThread={onOpenThread}
              tabbable={m.id === (activeId ?? around ?? newest?.id)}
              onActivate={setActiveId}
            />
          ))}
          {query.isFetchingPreviousPage ? <Spinner className="mx-3" /> : null}
          <div ref={bottom} aria-hidden="true" className="h-px" />
        </div>
      </div>
      {around ? (
        <div className="absolute right-4 bottom-2">
          <Button variant="secondary" onClick={onJumpToLatest}>
            {t('messaging.history.jumpToLatest')}
          </Button>
        </div>
      ) : null}
      <div aria-live="polite" className="sr-only" data-testid="messages-live">
        {announcement}
      </div>
    </div>
  )
}
