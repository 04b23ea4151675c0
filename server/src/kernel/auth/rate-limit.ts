/**
 * Fixed-window attempt counters. In one process they live in memory; the interface lets a shared
 * store (Redis) replace it when several nodes run.
 */
export type RateLimiter = {
  /** Counts one attempt for the key; returns seconds to wait when the limit is exceeded, else 0. */
  hit(key: string): Promise<number>
  /** Seconds to wait before another attempt is allowed, without counting one. */
  check(key: string): Promise<number>
  reset(key: string): Promise<void>
}

export function memoryRateLimiter(max: number, windowSeconds: number): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>()
  const current = (key: string) => {
    const now = Date.now()
    let w = windows.get(key)
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowSeconds * 1000 }
      windows.set(key, w)
    }
    if (windows.size > 100_000) {
      for (const [k, v] of windows) if (v.resetAt <= now) windows.delete(k)
    }
    return w
  }
  const wait = (w: { count: number; resetAt: number }) =>
    w.count > max ? Math.max(1, Math.ceil((w.resetAt - Date.now()) / 1000)) : 0
  return {
    async hit(key) {
      const w = current(key)
      w.count++
      return wait(w)
    },
    async check(key) {
      const w = current(key)
      return w.count >= max ? Math.max(1, Math.ceil((w.resetAt - Date.now()) / 1000)) : 0
    },
    async reset(key) {
      windows.delete(key)
    },
  }
}
