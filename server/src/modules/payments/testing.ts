import Stripe from 'stripe'
import { expect } from 'vitest'
import type { TestApp, TestUser } from '../../../test/harness.ts'

/** Helpers for the payments tests: a sent invoice, and Stripe events signed as Stripe signs them. */
export const SK = `sk_test_${'51Atrium'.padEnd(30, 'x')}abcd`
export const WHSEC = `whsec_${'AtriumTestSigningSecret'.padEnd(32, 'y')}wxyz`

const signer = new Stripe('sk_test_signer')

export async function sentInvoice(user: TestUser, clientId: string, unitPrice = 125000) {
  const d = await user.client.post('/api/v1/invoices', {
    clientId,
    lines: [{ description: 'Design sprint', quantity: '2', unitPrice }],
  })
  expect(d.statusCode, d.body).toBe(201)
  const s = await user.client.post(`/api/v1/invoices/${d.json().id}/send`)
  expect(s.statusCode, s.body).toBe(200)
  return s.json() as { id: string; number: string; total: number; balance: number; status: string }
}

export async function deliver(
  t: TestApp,
  workspaceId: string,
  event: object,
  opts: { secret?: string; signature?: string | null } = {},
) {
  const payload = JSON.stringify(event)
  const signature =
    opts.signature === undefined
      ? signer.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? WHSEC })
      : opts.signature
  return t.app.inject({
    method: 'POST',
    url: `/webhooks/stripe/${workspaceId}`,
    headers: {
      'content-type': 'application/json',
      ...(signature === null ? {} : { 'stripe-signature': signature }),
    },
    payload,
  })
}

export async function deliverAll(t: TestApp, workspaceId: string, events: object[]) {
  for (const e of events) {
    const r = await deliver(t, workspaceId, e)
    expect(r.statusCode, r.body).toBe(200)
  }
}

/** A seeded shuffle (mulberry32), so a failing order can be replayed. */
export function shuffle<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}
