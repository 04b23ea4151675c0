import type { QueryClient } from '@tanstack/react-query'
import type { useNavigate } from '@tanstack/react-router'
import type { ParseKeys, TFunction } from 'i18next'
import type { Me, Permission, Visibility } from '../../features/auth/api.ts'
import { createRegistry } from './store.ts'

/** What a command, a shortcut or a searcher receives when it runs. */
export type CommandContext = {
  me: Me
  navigate: ReturnType<typeof useNavigate>
  queryClient: QueryClient
  t: TFunction
}

/** One runnable row in the palette (a command may expand into several, one per workspace…). */
export type CommandItem = { id: string; label: string; run: (ctx: CommandContext) => unknown }

/**
 * An action in the command palette, optionally bound to a keyboard shortcut. Shortcuts are written as
 * space-separated steps, each an optional `mod+` / `shift+` / `alt+` and a key: `mod+k`, `?`, `n c`.
 * `mod` is ⌘ on Apple systems and Ctrl elsewhere.
 */
export type Command = Visibility & {
  id: string
  labelKey: ParseKeys
  order: number
  keywords?: string[]
  shortcut?: string
  /** Also offered as a button by the dashboard's "quick actions" widget. */
  quickAction?: boolean
  run: (ctx: CommandContext) => unknown
  /** When set, the palette lists these rows instead of the command itself. */
  items?: (ctx: CommandContext) => CommandItem[]
}

export const commands = createRegistry<Command>('command')
export const registerCommand = (command: Command) => commands.register(command)

/** One record found by a searcher; `href` is where choosing it goes. */
export type SearchResult = { id: string; label: string; description?: string; href: string }

export type SearchProvider = {
  search: (query: string, ctx: CommandContext & { signal: AbortSignal }) => Promise<SearchResult[]>
}

/**
 * A record type the palette searches. `load` imports the search code on first use, so none of it is in
 * the initial bundle.
 */
export type Searcher = {
  id: string
  /** i18n key of the group heading (e.g. "Clients"). */
  labelKey: ParseKeys
  order: number
  permission?: Permission
  load: () => Promise<SearchProvider>
}

export const searchers = createRegistry<Searcher>('searcher')
export const registerSearcher = (searcher: Searcher) => searchers.register(searcher)
