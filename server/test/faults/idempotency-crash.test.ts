import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AtriumServer,
  createOwner,
  createStore,
  type Fetcher,
  type Store,
  signIn,
  sleep,
  startServer,
} from './lib.ts'

describe('Idempotency-Key across a kill -9', () => {
  let store: Store
  let owner: { email: string; password: string }
  let server: AtriumServer

  beforeAll(async () => {
    store = await createStore()
    owner = await createOwner(store)
    server = await startServer(store)
  })
  afterAll(async () => {
    await server?.kill()
    await store?.drop()
  })

  const KEYS = 60
  const create = (api: Fetcher, i: number) =>
    api('/api/v1/clients', {
      method: 'POST',
      body: JSON.stringify({ name: `Crash ${i}` }),
      headers: { 'idempotency-key': `crash-${i}` },
    })

  it('a retry after the crash gives exactly one effect and its answer, for every key', async () => {
    const api = await signIn(server.url, owner)
    // Keyed creates from several loops; the server is killed while they are in flight.
    let next = 0
    let answered = 0
    const loop = async () => {
      while (next < KEYS) {
        const i = next++
        try {
          const res = await create(api, i)
          await res.arrayBuffer()
          answered++
        } catch {
          return // the connection died with the server
        }
      }
    }
    const loops = Promise.all(Array.from({ length: 6 }, loop))
    while (answered < 15) await sleep(5)
    await server.kill('SIGKILL')
    await loops
    expect(answered).toBeLessThan(KEYS)

    server = await startServer(store, { port: server.port })
    const again = await signIn(server.url, owner)
    const ids = new Map<number, string>()
    let replayed = 0
    for (let i = 0; i < KEYS; i++) {
      let res = await create(again, i)
      for (let tries = 0; res.status === 409 && tries < 50; tries++) {
        await sleep(200)
        res = await create(again, i)
      }
      const body = await res.json()
      expect(res.status, JSON.stringify(body)).toBe(201)
      if (res.headers.get('idempotent-replayed') === 'true') replayed++
      ids.set(i, body.id)
    }

    const byName = new Map<string, string[]>()
    let cursor: string | null = null
    do {
      const page: { data: { id: string; name: string }[]; nextCursor: string | null } = await (
        await again(`/api/v1/clients?limit=200${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()
      for (const c of page.data) byName.set(c.name, [...(byName.get(c.name) ?? []), c.id])
      cursor = page.nextCursor
    } while (cursor)
    for (let i = 0; i < KEYS; i++) expect(byName.get(`Crash ${i}`)).toEqual([ids.get(i)])
    expect(byName.size).toBe(KEYS)
    console.log(
      `[faults] kill -9 after ${answered} of ${KEYS} answers: ${replayed} retries replayed a stored answer, ${KEYS - replayed} ran once now`,
    )
  })
})
