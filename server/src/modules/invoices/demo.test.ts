import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/harness.ts'
import { seedDemo } from '../../db/seed.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t?.close())

describe('demo data', () => {
  it('seeds products, invoices in several states and a quote', async () => {
    const demo = await seedDemo(t.database)
    expect(demo).not.toBeNull()
    const c = t.client()
    expect((await c.signIn(demo!.email, demo!.password)).statusCode).toBe(200)
    expect((await c.get('/api/v1/products')).json().data.length).toBeGreaterThanOrEqual(4)
    const statuses = (await c.get('/api/v1/invoices?limit=50'))
      .json()
      .data.map((d: { status: string }) => d.status)
    expect(new Set(statuses)).toEqual(new Set(['draft', 'sent', 'partially_paid', 'paid', 'overdue']))
    const quotes = (await c.get('/api/v1/quotes')).json().data
    expect(quotes.map((q: { status: string }) => q.status)).toEqual(['accepted'])
    expect((await c.get('/api/v1/credit-notes')).json().data).toHaveLength(1)
    const recurring = (await c.get('/api/v1/recurring-invoices')).json().data
    expect(recurring).toHaveLength(1)
    expect(recurring[0]).toMatchObject({
      name: 'Managed hosting',
      status: 'active',
      frequency: 'monthly',
      count: 12,
    })
    expect(recurring[0].nextDate).toMatch(/-01$/)
  })
})
