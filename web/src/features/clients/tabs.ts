import type { ParseKeys } from 'i18next'
import { type ComponentType, useSyncExternalStore } from 'react'
import { canSee, type Me, type Permission } from '../auth/api.ts'
import type { Client } from './api.ts'

/**
 * The tabs of a client's page. A feature adds one without touching this one: it creates
 * `web/src/features/<feature>/client-tabs.tsx` calling `registerClientTab(...)` at module load; the client
 * page loads every such file (see `load-tabs.ts`). The built-in tabs register the same way.
 */
export type ClientTabProps = { client: Client; me: Me }

export type ClientTab = {
  /** The `?tab=` value in the URL: lowercase letters, digits and hyphens. */
  id: string
  /** i18n key of the tab's label (in `web/src/lib/i18n/en.json`). */
  labelKey: ParseKeys
  /** Tabs are shown by ascending order; the built-ins use 10, 20, 30, 40. */
  order: number
  component: ComponentType<ClientTabProps>
  /** When set, the tab is shown only to users with this permission. */
  permission?: Permission
}

const registry = new Map<string, ClientTab>()
const listeners = new Set<() => void>()
let snapshot: ClientTab[] = []

function publish() {
  snapshot = [...registry.values()].sort(
    (a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  for (const listener of listeners) listener()
}

/** Adds (or replaces, by id) a tab; returns a function that removes it again. */
export function registerClientTab(tab: ClientTab): () => void {
  if (!/^[a-z0-9-]+$/.test(tab.id))
    throw new Error(`client tab id "${tab.id}" must be lowercase letters, digits and -`)
  registry.set(tab.id, tab)
  publish()
  return () => {
    if (registry.get(tab.id) === tab) {
      registry.delete(tab.id)
      publish()
    }
  }
}

export function clientTabs(me: Me | null | undefined): ClientTab[] {
  return snapshot.filter((tab) => canSee(me, tab))
}

function subscribe(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** The registered tabs the user may see, kept current if a tab registers later. */
export function useClientTabs(me: Me | null | undefined): ClientTab[] {
  const all = useSyncExternalStore(subscribe, () => snapshot)
  return all.filter((tab) => canSee(me, tab))
}
