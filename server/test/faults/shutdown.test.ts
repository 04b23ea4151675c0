import { Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AtriumServer, createStore, type Store, sleep, startServer, waitFor } from './lib.ts'

describe('requests during shutdown', () => {
  let store: Store
  let server: AtriumServer

  beforeAll(async () => {
    store = await createStore()
    server = await startServer(store, { env: { LOG_LEVEL: 'info' } })
  })
  afterAll(async () => {
    await server?.kill()
    await store?.drop()
  })

  it('answers a request that arrives after SIGTERM with 503 problem+json and Retry-After', async () => {
    // One connection: a request whose body is still arriving keeps the server busy while it stops,
    // then a second request follows on the same connection.
    const socket = new Socket()
    let received = ''
    socket.on('data', (b) => {
      received += b.toString()
    })
    await new Promise<void>((r) => socket.connect(server.port, '127.0.0.1', r))
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'not-the-password' })
    socket.write(
      `POST /api/auth/sign-in/email HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${server.url}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    )
    await sleep(300)
    server.child.kill('SIGTERM')
    await waitFor('shutdown to begin', async () => server.output().includes('shutting down'))
    socket.write(body.slice(10))
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    await waitFor('two answers', async () => (received.match(/HTTP\/1\.1 \d{3}/g) ?? []).length >= 2, 20_000)
    const second = received.slice(received.lastIndexOf('HTTP/1.1 '))
    expect(second).toMatch(/^HTTP\/1\.1 503/)
    expect(second.toLowerCase()).toContain('content-type: application/problem+json')
    expect(second.toLowerCase()).toMatch(/retry-after: \d+/)
    expect(second).toContain('"type":"/problems/shutting-down"')
    socket.destroy()
    expect(await server.exited).toBe(0)
  })
})
