import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'

/**
 * Numbers under concurrency, on whichever engine the run uses (PostgreSQL in CI, where the sends
 * truly run at once on a pool of connections): 200 drafts sent at the same time get 200 distinct,
 * consecutive numbers, and a send that fails after taking its number leaves no gap.
 */
let t: TestApp
let owner: TestUser
let clientId: string
const N = 200

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Numbers Co' })
  const res = await owner.client.post('/api/v1/clients', { name: 'Concurrent Client', currency: 'EUR' })
  clientId = res.json().id
})
afterAll(() => t?.close())

const draft = async (body: Record<string, unknown> = {}) => {
  const res = await owner.client.post('/api/v1/invoices', {
    clientId,
    lines: [{ description: 'Work', unitPrice: 1_000 }],
    ...body,
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json().id as string
}
const seq = (n: string) => Number(/-(\d{5})$/.exec(n)?.[1])

describe('invoice numbers', () => {
  it(`gives ${N} concurrent sends ${N} distinct, consecutive numbers`, async () => {
    const ids: string[] = []
    for (let i = 0; i < N; i += 20)
      ids.push(...(await Promise.all(Array.from({ length: 20 }, () => draft()))))
    const send = (id: string) => owner.client.post(`/api/v1/invoices/${id}/send`)
    const sent = await Promise.all(ids.map(send))
    // On a starved machine a request may wait longer than the pool allows for a connection: it then
    // answers 503 having done nothing (no transaction began), and is sent again, as a client would.
    for (let i = 0; i < sent.length; i++) {
      if (sent[i]!.statusCode === 503) sent[i] = await send(ids[i]!)
      expect(sent[i]!.statusCode, sent[i]!.body).toBe(200)
    }
    const numbers = sent.map((r) => r.json().number as string)
    expect(new Set(numbers).size).toBe(N)
    const values = numbers.map(seq).sort((a, b) => a - b)
    expect(values).toEqual(Array.from({ length: N }, (_, i) => i + 1))
  }, 120_000)

  it('uses no number for a send that fails after taking one', async () => {
    // A due date given: the client is first read after the number is taken (for the frozen snapshot).
    const other = (
      await owner.client.post('/api/v1/clients', { name: 'Leaving Client', currency: 'EUR' })
    ).json().id
    const doomed = await draft({ clientId: other, dueDate: '2999-01-01' })
    expect((await owner.client.del(`/api/v1/clients/${other}`)).statusCode).toBe(204)
    const failed = await owner.client.post(`/api/v1/invoices/${doomed}/send`)
    expect(failed.statusCode, failed.body).toBe(400)
    expect((await owner.client.get(`/api/v1/invoices/${doomed}`)).json()).toMatchObject({
      status: 'draft',
      number: null,
    })
    const next = await owner.client.post(`/api/v1/invoices/${await draft()}/send`)
    expect(next.statusCode, next.body).toBe(200)
    expect(seq(next.json().number)).toBe(N + 1)
  })
})
