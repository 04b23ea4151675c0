import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type Stripe from 'stripe'
import { z } from 'zod'
import { problemResponses } from '../../../../contracts/common.ts'
import type { AuditMeta } from '../../kernel/audit/index.ts'
import type { Db } from '../../kernel/db/index.ts'
import { auditMeta } from '../../kernel/http/context.ts'
import { Problem, problems } from '../../kernel/http/problem.ts'
import { acceptRawJson } from '../../kernel/http/raw-body.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import {
  isStripeMissing,
  StripeSignatureError,
  stripeMessage,
  verifyStripeEvent,
} from '../../kernel/stripe/index.ts'
import { withWorkspace, workspaces } from '../../kernel/tenancy/index.ts'
import { billingStripeEvents, workspaceBilling } from './schema.ts'
import { type BillingStripe, billingStripe } from './stripe-client.ts'
import {
  type ApplyDeps,
  applySubscription,
  lockBillingRow,
  planByPrice,
  type SubscriptionView,
  viewOf,
} from './subscriptions-state.ts'

/** The operator account's events that move a workspace's subscription; others are stored as ignored. */
export const BILLING_EVENTS = new Set([
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.trial_will_end',
  'invoice.paid',
  'invoice.payment_failed',
  'checkout.session.completed',
])

export type BillingWebhookResult = { received: true; duplicate: boolean; outcome: string }

/** The subscription an event is about: its own object, an invoice's parent, or a Checkout Session's result. */
export function subscriptionIdOf(event: Stripe.Event): string | null {
  const o = event.data.object as unknown as Record<string, unknown>
  if (event.type.startsWith('customer.subscription.')) return o.id as string
  const id = (v: unknown) =>
    typeof v === 'string' ? v : v && typeof v === 'object' ? ((v as { id?: string }).id ?? null) : null
  if (event.type.startsWith('invoice.')) {
    const parent = o.parent as { subscription_details?: { subscription?: unknown } } | null
    return id(parent?.subscription_details?.subscription) ?? id(o.subscription)
  }
  if (event.type === 'checkout.session.completed' && o.mode === 'subscription') return id(o.subscription)
  return null
}

/**
 * The operator's Stripe webhook. Verified with STRIPE_WEBHOOK_SECRET (a bad or missing signature: 400,
 * nothing changes). Events are triggers: the subscription is read from Stripe as it is now and applied
 * (`applySubscription`) in the transaction that stores the event's id, so a repeated event answers 200
 * and changes nothing, and events in any order end in Stripe's current state. If Stripe cannot be read,
 * 503 and nothing is stored: Stripe delivers again.
 */
export async function handleBillingWebhook(
  db: Db,
  stripe: BillingStripe,
  deps: ApplyDeps,
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
  meta: AuditMeta,
): Promise<BillingWebhookResult> {
  let event: Stripe.Event
  try {
    event = verifyStripeEvent(stripe.client, rawBody, headers, stripe.webhookSecret)
  } catch (err) {
    if (err instanceof StripeSignatureError)
      throw problems.badRequest(`The signature does not verify: ${err.message}`, 'stripe-signature')
    throw err
  }
  const [seen] = await db
    .select({ outcome: billingStripeEvents.outcome })
    .from(billingStripeEvents)
    .where(eq(billingStripeEvents.eventId, event.id))
  if (seen) return { received: true, duplicate: true, outcome: seen.outcome }

  const subscriptionId = BILLING_EVENTS.has(event.type) ? subscriptionIdOf(event) : null
  if (!subscriptionId)
    return storeAlone(db, event, BILLING_EVENTS.has(event.type) ? 'no_subscription' : 'ignored')

  const readAt = new Date()
  let view: SubscriptionView
  try {
    view = viewOf(
      await stripe.client.subscriptions.retrieve(subscriptionId, { expand: ['default_payment_method'] }),
    )
  } catch (err) {
    if (isStripeMissing(err)) return storeAlone(db, event, 'unknown_subscription')
    throw new Problem({
      status: 503,
      type: 'stripe-unavailable',
      title: 'Stripe unavailable',
      detail: `Could not read the subscription from Stripe: ${stripeMessage(err)}`,
      headers: { 'retry-after': '60' },
    })
  }
  const workspaceId = await workspaceOf(db, view)
  if (!workspaceId) return storeAlone(db, event, 'unknown_workspace')

  const wmeta: AuditMeta = { ...meta, actorId: null, actorLabel: 'Stripe (webhook)' }
  return withWorkspace({ db, workspaceId }, async (tx) => {
    const inserted = await tx
      .insert(billingStripeEvents)
      .values({ eventId: event.id, type: event.type, workspaceId, outcome: 'received' })
      .onConflictDoNothing()
      .returning({ eventId: billingStripeEvents.eventId })
    if (!inserted.length) return { received: true as const, duplicate: true, outcome: 'duplicate' }
    const changes = await applySubscription(tx, deps, wmeta, workspaceId, view, readAt)
    if (event.type === 'customer.subscription.trial_will_end' && view.stripeStatus === 'trialing') {
      const row = await lockBillingRow(tx, workspaceId)
      const plan = view.priceId ? await planByPrice(tx, view.priceId) : null
      await deps.events.emit(tx, 'billing.trial_ending', workspaceId, {
        planKey: plan?.plan.key ?? '',
        planName: plan?.plan.name ?? 'your plan',
        trialEndsAt: row.trialEndsAt?.toISOString() ?? null,
      })
      changes.push('trial_will_end')
    }
    const outcome = changes.length ? changes.join(',') : 'no_change'
    await tx.update(billingStripeEvents).set({ outcome }).where(eq(billingStripeEvents.eventId, event.id))
    return { received: true as const, duplicate: false, outcome }
  })
}

/** An event that touches no workspace, stored as the owner (the table's rows are otherwise per workspace). */
async function storeAlone(db: Db, event: Stripe.Event, outcome: string): Promise<BillingWebhookResult> {
  const inserted = await db
    .insert(billingStripeEvents)
    .values({ eventId: event.id, type: event.type, workspaceId: null, outcome })
    .onConflictDoNothing()
    .returning({ eventId: billingStripeEvents.eventId })
  return { received: true, duplicate: !inserted.length, outcome: inserted.length ? outcome : 'duplicate' }
}

/**
 * The workspace a subscription bills: the one whose billing row holds its customer, else the one our
 * metadata names (the first subscription of a new customer) when that workspace has no other customer.
 * Read as the owner: the webhook has no workspace until it finds one.
 */
async function workspaceOf(db: Db, view: SubscriptionView): Promise<string | null> {
  const [byCustomer] = await db
    .select({ workspaceId: workspaceBilling.workspaceId })
    .from(workspaceBilling)
    .where(eq(workspaceBilling.stripeCustomerId, view.customerId))
  if (byCustomer) return byCustomer.workspaceId
  const named = view.workspaceId
  if (!named || !/^[0-9a-f-]{36}$/i.test(named)) return null
  const [ws] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, named))
  if (!ws) return null
  const [row] = await db
    .select({ customer: workspaceBilling.stripeCustomerId })
    .from(workspaceBilling)
    .where(eq(workspaceBilling.workspaceId, named))
  return row?.customer && row.customer !== view.customerId ? null : named
}

/** `POST /webhooks/stripe`: outside /api/v1, no session, the raw body for the signature. */
export function registerBillingWebhookRoute(root: FastifyInstance, kernel: Kernel) {
  const db = kernel.database.db
  const deps: ApplyDeps = {
    events: kernel.events,
    jobs: kernel.jobs,
    graceDays: kernel.config.billingGraceDays,
  }
  root.register(async (scope) => {
    acceptRawJson(scope)
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/webhooks/stripe',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['Webhooks'],
          summary: 'Stripe’s events for the operator’s account (workspace subscriptions)',
          description:
            'Verified with STRIPE_WEBHOOK_SECRET (`Stripe-Signature`); a bad or missing signature answers 400 and changes nothing. Handles `customer.subscription.created`, `.updated`, `.deleted`, `.trial_will_end`, `invoice.paid`, `invoice.payment_failed` (and `checkout.session.completed`). Each event takes effect once: a repeated event answers 200 with `duplicate: true`. 503 when the installation has no Stripe billing or Stripe cannot be read (Stripe retries).',
          response: {
            200: z.object({ received: z.literal(true), duplicate: z.boolean(), outcome: z.string() }),
            ...problemResponses(400, 503),
          },
        },
      },
      async (req) => {
        const stripe = billingStripe(kernel)
        if (!stripe)
          throw new Problem({
            status: 503,
            type: 'stripe-not-configured',
            title: 'Stripe is not configured',
            detail: 'This installation does not bill through Stripe (STRIPE_SECRET_KEY is not set).',
            errors: [{ field: 'stripe', message: 'not configured on this installation' }],
          })
        return handleBillingWebhook(
          db,
          stripe,
          deps,
          typeof req.body === 'string' ? req.body : '',
          req.headers,
          auditMeta(req, null),
        )
      },
    )
  })
}
