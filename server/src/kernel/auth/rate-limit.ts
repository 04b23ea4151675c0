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

type RedisMulti = {
  incr(key: string): RedisMulti
  expire(key: string, seconds: number, mode: 'NX'): RedisMulti
  ttl(key: string): RedisMulti
  exec(): Promise<[Error | null, unknown][] | null>
}

type RedisLike = {
  multi(): RedisMulti
  get(key: string): Promise<string | null>
  ttl(key: string): Promise<number>
  del(key: string): Promise<number>
}

/** The same counters in Redis, shared by every node (REDIS_URL). */
export function redisRateLimiter(
  redis: RedisLike,
  prefix: string,
  max: number,
  windowSeconds: number,
): RateLimiter {
  const k = (key: string) => `atrium:rl:${prefix}:${key}`
  const waitFor = (ttl: number) => Math.max(1, ttl > 0 ? ttl : windowSeconds)
  return {
    async hit(key) {
      const r = await redis.multi().incr(k(key)).expire(k(key), windowSeconds, 'NX').ttl(k(key)).exec()
      const count = Number(r?.[0]?.[1] ?? 0)
      return count > max ? waitFor(Number(r?.[2]?.[1] ?? -1)) : 0
    },
    async check(key) {
      const count = Number((await redis.get(k(key))) ?? 0)
      return count >= max ? waitFor(await redis.ttl(k(key))) : 0
    },
    async reset(key) {
      await redis.del(k(key))
    },
  }
}

/**
 * Counts in `primary` (Redis) and, while it fails, in `fallback` (this process' memory): sign-in keeps
 * answering during a Redis outage, with limits per process instead of shared ones until Redis returns.
 */
export function withFallback(
  primary: RateLimiter,
  fallback: RateLimiter,
  onFallback: (err: unknown) => void,
): RateLimiter {
  const guard =
    <A extends unknown[], R>(op: (l: RateLimiter) => (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      try {
        return await op(primary)(...a)
      } catch (err) {
        onFallback(err)
        return op(fallback)(...a)
      }
    }
  return {
    hit: guard((l) => l.hit),
    check: guard((l) => l.check),
    reset: guard((l) => l.reset),
  }
}
