import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Stripe from 'stripe'
import type { StripeTestServer } from '../payments/stripe-test-server.ts'

/** Helpers for the subscription tests: the operator's keys, plans file and prices, and signed deliveries. */
export const OPERATOR_SK = `sk_test_${'OperatorAtrium'.padEnd(30, 'x')}op42`
export const OPERATOR_WHSEC = `whsec_${'OperatorSigningSecret'.padEnd(32, 'z')}op42`

const signer = new Stripe('sk_test_signer')

/** Free (2 clients), Pro (14-day trial, monthly and yearly) and Business, with their Stripe prices. */
export function plansFile(dir: string): string {
  const file = join(dir, 'plans.json')
  writeFileSync(
    file,
    JSON.stringify([
      { key: 'free', name: 'Free', isDefault: true, limits: { clients: 2 }, sortOrder: 0 },
      {
        key: 'pro',
        name: 'Pro',
        currency: 'EUR',
        monthlyAmount: 2900,
        yearlyAmount: 29000,
        stripePriceMonthly: 'price_proMonthly',
        stripePriceYearly: 'price_proYearly',
        trialDays: 14,
        limits: { clients: 100 },
        features: { recurringInvoices: true },
        sortOrder: 1,
      },
      {
        key: 'business',
        name: 'Business',
        currency: 'EUR',
        monthlyAmount: 9900,
        stripePriceMonthly: 'price_businessMonthly',
        limits: {},
        features: { recurringInvoices: true, customDomain: true },
        sortOrder: 2,
      },
    ]),
  )
  return file
}

export function addPrices(stripe: StripeTestServer) {
  stripe.keys.add(OPERATOR_SK)
  stripe.billing.addPrice('price_proMonthly', 2900, 'eur', 'month', 'Pro')
  stripe.billing.addPrice('price_proYearly', 29000, 'eur', 'year', 'Pro')
  stripe.billing.addPrice('price_businessMonthly', 9900, 'eur', 'month', 'Business')
}

/** A delivery to `POST /webhooks/stripe` as Stripe signs it (or with the signature given). */
export function signedDelivery(
  event: object,
  opts: { secret?: string; signature?: string | null; payload?: string } = {},
) {
  const payload = opts.payload ?? JSON.stringify(event)
  const signature =
    opts.signature === undefined
      ? signer.webhooks.generateTestHeaderString({
          payload: JSON.stringify(event),
          secret: opts.secret ?? OPERATOR_WHSEC,
        })
      : opts.signature
  return {
    method: 'POST' as const,
    url: '/webhooks/stripe',
    headers: {
      'content-type': 'application/json',
      ...(signature === null ? {} : { 'stripe-signature': signature }),
    },
    payload,
  }
}
