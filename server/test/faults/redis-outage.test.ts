import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AtriumServer,
  createOwner,
  createStore,
  type Store,
  startServer,
  throwawayRedis,
  waitFor,
} from './lib.ts'

describe('Redis going away while REDIS_URL is set', () => {
  let store: Store
  let redis: Awaited<ReturnType<typeof throwawayRedis>>
  let server: AtriumServer
  let owner: { email: string; password: string }

  beforeAll(async () => {
    store = await createStore()
    owner = await createOwner(store)
    redis = await throwawayRedis()
    server = await startServer(store, { env: { REDIS_URL: redis.url, SIGNIN_RATE_LIMIT: '3' } })
  })
  afterAll(async () => {
    await server?.kill()
    await redis?.stop()
    await store?.drop()
  })

  const signIn = async (password: string) => {
    const started = performance.now()
    const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ email: owner.email, password }),
      // A guard against hanging, not a speed check: the figure is printed below.
      signal: AbortSignal.timeout(10_000),
    })
    await res.arrayBuffer()
    return { status: res.status, ms: performance.now() - started }
  }

  it('reports Redis on /readyz, keeps sign-in answering on in-process limits, and shares limits again when Redis returns', async () => {
    const ready = await (await fetch(`${server.url}/readyz`)).json()
    expect(ready.checks).toMatchObject({ database: 'up', migrations: 'current', redis: 'up' })
    expect((await signIn(owner.password)).status).toBe(200)

    await redis.stop()
    const down = await fetch(`${server.url}/readyz`)
    expect(down.status).toBe(503)
    expect(down.headers.get('content-type')).toContain('application/problem+json')
    expect((await down.json()).errors).toEqual([{ field: 'redis', message: 'is unreachable' }])

    const ok = await signIn(owner.password)
    expect(ok.status).toBe(200)
    // Failed attempts are still limited during the outage, by this process alone.
    const wrong = []
    for (let i = 0; i < 5; i++) wrong.push(await signIn('wrong-password-1'))
    expect(wrong.map((w) => w.status)).toContain(429)
    expect(wrong.every((w) => w.status === 401 || w.status === 429)).toBe(true)
    console.log(
      `[faults] sign-in with Redis down answered in ${Math.round(ok.ms)} ms (slowest wrong attempt ${Math.round(Math.max(...wrong.map((w) => w.ms)))} ms)`,
    )

    await redis.start()
    await waitFor(
      'readyz after Redis returns',
      async () => (await fetch(`${server.url}/readyz`)).status === 200,
    )
    expect(server.child.exitCode).toBeNull()
  })
})
