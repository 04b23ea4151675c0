import type Stripe from 'stripe'
import { Problem } from '../../kernel/http/problem.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { stripeClient, stripeMessage } from '../../kernel/stripe/index.ts'

/** The operator's own Stripe account (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET), which bills workspaces. */
export type BillingStripe = { client: Stripe; webhookSecret: string }

const made = new WeakMap<Kernel, BillingStripe | null>()

/** The operator's Stripe, or null when the installation does not bill through Stripe. */
export function billingStripe(kernel: Pick<Kernel, 'config'>): BillingStripe | null {
  const k = kernel as Kernel
  if (made.has(k)) return made.get(k)!
  const cfg = kernel.config.billingStripe
  const s = cfg
    ? { client: stripeClient(cfg.secretKey, kernel.config.stripeApi), webhookSecret: cfg.webhookSecret }
    : null
  made.set(k, s)
  return s
}

/** 409 naming stripe: the installation has no Stripe account for billing (plans are then set by the operator). */
export const stripeNotConfigured = () =>
  new Problem({
    status: 409,
    type: 'stripe-not-configured',
    title: 'Stripe is not configured',
    detail:
      'This installation does not bill through Stripe (STRIPE_SECRET_KEY is not set): the operator sets each workspace’s plan.',
    errors: [{ field: 'stripe', message: 'not configured on this installation' }],
  })

export function requireStripe(kernel: Pick<Kernel, 'config'>): BillingStripe {
  const s = billingStripe(kernel)
  if (!s) throw stripeNotConfigured()
  return s
}

/** 502 with Stripe's own message: a call Stripe refused or could not answer. Nothing was changed here. */
export const stripeFailed = (err: unknown) =>
  new Problem({
    status: 502,
    type: 'stripe-unavailable',
    title: 'Stripe did not answer',
    detail: `Stripe refused or could not answer: ${stripeMessage(err)}`,
    errors: [{ field: 'stripe', message: stripeMessage(err) }],
  })

/** Runs a Stripe call, turning its failure into a 502 problem (never a 500). */
export async function callStripe<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw stripeFailed(err)
  }
}
