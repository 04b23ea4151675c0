import './strings.ts'
import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import type { TFunction } from 'i18next'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, cn, QueryState, Spinner } from '../../components/ui/index.ts'
import { useFormatDateTime } from '../../lib/format.ts'
import { useServerSearch } from '../../lib/use-server-search.ts'
import { can, useMe } from '../auth/api.ts'
import { PageHeader } from '../shell/app-shell.tsx'
import { type Conversation, conversationsQuery, searchMessages } from './api.ts'
import { ConversationPane } from './conversation-pane.tsx'
import { MessageHtml } from './message-item.tsx'
import { CreateChannelDialog, DirectDialog } from './new-dialogs.tsx'
import { conversationLabel, usePeerNames } from './people.ts'
import { DirectPresenceDot } from './presence-dot.tsx'
import type { MessagesSearch } from './search-params.ts'

type Group = { key: 'channels' | 'direct' | 'clients'; kinds: Conversation['kind'][] }
const groups: Group[] = [
  { key: 'channels', kinds: ['channel_public', 'channel_private'] },
  { key: 'direct', kinds: ['direct', 'group'] },
  { key: 'clients', kinds: ['client'] },
]

function ConversationLink({
  c,
  label,
  active,
  meId,
  t,
}: {
  c: Conversation
  label: string
  active: boolean
  meId: string
  t: TFunction
}) {
  const unread = c.joined && !c.muted ? c.unreadCount : 0
  return (
    <Link
      to="/messages"
      search={{ c: c.id }}
      aria-current={active ? 'page' : undefined}
      data-testid="conversation-link"
      className={cn(
        'flex items-center justify-between gap-2 rounded-md px-2 py-1.5 text-sm text-slate-800 hover:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-800',
        active && 'bg-indigo-100 text-indigo-950 hover:bg-indigo-100 dark:bg-indigo-950 dark:text-indigo-100',
        unread > 0 && 'font-semibold',
        c.archivedAt && 'italic',
      )}
    >
      <span className="flex min-w-0 items-center gap-1.5">
        <span className="truncate">
          {unread ? (
            <span className="sr-only">{t('messaging.unreadIn', { name: label, count: unread })}</span>
          ) : null}
          <span aria-hidden={unread ? true : undefined}>{label}</span>
        </span>
        {c.kind === 'direct' ? <DirectPresenceDot conversationId={c.id} meId={meId} /> : null}
      </span>
      {unread ? (
        <span
          aria-hidden="true"
          data-testid="conversation-unread"
          className="min-w-5 rounded-full bg-indigo-700 px-1.5 text-center text-xs leading-5 font-semibold text-white dark:bg-indigo-300 dark:text-slate-950"
        >
          {unread > 99 ? '99+' : unread}
        </span>
      ) : null}
    </Link>
  )
}

function SearchResults({ q, onPick }: { q: string; onPick: (c: string, m: string) => void }) {
  const { t } = useTranslation()
  const formatDateTime = useFormatDateTime()
  const hits = useServerSearch(q, searchMessages)
  const data = hits.data?.data ?? []
  return (
    <section aria-labelledby="search-results" className="min-h-0 flex-1 space-y-2 overflow-y-auto">
      <h2 id="search-results" className="text-lg font-semibold">
        {t('messaging.search.results')}
      </h2>
      {hits.isFetching && !data.length ? <Spinner /> : null}
      {!hits.isFetching && !data.length ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">{t('messaging.search.none')}</p>
      ) : null}
      <ul className="space-y-2">
        {data.map((hit) => (
          <li key={hit.message.id}>
            <button
              type="button"
              data-testid="search-hit"
              onClick={() => onPick(hit.conversation.id, hit.message.id)}
              className="block w-full rounded-md border border-slate-200 p-3 text-left hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              <span className="block text-xs text-slate-600 dark:text-slate-300">
                {t('messaging.search.in', {
                  name: hit.conversation.name ? `#${hit.conversation.name}` : t('messaging.unnamed'),
                })}{' '}
                · {formatDateTime(hit.message.createdAt)}
              </span>
              <MessageHtml html={hit.message.html} />
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}

/**
 * The messages page: conversations on the left (channels, direct messages, client conversations, with
 * unread counts), the open conversation with its history, composer and thread, and message search.
 */
export function MessagesPage({
  search,
  onSearchChange,
}: {
  search: MessagesSearch
  onSearchChange: (next: MessagesSearch, replace?: boolean) => void
}) {
  const { t } = useTranslation()
  const me = useMe().data
  const meId = me?.user.id ?? ''
  const list = useQuery(conversationsQuery)
  const conversations = list.data?.data ?? []
  const peers = usePeerNames(conversations, meId)
  const [q, setQ] = useState('')
  const mayWrite = can(me, 'messaging:write')
  const title = (c: Conversation) => conversationLabel(c, peers, t)
  const open = (c: string, m?: string) => onSearchChange({ c, m })

  return (
    <div className="space-y-4">
      <PageHeader title={t('messaging.title')} />
      <div className="flex h-[calc(100vh-12rem)] min-h-[28rem] gap-4">
        <nav
          aria-label={t('messaging.conversations')}
          className={cn(
            'w-full shrink-0 flex-col gap-3 overflow-y-auto md:flex md:w-64 md:border-r md:border-slate-200 md:pr-3 dark:md:border-slate-700',
            search.c || q.trim() ? 'hidden' : 'flex',
          )}
        >
          <search>
            <label htmlFor="message-search" className="sr-only">
              {t('messaging.search.label')}
            </label>
            <input
              id="message-search"
              type="search"
              value={q}
              placeholder={t('messaging.search.placeholder')}
              onChange={(event) => setQ(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') setQ('')
              }}
              className="block w-full rounded-md border border-slate-400 bg-white px-3 py-1.5 text-sm text-slate-900 placeholder:text-slate-500 dark:border-slate-500 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-400"
            />
          </search>
          {mayWrite ? (
            <div className="flex flex-wrap gap-2">
              <Button variant="secondary" onClick={() => onSearchChange({ ...search, new: 'channel' })}>
                {t('messaging.newChannel')}
              </Button>
              <Button variant="secondary" onClick={() => onSearchChange({ ...search, new: 'direct' })}>
                {t('messaging.newDirect')}
              </Button>
            </div>
          ) : null}
          <QueryState
            query={list}
            isEmpty={(page) => page.data.length === 0}
            empty={
              <p className="text-sm text-slate-600 dark:text-slate-300">{t('messaging.noConversations')}</p>
            }
          >
            {() => (
              <>
                {groups.map((group) => {
                  const items = conversations.filter((c) => group.kinds.includes(c.kind))
                  if (!items.length) return null
                  return (
                    <section key={group.key} aria-labelledby={`conversations-${group.key}`}>
                      <h2
                        id={`conversations-${group.key}`}
                        className="mb-1 px-2 text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-300"
                      >
                        {t(`messaging.${group.key}`)}
                      </h2>
                      <ul className="space-y-0.5">
                        {items.map((c) => (
                          <li key={c.id}>
                            <ConversationLink
                              c={c}
                              label={title(c)}
                              active={c.id === search.c}
                              meId={meId}
                              t={t}
                            />
                          </li>
                        ))}
                      </ul>
                    </section>
                  )
                })}
              </>
            )}
          </QueryState>
        </nav>
        <div
          className={cn('min-h-0 min-w-0 flex-1 flex-col md:flex', search.c || q.trim() ? 'flex' : 'hidden')}
        >
          {q.trim() ? (
            <SearchResults
              q={q}
              onPick={(c, m) => {
                setQ('')
                open(c, m)
              }}
            />
          ) : search.c ? (
            <ConversationPane
              key={search.c}
              conversationId={search.c}
              title={title}
              meId={meId}
              canModerate={can(me, 'messaging:manage')}
              around={search.m ?? null}
              thread={search.thread ?? null}
              onJump={(m) => onSearchChange({ c: search.c, m: m ?? undefined, thread: search.thread }, true)}
              onThread={(thread) => onSearchChange({ c: search.c, m: search.m, thread: thread ?? undefined })}
              onLeft={() => onSearchChange({})}
            />
          ) : (
            <p className="m-auto text-sm text-slate-600 dark:text-slate-300">{t('messaging.pick')}</p>
          )}
        </div>
      </div>
      {search.new === 'channel' ? (
        <CreateChannelDialog
          onClose={() => onSearchChange({ ...search, new: undefined }, true)}
          onCreated={(c) => open(c.id)}
        />
      ) : null}
      {search.new === 'direct' ? (
        <DirectDialog
          onClose={() => onSearchChange({ ...search, new: undefined }, true)}
          onOpened={(c) => open(c.id)}
        />
      ) : null}
    </div>
  )
}
