import { createRequire } from 'node:module'
import type Stripe from 'stripe'

/**
 * The official Stripe SDK, shared by the modules that call Stripe (payments: each workspace's own
 * account; billing: the operator's). Loaded on first use, so a server that never calls Stripe never
 * holds it.
 */
export type StripeApi = { protocol: 'http' | 'https'; host: string; port: number } | null

let sdk: typeof Stripe | undefined
export function stripeSdk(): typeof Stripe {
  sdk ??= createRequire(import.meta.url)('stripe') as typeof Stripe
  return sdk
}

/** A client for one secret key, pointed at `api` (a local stand-in in tests) when given. */
export function stripeClient(secretKey: string, api: StripeApi): Stripe {
  return new (stripeSdk())(secretKey, {
    ...(api ?? {}),
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'Atrium' },
  })
}

/** Stripe's own message for a failed call (never the key). */
export function stripeMessage(err: unknown): string {
  if (sdk && err instanceof sdk.errors.StripeError) return `${err.type}: ${err.message}`
  return err instanceof Error ? err.message : String(err)
}

/** Whether a failed call means the object does not exist at Stripe (`resource_missing`). */
export function isStripeMissing(err: unknown): boolean {
  return !!sdk && err instanceof sdk.errors.StripeError && err.code === 'resource_missing'
}

export class StripeSignatureError extends Error {}

/**
 * A webhook delivery verified with the endpoint's signing secret (`webhooks.constructEvent`): throws
 * StripeSignatureError when the header is missing or the signature does not verify.
 */
export function verifyStripeEvent(
  client: Stripe,
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
  webhookSecret: string,
): Stripe.Event {
  const signature = headers['stripe-signature']
  if (typeof signature !== 'string' || !signature)
    throw new StripeSignatureError('no Stripe-Signature header')
  try {
    return client.webhooks.constructEvent(rawBody, signature, webhookSecret)
  } catch (err) {
    throw new StripeSignatureError(err instanceof Error ? err.message : 'signature does not verify')
  }
}
