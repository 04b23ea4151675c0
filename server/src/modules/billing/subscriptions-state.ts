import { eq, or } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { BillingInterval, BillingStatus, PaymentMethodSummary } from '../../../../contracts/billing.ts'
import type { AuditMeta } from '../../kernel/audit/index.ts'
import { record } from '../../kernel/audit/index.ts'
import type { Executor, Tx } from '../../kernel/db/index.ts'
import { entitlements } from '../../kernel/entitlements/index.ts'
import type { EventSink } from '../../kernel/events/index.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import { defaultPlanRow, findPlanByKey, type PlanRow } from './plans.ts'
import { plans, workspaceBilling } from './schema.ts'
import './subscriptions-events.ts'

export type { PlanRow }
export type BillingRow = typeof workspaceBilling.$inferSelect

export const DUNNING_QUEUE = 'billing.dunning'
const DAY_MS = 86_400_000

/** The plan a workspace may pick by key (archived plans are not offered). */
export const planByKey = (tx: Executor, key: string) => findPlanByKey(tx, key)

/** The free plan every workspace falls back to. */
export async function defaultPlan(tx: Executor): Promise<PlanRow> {
  const p = await defaultPlanRow(tx)
  if (!p) throw new Error('no default plan: the billing module syncs one at start')
  return p
}

/** The plan (archived or not: a subscriber keeps it) that sells this Stripe price. */
export async function planByPrice(
  tx: Executor,
  priceId: string,
): Promise<{ plan: PlanRow; interval: BillingInterval } | null> {
  const [p] = await tx
    .select()
    .from(plans)
    .where(or(eq(plans.stripePriceMonthly, priceId), eq(plans.stripePriceYearly, priceId)))
  if (!p) return null
  return { plan: p, interval: p.stripePriceYearly === priceId ? 'year' : 'month' }
}

export const priceOf = (plan: PlanRow, interval: BillingInterval) =>
  interval === 'year' ? plan.stripePriceYearly : plan.stripePriceMonthly

/** The workspace's billing row, locked for the change, made on the default plan if it has none. */
export async function lockBillingRow(tx: Tx, workspaceId: string): Promise<BillingRow> {
  const [row] = await tx
    .select()
    .from(workspaceBilling)
    .where(eq(workspaceBilling.workspaceId, workspaceId))
    .for('update')
  if (row) return row
  const free = await defaultPlan(tx)
  await tx.insert(workspaceBilling).values({ workspaceId, planId: free.id }).onConflictDoNothing()
  const [made] = await tx
    .select()
    .from(workspaceBilling)
    .where(eq(workspaceBilling.workspaceId, workspaceId))
    .for('update')
  return made!
}

/** What Atrium keeps of a Stripe subscription. */
export type SubscriptionView = {
  id: string
  customerId: string
  stripeStatus: Stripe.Subscription.Status
  priceId: string | null
  currentPeriodEnd: Date | null
  cancelAtPeriodEnd: boolean
  trialEnd: Date | null
  paymentMethod: PaymentMethodSummary | null
  workspaceId: string | null
}

const toDate = (s: number | null | undefined) => (s ? new Date(s * 1000) : null)
const idOf = (v: string | { id: string } | null | undefined) =>
  v == null ? null : typeof v === 'string' ? v : v.id

export function viewOf(sub: Stripe.Subscription): SubscriptionView {
  const item = sub.items.data[0]
  const pm = typeof sub.default_payment_method === 'object' ? sub.default_payment_method : null
  return {
    id: sub.id,
    customerId: idOf(sub.customer)!,
    stripeStatus: sub.status,
    priceId: item?.price.id ?? null,
    currentPeriodEnd: toDate(item?.current_period_end),
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    trialEnd: sub.status === 'trialing' ? toDate(sub.trial_end) : null,
    paymentMethod: pm?.card
      ? {
          brand: pm.card.brand,
          last4: pm.card.last4,
          expMonth: pm.card.exp_month ?? null,
          expYear: pm.card.exp_year ?? null,
        }
      : null,
    workspaceId: sub.metadata?.atrium_workspace ?? null,
  }
}

/** Stripe's subscription statuses as Atrium's: null keeps the current state (an unfinished first payment). */
export function statusOf(s: Stripe.Subscription.Status): BillingStatus | null {
  switch (s) {
    case 'trialing':
      return 'trialing'
    case 'active':
      return 'active'
    case 'past_due':
    case 'unpaid':
      return 'past_due'
    case 'canceled':
    case 'incomplete_expired':
    case 'paused':
      return 'canceled'
    default:
      return null
  }
}

export type ApplyDeps = { events: EventSink; jobs: Jobs; graceDays: number }

/**
 * Brings a workspace's billing to a subscription as Stripe holds it (read at `readAt`), in the caller's
 * transaction: its plan (by the price; the default plan once canceled), status, period, cancellation,
 * trial and card. Entering past_due starts the grace period and queues the dunning job; leaving it ends
 * both. A read older than the last one applied changes nothing, so concurrent deliveries cannot go
 * back. Returns the changes made (empty: none), each audited and emitted as one event.
 */
export async function applySubscription(
  tx: Tx,
  deps: ApplyDeps,
  meta: AuditMeta,
  workspaceId: string,
  view: SubscriptionView,
  readAt: Date,
): Promise<string[]> {
  const row = await lockBillingRow(tx, workspaceId)
  if (row.stateUpdatedAt && row.stateUpdatedAt.getTime() > readAt.getTime()) return ['stale']
  const status = statusOf(view.stripeStatus)
  if (!status) return ['incomplete']
  const live = status !== 'canceled'
  // Another subscription than the one recorded: a live one replaces an ended one; an old one's news is ignored.
  if (row.stripeSubscriptionId && row.stripeSubscriptionId !== view.id) {
    const current = row.status === 'trialing' || row.status === 'active' || row.status === 'past_due'
    if (!live || current) return ['other_subscription']
  }
  const changes: string[] = []
  const fromPlan = (await tx.select().from(plans).where(eq(plans.id, row.planId)))[0]!
  let plan = fromPlan
  let interval: BillingInterval | null = row.interval
  if (live) {
    const found = view.priceId ? await planByPrice(tx, view.priceId) : null
    if (found) {
      plan = found.plan
      interval = found.interval
    } else changes.push('unknown_price')
  } else {
    plan = await defaultPlan(tx)
    interval = null
  }
  const now = new Date()
  const pastDue =
    status === 'past_due'
      ? row.status === 'past_due' && row.pastDueSince
        ? { pastDueSince: row.pastDueSince, graceEndsAt: row.graceEndsAt, dunningStep: row.dunningStep }
        : {
            pastDueSince: now,
            graceEndsAt: new Date(now.getTime() + deps.graceDays * DAY_MS),
            dunningStep: 0,
          }
      : { pastDueSince: null, graceEndsAt: null, dunningStep: 0 }
  const next = {
    planId: plan.id,
    status,
    interval,
    stripeCustomerId: view.customerId,
    stripeSubscriptionId: view.id,
    stripePriceId: view.priceId,
    currentPeriodEnd: live ? view.currentPeriodEnd : null,
    cancelAtPeriodEnd: live && view.cancelAtPeriodEnd,
    trialEndsAt: view.trialEnd,
    paymentMethodSummary: view.paymentMethod ?? row.paymentMethodSummary,
    ...pastDue,
  }
  await tx
    .update(workspaceBilling)
    .set({ ...next, stateUpdatedAt: readAt, updatedAt: now })
    .where(eq(workspaceBilling.workspaceId, workspaceId))

  const base = {
    planKey: plan.key,
    planName: plan.name,
    previousPlanKey: fromPlan.key,
    status,
    previousStatus: row.status,
    subscriptionId: view.id,
  }
  const audit = (action: string, before: Record<string, unknown>, after: Record<string, unknown>) =>
    record(tx, workspaceId, meta, {
      action,
      targetType: 'workspace_billing',
      targetId: workspaceId,
      targetLabel: plan.name,
      before,
      after,
    })
  if (plan.id !== fromPlan.id) {
    changes.push('plan')
    await audit('billing.plan_changed', { plan: fromPlan.key }, { plan: plan.key, interval })
    await deps.events.emit(tx, 'billing.subscription_plan_changed', workspaceId, base)
  }
  if (status !== row.status) {
    changes.push(status)
    await audit('billing.status_changed', { status: row.status }, { status })
    await deps.events.emit(tx, 'billing.subscription_status_changed', workspaceId, {
      ...base,
      graceEndsAt: next.graceEndsAt?.toISOString() ?? null,
      trialEndsAt: next.trialEndsAt?.toISOString() ?? null,
    })
    if (status === 'past_due') await deps.jobs.send(DUNNING_QUEUE, { workspaceId }, tx)
  }
  if (live && next.cancelAtPeriodEnd !== row.cancelAtPeriodEnd) {
    changes.push(next.cancelAtPeriodEnd ? 'cancel_scheduled' : 'resumed')
    await audit(
      next.cancelAtPeriodEnd ? 'billing.cancel_scheduled' : 'billing.resumed',
      { cancelAtPeriodEnd: row.cancelAtPeriodEnd },
      { cancelAtPeriodEnd: next.cancelAtPeriodEnd },
    )
    await deps.events.emit(
      tx,
      next.cancelAtPeriodEnd ? 'billing.subscription_cancel_scheduled' : 'billing.subscription_resumed',
      workspaceId,
      {
        ...base,
        currentPeriodEnd: next.currentPeriodEnd?.toISOString() ?? null,
      },
    )
  }
  const moved =
    row.stripeSubscriptionId !== next.stripeSubscriptionId ||
    row.stripePriceId !== next.stripePriceId ||
    row.currentPeriodEnd?.getTime() !== next.currentPeriodEnd?.getTime() ||
    row.trialEndsAt?.getTime() !== next.trialEndsAt?.getTime()
  if (moved && !changes.length) changes.push('period')
  // The session answer carries the status from the same cache: any change, not only a new plan.
  if (changes.length || plan.id !== fromPlan.id) entitlements.invalidate(workspaceId)
  return changes
}
