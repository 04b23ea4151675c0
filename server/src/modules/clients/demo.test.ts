import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/harness.ts'
import { seedDemo } from '../../db/seed.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t?.close())

it('the first start seeds a demo workspace with clients, contacts and custom fields', async () => {
  const demo = await seedDemo(t.database)
  expect(demo).not.toBeNull()
  const c = t.client()
  expect((await c.signIn(demo?.email as string, demo?.password as string)).statusCode).toBe(200)
  const list = (await c.get('/api/v1/clients?limit=50')).json()
  expect(list.data).toHaveLength(10)
  const nw = (await c.get('/api/v1/clients?q=northwind')).json().data[0]
  expect(nw).toMatchObject({ name: 'Northwind Traders', custom: { industry: 'Retail', budget: 1250000 } })
  expect(nw.primaryContact.name).toBe('Nancy Davolio')
  expect((await c.get('/api/v1/custom-fields')).json().data).toHaveLength(2)
  expect(await seedDemo(t.database)).toBeNull()
})
