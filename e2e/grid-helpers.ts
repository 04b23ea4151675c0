import type { Page } from '@playwright/test'
import { expect } from './fixtures.ts'
import { createWorkspace, type Person, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

/** Signs a new owner up, verifies, signs in and creates a workspace. */
export async function ownerWithWorkspace(page: Page, name: string): Promise<Person> {
  const owner = person(name)
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, `${name} Co`, `grid-${uniqueSuffix()}`)
  return owner
}

export async function api<T = unknown>(
  page: Page,
  method: 'post' | 'patch' | 'get',
  path: string,
  data?: unknown,
): Promise<T> {
  const res = await page.request[method](path, data === undefined ? undefined : { data })
  expect(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`).toBe(true)
  return (await res.json()) as T
}

/** Custom fields and clients through the API: `count` clients named "Client 001"… plus three known ones. */
export async function seedClients(page: Page, count: number): Promise<void> {
  await api(page, 'post', '/api/v1/custom-fields', {
    key: 'industry',
    label: 'Industry',
    type: 'select',
    options: ['retail', 'software', 'energy'],
  })
  await api(page, 'post', '/api/v1/custom-fields', { key: 'seats', label: 'Seats', type: 'number' })
  const known = [
    {
      name: 'Northwind Traders',
      status: 'active',
      tags: ['retail', 'vip'],
      custom: { industry: 'retail', seats: 40 },
    },
    { name: 'Contoso Pharma', status: 'lead', tags: ['pharma'], custom: { industry: 'energy', seats: 12 } },
    {
      name: 'Fabrikam Software',
      status: 'active',
      tags: ['vip'],
      custom: { industry: 'software', seats: 250 },
    },
  ]
  for (const client of known) await api(page, 'post', '/api/v1/clients', client)
  for (let i = 1; i <= count; i++)
    await api(page, 'post', '/api/v1/clients', {
      name: `Client ${String(i).padStart(3, '0')}`,
      status: i % 3 === 0 ? 'lead' : 'active',
      tags: i % 2 ? ['bulk'] : [],
      ownerId: null,
    })
}
