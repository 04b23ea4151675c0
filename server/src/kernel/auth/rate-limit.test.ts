import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { memoryRateLimiter, type RateLimiter, redisRateLimiter, withFallback } from './rate-limit.ts'

const redisUrl = process.env.TEST_REDIS_URL
const redis = redisUrl ? new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 }) : null
afterAll(async () => {
  await redis?.quit()
})

const stores: [string, (max: number, window: number) => RateLimiter][] = [
  ['memory', (max, window) => memoryRateLimiter(max, window)],
]
if (redis)
  stores.push([
    'redis',
    (max, window) => redisRateLimiter(redis, randomBytes(4).toString('hex'), max, window),
  ])

describe.each(stores)('%s rate limiter', (_name, make) => {
  it('allows max attempts, then asks to wait until the window ends', async () => {
    const rl = make(3, 60)
    expect(await rl.check('a')).toBe(0)
    expect(await rl.hit('a')).toBe(0)
    expect(await rl.hit('a')).toBe(0)
    expect(await rl.check('a')).toBe(0)
    expect(await rl.hit('a')).toBe(0)
    const wait = await rl.check('a')
    expect(wait).toBeGreaterThan(0)
    expect(wait).toBeLessThanOrEqual(60)
    expect(await rl.hit('a')).toBeGreaterThan(0)
    expect(await rl.check('b')).toBe(0)
  })

  it('forgets a key on reset and when the window passes', async () => {
    const rl = make(1, 1)
    await rl.hit('k')
    expect(await rl.check('k')).toBeGreaterThan(0)
    await rl.reset('k')
    expect(await rl.check('k')).toBe(0)
    await rl.hit('k')
    await new Promise((r) => setTimeout(r, 1100))
    expect(await rl.check('k')).toBe(0)
  })
})

describe('the Redis store is under test in CI', () => {
  it.runIf(process.env.CI)('has TEST_REDIS_URL', () => {
    expect(redisUrl).toBeTruthy()
  })
})

describe('a shared limiter with a fallback', () => {
  it('counts in memory while the shared store fails, and reports the failure', async () => {
    const down = new Error('Connection is closed.')
    const failing: RateLimiter = {
      hit: () => Promise.reject(down),
      check: () => Promise.reject(down),
      reset: () => Promise.reject(down),
    }
    const reported: unknown[] = []
    const rl = withFallback(failing, memoryRateLimiter(2, 60), (err) => reported.push(err))
    expect(await rl.hit('a')).toBe(0)
    expect(await rl.hit('a')).toBe(0)
    expect(await rl.hit('a')).toBeGreaterThan(0)
    expect(await rl.check('a')).toBeGreaterThan(0)
    await rl.reset('a')
    expect(await rl.check('a')).toBe(0)
    expect(reported).toHaveLength(6)
    expect(reported[0]).toBe(down)
  })
})
