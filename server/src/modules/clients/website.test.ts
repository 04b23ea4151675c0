import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CreateClientSchema, withScheme } from '../../../../contracts/clients.ts'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'

describe('website: a bare domain becomes an https URL', () => {
  it.each([
    ['example.com', 'https://example.com'],
    ['www.example.co.uk/about?x=1', 'https://www.example.co.uk/about?x=1'],
    ['example.com:8080', 'https://example.com:8080'],
    ['http://example.com', 'http://example.com'],
    ['https://example.com', 'https://example.com'],
  ])('%s → %s', (given, stored) => {
    expect(CreateClientSchema.parse({ name: 'x', website: given }).website).toBe(stored)
  })

  it.each(['javascript:alert(1)', 'ftp://example.com', 'not a website', 'localhost', 'me@example.com'])(
    'refuses %s',
    (given) => {
      expect(CreateClientSchema.safeParse({ name: 'x', website: given }).success).toBe(false)
    },
  )

  it('leaves what has a scheme to the URL check', () => {
    expect(withScheme('mailto:x@example.com')).toBe('mailto:x@example.com')
  })
})

describe('website through HTTP', () => {
  let t: TestApp
  let owner: TestUser
  beforeAll(async () => {
    t = await createTestApp()
    owner = await t.user({ workspace: 'Web Co' })
  })
  afterAll(() => t?.close())

  it('stores a bare domain with https:// on create and update, and names the field when refused', async () => {
    const created = await owner.client.post('/api/v1/clients', { name: 'Acme', website: 'acme.example' })
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json().website).toBe('https://acme.example')
    const updated = await owner.client.patch(`/api/v1/clients/${created.json().id}`, {
      website: ' shop.acme.example ',
    })
    expect(updated.json().website).toBe('https://shop.acme.example')
    const cleared = await owner.client.patch(`/api/v1/clients/${created.json().id}`, { website: '' })
    expect(cleared.json().website).toBeNull()
    const bad = await owner.client.patch(`/api/v1/clients/${created.json().id}`, { website: 'not a site' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].field).toBe('website')
  })
})
