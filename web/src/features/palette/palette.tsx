import { useQueries } from '@tanstack/react-query'
import { Command, defaultFilter } from 'cmdk'
import { type ReactNode, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Spinner } from '../../components/ui/index.ts'
import { type CommandContext, commands, type SearchResult, searchers } from '../../lib/registry/commands.ts'
import { navigation } from '../../lib/registry/navigation.ts'
import { useDebounced } from '../../lib/use-server-search.ts'
import { canSee } from '../auth/api.ts'

const minQuery = 2

const itemClasses =
  'flex cursor-pointer items-center justify-between gap-3 rounded px-3 py-2 text-sm data-[selected=true]:bg-indigo-100 data-[selected=true]:text-indigo-950 dark:data-[selected=true]:bg-indigo-950 dark:data-[selected=true]:text-indigo-50'
const groupClasses =
  '[&_[cmdk-group-heading]]:px-3 [&_[cmdk-group-heading]]:pt-3 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-semibold [&_[cmdk-group-heading]]:uppercase [&_[cmdk-group-heading]]:text-slate-600 dark:[&_[cmdk-group-heading]]:text-slate-300'

type PaletteEntry = { value: string; keywords: string[]; onSelect: () => void; content: ReactNode }

const wordsOf = (text: string) => text.split(/[\s\-_/]+/).filter(Boolean)

/**
 * Ranks an item by what the user reads (its label, then its keywords), never by its internal value:
 * the label itself, then a label that starts with the text, then one whose words start with each typed
 * word, then one containing the text, then keywords whose words start with each typed word; anything
 * else only by cmdk's fuzzy score, kept below those. So "sign out" finds Sign out before a page whose
 * keywords happen to hold those letters in order. Records come from the server already ranked.
 */
export function paletteFilter(value: string, search: string, keywords: string[] = []): number {
  if (value.startsWith('record:')) return 1
  const query = search.trim().toLowerCase()
  if (!query) return 1
  const texts = keywords.map((k) => k.toLowerCase())
  const label = texts[0] ?? ''
  const typed = wordsOf(query)
  const startsEach = (text: string) => typed.every((t) => wordsOf(text).some((w) => w.startsWith(t)))
  if (label === query) return 1
  if (label.startsWith(query)) return 0.9
  if (startsEach(label)) return 0.8
  if (label.includes(query)) return 0.7
  if (startsEach(texts.join(' '))) return 0.6
  return defaultFilter(texts.join(' '), query) * 0.5
}

/** Records found by every registered searcher the user may use; each searcher's code loads on first use. */
function useRecordSearch(query: string, context: CommandContext) {
  const term = useDebounced(query.trim())
  const allowed = searchers.use().filter((s) => canSee(context.me, s))
  const results = useQueries({
    queries: allowed.map((searcher) => ({
      queryKey: ['palette-search', searcher.id, term],
      enabled: term.length >= minQuery,
      staleTime: 30_000,
      queryFn: async ({ signal }: { signal: AbortSignal }) =>
        (await searcher.load()).search(term, { ...context, signal }),
    })),
  })
  const pending = term !== query.trim() || results.some((r) => r.isFetching)
  return {
    pending: query.trim().length >= minQuery && pending,
    groups: allowed.map((searcher, index) => ({
      searcher,
      hits: (term.length >= minQuery ? results[index]?.data : undefined) ?? ([] as SearchResult[]),
    })),
  }
}

/** The command palette: pages, actions and records, in a modal combobox. */
export default function Palette({
  context,
  onClose,
  onShowShortcuts,
}: {
  context: CommandContext
  onClose: () => void
  onShowShortcuts: () => void
}) {
  const { t } = useTranslation()
  const ref = useRef<HTMLDialogElement>(null)
  const [query, setQuery] = useState('')
  const { me } = context
  const pages = navigation.use().filter((item) => canSee(me, item))
  const actions = commands.use().filter((item) => canSee(me, item))
  const records = useRecordSearch(query, context)
  const found = records.groups.some((group) => group.hits.length > 0)
  // When records arrive the best one is selected, so Enter opens it; while typing, cmdk selects the
  // first match itself (the value is left uncontrolled then).
  const firstGroup = records.groups.find((group) => group.hits.length > 0)
  const firstRecord = firstGroup ? `record:${firstGroup.searcher.id}:${firstGroup.hits[0]!.id}` : undefined
  const [selected, setSelected] = useState<string | undefined>(undefined)
  useEffect(() => setSelected(firstRecord), [firstRecord])

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (!dialog.open) dialog.showModal()
    dialog.querySelector('input')?.focus()
  }, [])

  // cmdk can leave aria-activedescendant on the input and the list pointing at an option that a new
  // search removed; keep it on the option that is actually selected.
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const sync = () => {
      const id = dialog.querySelector('[cmdk-item][aria-selected="true"]')?.id
      for (const element of dialog.querySelectorAll('[cmdk-input], [cmdk-list]')) {
        if (!id) element.removeAttribute('aria-activedescendant')
        else if (element.getAttribute('aria-activedescendant') !== id)
          element.setAttribute('aria-activedescendant', id)
      }
    }
    const observer = new MutationObserver(sync)
    observer.observe(dialog, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-selected', 'aria-activedescendant'],
    })
    sync()
    return () => observer.disconnect()
  }, [])

  const run = (action: () => unknown) => {
    onClose()
    void Promise.resolve().then(action)
  }

  // Pages and actions ranked here, best first, and the group holding the best match shown first:
  // the order people read is the order Enter follows.
  const rank = (list: PaletteEntry[]) =>
    query.trim()
      ? list
          .map((entry) => ({ entry, score: paletteFilter(entry.value, query, entry.keywords) }))
          .filter(({ score }) => score > 0)
          .sort((a, b) => b.score - a.score)
          .map(({ entry, score }) => ({ ...entry, score }))
      : list.map((entry) => ({ ...entry, score: 1 }))
  const bestOf = (list: { score: number }[]) => list[0]?.score ?? 0
  const pageEntries = rank(
    pages.map((page) => ({
      value: `page:${page.id}`,
      keywords: [t(page.labelKey), ...(page.keywords ?? [])],
      onSelect: () => run(() => context.navigate({ to: page.to })),
      content: (
        <>
          <span>{t('palette.goTo', { page: t(page.labelKey) })}</span>
          {page.goKey ? <Keys keys={['G', page.goKey.toUpperCase()]} /> : null}
        </>
      ),
    })),
  )
  const actionEntries = rank([
    ...actions.flatMap((command): PaletteEntry[] =>
      command.items
        ? command.items(context).map((item) => ({
            value: `command:${command.id}:${item.id}`,
            keywords: [item.label, ...(command.keywords ?? [])],
            onSelect: () => run(() => item.run(context)),
            content: item.label,
          }))
        : [
            {
              value: `command:${command.id}`,
              keywords: [t(command.labelKey), ...(command.keywords ?? [])],
              onSelect: () => run(() => command.run(context)),
              content: <span>{t(command.labelKey)}</span>,
            },
          ],
    ),
    {
      value: 'command:shortcuts',
      keywords: [t('palette.shortcuts.title'), 'keyboard', 'help'],
      onSelect: onShowShortcuts,
      content: (
        <>
          <span>{t('palette.shortcuts.title')}</span>
          <Keys keys={['?']} />
        </>
      ),
    },
  ])
  const pageGroup = { id: 'pages', heading: t('palette.pages'), entries: pageEntries }
  const actionGroup = { id: 'actions', heading: t('palette.actions'), entries: actionEntries }

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a click on the backdrop closes it; Escape does the same by keyboard
    <dialog
      ref={ref}
      aria-label={t('palette.title')}
      onCancel={(event) => {
        event.preventDefault()
        onClose()
      }}
      onClick={(event) => {
        if (event.target === ref.current) onClose()
      }}
      className="mx-auto mt-[12vh] w-[min(40rem,calc(100%-2rem))] rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <Command
        label={t('palette.title')}
        filter={paletteFilter}
        loop
        value={selected}
        onValueChange={(value) => setSelected((current) => (current === undefined ? current : value))}
      >
        <div className="flex items-center gap-2 border-b border-slate-200 px-3 dark:border-slate-700">
          <Command.Input
            value={query}
            onValueChange={setQuery}
            placeholder={t('palette.placeholder')}
            className="h-12 w-full bg-transparent text-base outline-none placeholder:text-slate-600 dark:placeholder:text-slate-400"
          />
          {records.pending ? <Spinner label={t('palette.searching')} /> : null}
        </div>
        <Command.List label={t('palette.results')} className="max-h-[60vh] overflow-y-auto p-2">
          {!found && !records.pending ? (
            <Command.Empty className="px-3 py-6 text-center text-sm text-slate-600 dark:text-slate-300">
              {t('palette.empty')}
            </Command.Empty>
          ) : null}
          {records.groups.map(({ searcher, hits }) =>
            hits.length > 0 ? (
              <Command.Group
                key={searcher.id}
                heading={t(searcher.labelKey)}
                forceMount
                className={groupClasses}
              >
                {hits.map((hit) => (
                  <Command.Item
                    key={hit.id}
                    value={`record:${searcher.id}:${hit.id}`}
                    forceMount
                    onSelect={() => run(() => context.navigate({ href: hit.href }))}
                    className={itemClasses}
                  >
                    <span className="truncate">{hit.label}</span>
                    {hit.description ? (
                      <span className="truncate text-xs text-slate-600 dark:text-slate-300">
                        {hit.description}
                      </span>
                    ) : null}
                  </Command.Item>
                ))}
              </Command.Group>
            ) : null,
          )}
          {(query.trim() && bestOf(actionEntries) > bestOf(pageEntries)
            ? [actionGroup, pageGroup]
            : [pageGroup, actionGroup]
          ).map((group) =>
            group.entries.length ? (
              <Command.Group key={group.id} heading={group.heading} className={groupClasses}>
                {group.entries.map((entry) => (
                  <Command.Item
                    key={entry.value}
                    value={entry.value}
                    keywords={entry.keywords}
                    onSelect={entry.onSelect}
                    className={itemClasses}
                  >
                    {entry.content}
                  </Command.Item>
                ))}
              </Command.Group>
            ) : null,
          )}
        </Command.List>
      </Command>
    </dialog>
  )
}

function Keys({ keys }: { keys: string[] }) {
  return (
    <span className="flex gap-1" aria-hidden="true">
      {keys.map((key) => (
        <kbd
          key={key}
          className="rounded border border-slate-300 px-1.5 font-sans text-xs dark:border-slate-600"
        >
          {key}
        </kbd>
      ))}
    </span>
  )
}
