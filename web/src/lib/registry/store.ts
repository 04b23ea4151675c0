import { useSyncExternalStore } from 'react'

/** What every registered entry has: a stable id and a position among its peers. */
export type Entry = { id: string; order: number }

export type Registry<T extends Entry> = {
  /** Adds (or replaces, by id) an entry; returns a function that removes it again. */
  register(entry: T): () => void
  /** Every entry, by ascending order then id. */
  list(): readonly T[]
  get(id: string): T | undefined
  /** The entries, kept current when one registers later. */
  use(): readonly T[]
}

/** A list that feature folders add to at module load (see `features/*\/register.ts`). */
export function createRegistry<T extends Entry>(kind: string): Registry<T> {
  const entries = new Map<string, T>()
  const listeners = new Set<() => void>()
  let snapshot: readonly T[] = []

  const publish = () => {
    snapshot = [...entries.values()].sort(
      (a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    for (const listener of listeners) listener()
  }
  const subscribe = (listener: () => void) => {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }

  return {
    register(entry) {
      if (!/^[a-z0-9][a-z0-9.-]*$/.test(entry.id))
        throw new Error(`${kind} id "${entry.id}" must be lowercase letters, digits, dots and hyphens`)
      entries.set(entry.id, entry)
      publish()
      return () => {
        if (entries.get(entry.id) === entry) {
          entries.delete(entry.id)
          publish()
        }
      }
    },
    list: () => snapshot,
    get: (id) => entries.get(id),
    use: () => useSyncExternalStore(subscribe, () => snapshot),
  }
}
