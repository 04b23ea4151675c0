import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'

// Every write path of a client, each followed by a search through the API: the index is kept in the
// writer's transaction, so what was written is what search finds, and nothing else.
let t: TestApp
let owner: TestUser
let outsider: TestUser

type Page = { data: { id: string; name: string }[]; nextCursor: string | null }

const names = async (u: TestUser, q: string) =>
  ((await u.client.get(`/api/v1/clients?q=${encodeURIComponent(q)}`)).json() as Page).data.map((c) => c.name)

async function create(body: Record<string, unknown>) {
  const res = await owner.client.post('/api/v1/clients', body)
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string; name: string }
}

async function finishImport(id: string) {
  const deadline = Date.now() + 30_000
  for (;;) {
    const i = (await owner.client.get(`/api/v1/clients/import/${id}`)).json()
    if (i.status === 'completed' || i.status === 'failed') return i
    if (Date.now() > deadline) throw new Error(`import still ${i.status}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

beforeAll(async () => {
  t = await createTestApp()
  owner = await t.user({ workspace: 'Search Co' })
  outsider = await t.user({ workspace: 'Elsewhere' })
})
afterAll(() => t?.close())

describe('every write path keeps search current', () => {
  it('a word first seen in notes and later in a name is found with a typo; writers adding one new word at once both find it', async () => {
    await create({ name: 'Plain Notes Ltd', notes: 'met at Zorblatt' })
    // Only in notes: typo lookups look among title words, so a typo does not find it yet.
    expect(await names(owner, 'zorblat')).toEqual([])
    await create({ name: 'Zorblatt Partners' })
    expect(await names(owner, 'zorblat')).toEqual(['Zorblatt Partners'])

    // Six writers at once, each adding the same word the dictionary does not know yet.
    const made = await Promise.all(
      Array.from({ length: 6 }, (_, i) => owner.client.post('/api/v1/clients', { name: `Quaxington ${i}` })),
    )
    for (const r of made) expect(r.statusCode, r.body).toBe(201)
    expect((await names(owner, 'quaxington')).sort()).toEqual(
      Array.from({ length: 6 }, (_, i) => `Quaxington ${i}`),
    )
    expect(await names(owner, 'quaxingtn')).toHaveLength(6)
  })

  it('create, rename, contacts, bulk tags, custom fields and deletes', async () => {
    const a = await create({ name: 'Quillfeather Studios', email: 'hello@quillfeather.example' })
    expect(await names(owner, 'quillfeather')).toEqual(['Quillfeather Studios'])
    expect(await names(owner, 'hello@quillfeather')).toEqual(['Quillfeather Studios'])
    expect(await names(outsider, 'quillfeather')).toEqual([])

    await owner.client.patch(`/api/v1/clients/${a.id}`, { name: 'Brightquill Studios' })
    expect(await names(owner, 'brightquill')).toEqual(['Brightquill Studios'])
    expect(await names(owner, 'quillfeather studios')).toEqual(['Brightquill Studios']) // still its email
    await owner.client.patch(`/api/v1/clients/${a.id}`, { email: null })
    expect(await names(owner, 'quillfeather')).toEqual([])

    const contact = await owner.client.post(`/api/v1/clients/${a.id}/contacts`, { name: 'Zebulon Marsh' })
    expect(contact.statusCode, contact.body).toBe(201)
    expect(await names(owner, 'zebulon')).toEqual(['Brightquill Studios'])
    await owner.client.del(`/api/v1/clients/${a.id}/contacts/${contact.json().id}`)
    expect(await names(owner, 'zebulon')).toEqual([])

    const bulk = await owner.client.post('/api/v1/clients/bulk', {
      action: 'tag',
      ids: [a.id],
      tags: ['orbital'],
    })
    expect(bulk.json()).toEqual({ affected: 1 })
    expect(await names(owner, 'orbital')).toEqual(['Brightquill Studios'])
    await owner.client.post('/api/v1/clients/bulk', { action: 'untag', ids: [a.id], tags: ['orbital'] })
    expect(await names(owner, 'orbital')).toEqual([])

    const field = await owner.client.post('/api/v1/custom-fields', {
      key: 'codename',
      label: 'Codename',
      type: 'text',
    })
    expect(field.statusCode, field.body).toBe(201)
    await owner.client.patch(`/api/v1/clients/${a.id}`, { custom: { codename: 'Kumquat' } })
    expect(await names(owner, 'kumquat')).toEqual(['Brightquill Studios'])
    expect(
      ((await owner.client.get('/api/v1/clients?cf.codename=kumquat')).json() as Page).data,
    ).toHaveLength(1)
    // Deleting the field takes its values out of search and filters too.
    expect((await owner.client.del(`/api/v1/custom-fields/${field.json().id}`)).statusCode).toBe(204)
    expect(await names(owner, 'kumquat')).toEqual([])

    await owner.client.del(`/api/v1/clients/${a.id}`)
    expect(await names(owner, 'brightquill')).toEqual([])

    const b = await create({ name: 'Vellum Works' })
    await owner.client.post('/api/v1/clients/bulk', { action: 'delete', ids: [b.id], expectedCount: 1 })
    expect(await names(owner, 'vellum')).toEqual([])
  })

  it('imports', async () => {
    const csv = 'Company,Email,Contact name\nMarigold Ferries,ops@marigold.example,Odessa Quint\n'
    const up = await owner.client.request({
      method: 'POST',
      url: '/api/v1/clients/import?filename=search.csv',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    })
    expect(up.statusCode, up.body).toBe(201)
    const options = { mapping: up.json().mapping, duplicates: 'update' }
    const run = await owner.client.post(`/api/v1/clients/import/${up.json().id}/run`, options)
    expect(run.statusCode, run.body).toBe(202)
    expect((await finishImport(up.json().id)).status).toBe('completed')
    expect(await names(owner, 'marigold')).toEqual(['Marigold Ferries'])
    expect(await names(owner, 'odessa quint')).toEqual(['Marigold Ferries'])
    expect(await names(outsider, 'marigold')).toEqual([])
  })
})

describe('typo tolerance and ranking', () => {
  it('puts the name typed, or nearly typed, first', async () => {
    for (const name of [
      'Northwave Catering',
      'Northway Travel',
      'Northwind Traders',
      'Russo Construction',
      'Contoso Pharmaceuticals',
      'Adventure Works Cycles',
      'Litware Software',
    ])
      await create({ name })
    expect((await names(owner, 'northwnd'))[0]).toBe('Northwind Traders')
    expect((await names(owner, 'northwnd trad'))[0]).toBe('Northwind Traders')
    expect((await names(owner, 'contso'))[0]).toBe('Contoso Pharmaceuticals')
    expect(await names(owner, 'contso')).not.toContain('Russo Construction')
    expect((await names(owner, 'adventur wroks'))[0]).toBe('Adventure Works Cycles')
    expect((await names(owner, 'litware sofw'))[0]).toBe('Litware Software')
    expect((await names(owner, 'north'))[0]).toMatch(/^North/)
    expect(await names(owner, 'cons')).toEqual(['Russo Construction'])
    expect(await names(outsider, 'northwnd')).toEqual([])
  })

  it('lists names that start with the text as typed first, alphabetically, then other matches', async () => {
    for (const name of [
      'Harbor Blue Supplies',
      'Blue-Harbor Logistics',
      'Bluefin Harbour',
      'blue harvest co',
    ])
      await create({ name })
    const found = await names(owner, 'blue har')
    expect(found.slice(0, 2)).toEqual(['Blue-Harbor Logistics', 'blue harvest co'])
    expect(found.slice(2).sort()).toEqual(['Bluefin Harbour', 'Harbor Blue Supplies'])
    expect((await names(owner, 'BLUE  harbor'))[0]).toBe('Blue-Harbor Logistics')
    // Renaming moves a client out of the prefix; deleting it removes it.
    const moved = ((await owner.client.get('/api/v1/clients?q=blue+harv')).json() as Page).data.find(
      (c) => c.name === 'blue harvest co',
    )!
    expect(
      (await owner.client.patch(`/api/v1/clients/${moved.id}`, { name: 'Autumn Harvest' })).statusCode,
    ).toBe(200)
    expect(await names(owner, 'blue harv')).toEqual([])
    expect(await names(outsider, 'blue har')).toEqual([])
  })
})

describe('bad search input', () => {
  it('answers text ending in the highest code points, forged cursors and impossible dates', async () => {
    for (const q of ['ab%F4%8F%BF%BF', 'ab%ED%9F%BF', '%F4%8F%BF%BF', 'a%EF%BF%BF', '%25_%5C'])
      expect((await owner.client.get(`/api/v1/clients?q=${q}`)).statusCode, q).toBe(200)
    const forged = [
      { s: '-created', v: 'garbage', id: 'x' },
      { s: '-created', v: '2026-01-01T00:00:00.000Z', id: 'x' },
      { s: '-created', v: '0000-01-01T00:00:00.000Z', id: `cli_${'0'.repeat(32)}` },
      { s: 'name', v: 5, id: `cli_${'0'.repeat(32)}` },
      { s: '-created', o: -1 },
      'not json',
    ]
    for (const c of forged) {
      const cursor = Buffer.from(typeof c === 'string' ? c : JSON.stringify(c)).toString('base64url')
      const sort = typeof c === 'object' && c.s === 'name' ? '&sort=name' : ''
      const res = await owner.client.get(`/api/v1/clients?cursor=${cursor}${sort}`)
      expect(res.statusCode, JSON.stringify(c)).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(JSON.stringify(res.json()), JSON.stringify(c)).toContain('cursor')
    }
    for (const [qs, field] of [
      ['createdFrom=0000-01-01', 'createdFrom'],
      ['createdTo=10000-01-01', 'createdTo'],
      ['updatedFrom=2026-02-30', 'updatedFrom'],
      ['updatedTo=%2B275760-09-13T00:00:00.000Z', 'updatedTo'],
    ]) {
      const res = await owner.client.get(`/api/v1/clients?${qs}`)
      expect(res.statusCode, qs).toBe(400)
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field)
    }
    expect((await owner.client.get('/api/v1/clients?createdFrom=0001-01-01')).statusCode).toBe(200)
  })
})
