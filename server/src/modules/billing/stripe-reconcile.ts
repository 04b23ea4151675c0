import { and, eq, inArray, isNotNull } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { Db } from '../../kernel/db/index.ts'
import { stripeMessage } from '../../kernel/stripe/index.ts'
import { plans, workspaceBilling } from './schema.ts'
import type { BillingStripe } from './stripe-client.ts'
import { statusOf, viewOf } from './subscriptions-state.ts'

export type SubscriptionDifference = {
  workspaceId: string | null
  subscriptionId: string
  /** `unknown`: Stripe bills a workspace Atrium does not record; `status`, `plan`, `cancel_at_period_end`, `period_end` differ; `unreachable`: Stripe refused. */
  kind: 'unknown' | 'status' | 'plan' | 'cancel_at_period_end' | 'period_end' | 'unreachable'
  stripe: string
  atrium: string
}

/**
 * `atrium billing reconcile --days N`: the operator's subscriptions at Stripe made in the last N days,
 * and every subscription Atrium holds as live, compared with `workspace_billing`. It changes nothing:
 * Stripe's retried webhooks (or a resend from its dashboard) apply the differences through the one
 * webhook path. Read as the owner, across workspaces.
 */
export async function reconcileSubscriptions(
  db: Db,
  stripe: BillingStripe,
  days: number,
): Promise<SubscriptionDifference[]> {
  const since = Math.floor((Date.now() - days * 86_400_000) / 1000)
  const out: SubscriptionDifference[] = []
  const seen = new Map<string, Stripe.Subscription>()
  try {
    for await (const sub of stripe.client.subscriptions.list({
      status: 'all',
      created: { gte: since },
      limit: 100,
    }))
      seen.set(sub.id, sub)
  } catch (err) {
    return [
      { workspaceId: null, subscriptionId: '', kind: 'unreachable', stripe: stripeMessage(err), atrium: '' },
    ]
  }
  const rows = await db
    .select({
      row: workspaceBilling,
      planKey: plans.key,
      monthly: plans.stripePriceMonthly,
      yearly: plans.stripePriceYearly,
    })
    .from(workspaceBilling)
    .innerJoin(plans, eq(plans.id, workspaceBilling.planId))
    .where(isNotNull(workspaceBilling.stripeSubscriptionId))
  const bySub = new Map(rows.map((r) => [r.row.stripeSubscriptionId!, r]))
  // Subscriptions Atrium holds as live but made before the window: read each.
  for (const r of rows)
    if (!seen.has(r.row.stripeSubscriptionId!) && ['trialing', 'active', 'past_due'].includes(r.row.status)) {
      try {
        seen.set(
          r.row.stripeSubscriptionId!,
          await stripe.client.subscriptions.retrieve(r.row.stripeSubscriptionId!),
        )
      } catch (err) {
        out.push({
          workspaceId: r.row.workspaceId,
          subscriptionId: r.row.stripeSubscriptionId!,
          kind: 'unreachable',
          stripe: stripeMessage(err),
          atrium: r.row.status,
        })
      }
    }
  const customers = await customersOf(
    db,
    [...seen.values()].map((s) => viewOf(s).customerId),
  )
  for (const sub of seen.values()) {
    const v = viewOf(sub)
    const ours = bySub.get(v.id)
    const status = statusOf(v.stripeStatus)
    if (!ours) {
      const ws = customers.get(v.customerId) ?? v.workspaceId
      // An ended subscription that a later one replaced is history, not a difference.
      if (status !== 'canceled' && status !== null)
        out.push({
          workspaceId: ws,
          subscriptionId: v.id,
          kind: 'unknown',
          stripe: v.stripeStatus,
          atrium: 'no record',
        })
      continue
    }
    const base = { workspaceId: ours.row.workspaceId, subscriptionId: v.id }
    if (status && status !== ours.row.status)
      out.push({ ...base, kind: 'status', stripe: v.stripeStatus, atrium: ours.row.status })
    if (status && status !== 'canceled' && v.priceId !== ours.row.stripePriceId)
      out.push({
        ...base,
        kind: 'plan',
        stripe: v.priceId ?? '',
        atrium: `${ours.planKey} (${ours.row.stripePriceId ?? ''})`,
      })
    if (status && status !== 'canceled' && v.cancelAtPeriodEnd !== ours.row.cancelAtPeriodEnd)
      out.push({
        ...base,
        kind: 'cancel_at_period_end',
        stripe: String(v.cancelAtPeriodEnd),
        atrium: String(ours.row.cancelAtPeriodEnd),
      })
    if (
      status &&
      status !== 'canceled' &&
      v.currentPeriodEnd?.getTime() !== ours.row.currentPeriodEnd?.getTime()
    )
      out.push({
        ...base,
        kind: 'period_end',
        stripe: v.currentPeriodEnd?.toISOString() ?? '',
        atrium: ours.row.currentPeriodEnd?.toISOString() ?? '',
      })
  }
  return out
}

async function customersOf(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map()
  const rows = await db
    .select({ customer: workspaceBilling.stripeCustomerId, workspaceId: workspaceBilling.workspaceId })
    .from(workspaceBilling)
    .where(and(inArray(workspaceBilling.stripeCustomerId, ids)))
  return new Map(rows.map((r) => [r.customer!, r.workspaceId]))
}
