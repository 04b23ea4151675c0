/**
 * Runs `run` for a key at once, then at most once per `ms` while calls for that key keep coming: a
 * burst of calls within the window becomes one trailing run at its end. A busy channel's stream of
 * events then refetches a list a few times a second, not once per event.
 */
export function coalescer<T>(run: (value: T) => void, ms: number, keyOf: (value: T) => string) {
  const held = new Map<string, { value: T; again: boolean }>()
  const release = (key: string) => {
    const entry = held.get(key)
    if (!entry) return
    if (!entry.again) {
      held.delete(key)
      return
    }
    entry.again = false
    run(entry.value)
    setTimeout(() => release(key), ms)
  }
  return (value: T) => {
    const key = keyOf(value)
    const entry = held.get(key)
    if (entry) {
      entry.value = value
      entry.again = true
      return
    }
    held.set(key, { value, again: false })
    run(value)
    setTimeout(() => release(key), ms)
  }
}
