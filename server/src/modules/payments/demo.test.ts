import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/harness.ts'
import { seedDemo } from '../../db/seed.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t?.close())

describe('demo online payments', () => {
  it('the demo workspace shows invoices paid through Stripe and PayPal, with fees, net and dashboard links', async () => {
    const demo = await seedDemo(t.database)
    const c = t.client()
    expect((await c.signIn(demo!.email, demo!.password)).statusCode).toBe(200)
    const list = (await c.get('/api/v1/online-payments')).json().data as {
      gateway: string
      status: string
      invoiceId: string
      amountReceived: number
      fee: number
      net: number
      dashboardUrl: string
      paymentId: string
    }[]
    expect(list.map((p) => p.gateway).sort()).toEqual(['paypal', 'stripe', 'stripe'])
    for (const p of list) {
      expect(p.status).toBe('succeeded')
      expect(p.fee).toBeGreaterThan(0)
      expect(p.net).toBe(p.amountReceived - p.fee)
      expect(p.dashboardUrl).toMatch(/^https:\/\/(dashboard\.stripe\.com\/test|www\.sandbox\.paypal\.com)\//)
      const inv = (await c.get(`/api/v1/invoices/${p.invoiceId}`)).json()
      expect(inv).toMatchObject({ status: 'paid', balance: 0 })
      const pays = (await c.get(`/api/v1/payments?invoiceId=${p.invoiceId}`)).json().data
      expect(pays).toEqual([
        expect.objectContaining({ id: p.paymentId, gateway: p.gateway, gatewayFee: p.fee }),
      ])
    }
  })
})
