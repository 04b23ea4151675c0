import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'

// Documents have two title keys: the number then the client's name (the title), and the client's
// name then the number. Typing either start finds them in the title tier, each document once.
let t: TestApp
let owner: TestUser
let other: TestUser
const client: Record<string, string> = {}

type Page = {
  data: { id: string; number: string | null; client: { name: string } }[]
  nextCursor: string | null
}

const search = async (u: TestUser, q: string, extra = '') => {
  const res = await u.client.get(`/api/v1/invoices?q=${encodeURIComponent(q)}${extra}`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as Page
}

async function invoice(u: TestUser, clientId: string, description: string, send: boolean) {
  const res = await u.client.post('/api/v1/invoices', {
    clientId,
    lines: [{ description, unitPrice: 1_000 }],
  })
  expect(res.statusCode, res.body).toBe(201)
  const id = res.json().id as string
  if (send) expect((await u.client.post(`/api/v1/invoices/${id}/send`)).statusCode).toBe(200)
  return id
}

const keysOf = async (id: string) =>
  (
    await t.database.query<{ title: string }>(
      'select title from search_titles where record_id = $1 order by title',
      [id],
    )
  ).map((r) => r.title)

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Title Keys Co' })
  other = await t.user({ workspace: 'Other Keys Co' })
  for (const name of ['Northwind Traders', 'Inventive Labs', 'Contoso'])
    client[name] = (await owner.client.post('/api/v1/clients', { name, currency: 'EUR' })).json().id
  client.other = (
    await other.client.post('/api/v1/clients', { name: 'Northwind Traders', currency: 'EUR' })
  ).json().id
}, 60_000)
afterAll(() => t?.close())

describe('search by a client name finds its documents first', () => {
  it('ranks the client’s documents above those mentioning the name, each once, in this workspace only', async () => {
    const northwind = [
      await invoice(owner, client['Northwind Traders']!, 'Consulting', true),
      await invoice(owner, client['Northwind Traders']!, 'Support', true),
      await invoice(owner, client['Northwind Traders']!, 'Draft work', false),
    ]
    // Another client's invoice whose line names Northwind: a body word, found after the title keys.
    const mention = await invoice(owner, client.Contoso!, 'Northwind referral fee', true)
    const theirs = await invoice(other, client.other!, 'Consulting', true)

    const found = (await search(owner, 'northwind')).data.map((d) => d.id)
    expect(new Set(found.slice(0, 3))).toEqual(new Set(northwind))
    expect(found).toContain(mention)
    expect(found.indexOf(mention)).toBeGreaterThan(2)
    expect(found).not.toContain(theirs)
    expect(new Set(found).size).toBe(found.length)

    const exact = (await search(owner, 'northwind traders')).data.map((d) => d.id)
    expect(new Set(exact.slice(0, 3))).toEqual(new Set(northwind))
    expect((await search(other, 'northwind')).data.map((d) => d.id)).toEqual([theirs])

    // The number still leads: typing it finds that invoice first.
    const sent = (await owner.client.get(`/api/v1/invoices/${northwind[0]}`)).json() as { number: string }
    expect((await search(owner, sent.number)).data[0]?.id).toBe(northwind[0])
    // A number one digit off is another document, not a typo: nothing is found.
    const off = sent.number.replace(
      /(\d)(\d*)$/,
      (_, d: string, rest: string) => `${(Number(d) + 5) % 10}${rest}`,
    )
    expect((await search(owner, off)).data).toEqual([])
  })

  it('keeps one record once when several of its keys start with the text, across pages', async () => {
    const ids = [
      await invoice(owner, client['Inventive Labs']!, 'Design', true),
      await invoice(owner, client['Inventive Labs']!, 'Build', true),
      await invoice(owner, client['Inventive Labs']!, 'Run', true),
    ]
    // Numbered `INV-…`: both keys of these invoices start with `inv`, as the number's of all others.
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: Page = await search(owner, 'inv', `&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      seen.push(...page.data.map((d) => d.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(new Set(seen).size).toBe(seen.length)
    for (const id of ids) expect(seen).toContain(id)
    const all = (await search(owner, 'inv', '&limit=100')).data.map((d) => d.id)
    expect(new Set(all).size).toBe(all.length)
    expect(new Set(seen)).toEqual(new Set(all))
  })

  it('rewrites a document’s keys when it changes and drops them when it is deleted', async () => {
    const id = await invoice(owner, client.Contoso!, 'Keys', false)
    expect(await keysOf(id)).toEqual(['contoso'])
    expect((await owner.client.post(`/api/v1/invoices/${id}/send`)).statusCode).toBe(200)
    const { number } = (await owner.client.get(`/api/v1/invoices/${id}`)).json() as { number: string }
    const n = number
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean)
      .join(' ')
    expect(await keysOf(id)).toEqual([`contoso ${n}`, `${n} contoso`].sort())

    const gone = await invoice(owner, client.Contoso!, 'Deleted', false)
    expect(await keysOf(gone)).toEqual(['contoso'])
    expect((await owner.client.del(`/api/v1/invoices/${gone}`)).statusCode).toBe(204)
    expect(await keysOf(gone)).toEqual([])
  })

  it('search_records sees nothing without a workspace, as the application role', async () => {
    const r = await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'atrium_app', true)`)
      return tx.execute(sql`select count(*)::int as n from search_records('invoice', 'northwind', 10)`)
    })
    expect((r as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(0)
  })
})
