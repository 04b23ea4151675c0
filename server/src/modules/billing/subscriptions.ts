import { and, eq } from 'drizzle-orm'
import type { BillingInterval, PlanChoice } from '../../../../contracts/billing.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { withWorkspace, workspaces } from '../../kernel/tenancy/index.ts'
import { setWorkspacePlan } from './plans.ts'
import { workspaceBilling } from './schema.ts'
import {
  type BillingStripe,
  billingStripe,
  callStripe,
  requireStripe,
  stripeNotConfigured,
} from './stripe-client.ts'
import {
  type ApplyDeps,
  applySubscription,
  type BillingRow,
  lockBillingRow,
  type PlanRow,
  planByKey,
  priceOf,
  viewOf,
} from './subscriptions-state.ts'

/**
 * A workspace's subscription to the operator's plans, through the operator's Stripe account: Checkout
 * in subscription mode, proration previews, plan changes, cancel at period end and resume, the
 * Customer Portal and Stripe's invoices. Every call Stripe could repeat carries an idempotency key made
 * of our ids (and, for changes, the version of the state they start from), so a retry never charges
 * twice. What Stripe answers is applied at once through the webhook's own path (`applySubscription`);
 * the webhook that follows then finds nothing to change.
 */
export type SubscriptionDeps = ApplyDeps & { kernel: Pick<Kernel, 'config'>; appUrl: string }

const LIVE = new Set(['trialing', 'active', 'past_due'])
const billingUrl = (appUrl: string, q = '') => `${appUrl}/settings/billing${q}`

export function depsOf(kernel: Kernel): SubscriptionDeps {
  return {
    kernel,
    appUrl: kernel.config.appUrl,
    events: kernel.events,
    jobs: kernel.jobs,
    graceDays: kernel.config.billingGraceDays,
  }
}

async function readRow(ctx: ServiceContext): Promise<BillingRow> {
  return withWorkspace(ctx, (tx) => lockBillingRow(tx, ctx.workspaceId))
}

async function choosePlan(ctx: ServiceContext, choice: PlanChoice): Promise<PlanRow> {
  const plan = await withWorkspace(ctx, (tx) => planByKey(tx, choice.planKey))
  if (!plan) throw problems.badRequest(`No plan is offered with the key ${choice.planKey}.`, 'planKey')
  return plan
}

function priceFor(plan: PlanRow, interval: BillingInterval): string {
  const price = priceOf(plan, interval)
  if (!price)
    throw problems.conflict(
      `The ${plan.name} plan is not sold ${interval === 'year' ? 'yearly' : 'monthly'} through Stripe.`,
      'interval',
    )
  return price
}

const live = (row: BillingRow) => !!row.stripeSubscriptionId && LIVE.has(row.status)

function needSubscription(row: BillingRow): string {
  if (!live(row))
    throw problems.conflict(
      'The workspace has no active subscription: subscribe through checkout first.',
      'subscription',
    )
  return row.stripeSubscriptionId!
}

/** A key that changes whenever the subscription's recorded state does: a retry of the same change reuses it. */
const versionOf = (row: BillingRow) => (row.stateUpdatedAt ?? row.updatedAt).getTime()

/** Stripe's customer for the workspace, made once (the idempotency key is the workspace id) and kept. */
async function ensureCustomer(ctx: ServiceContext, stripe: BillingStripe, row: BillingRow): Promise<string> {
  if (row.stripeCustomerId) return row.stripeCustomerId
  const [ws] = await ctx.db
    .select({ name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.id, ctx.workspaceId))
  const customer = await callStripe(() =>
    stripe.client.customers.create(
      {
        name: ws?.name,
        email: ctx.meta.actorLabel ?? undefined,
        metadata: { atrium_workspace: ctx.workspaceId },
      },
      { idempotencyKey: `atrium-billing-customer-${ctx.workspaceId}` },
    ),
  )
  await withWorkspace(ctx, async (tx) => {
    await lockBillingRow(tx, ctx.workspaceId)
    await tx
      .update(workspaceBilling)
      .set({ stripeCustomerId: customer.id, updatedAt: new Date() })
      .where(and(eq(workspaceBilling.workspaceId, ctx.workspaceId)))
  })
  return customer.id
}

/** Stripe Checkout in subscription mode for a plan; the trial (the plan's days) only for a first subscription. */
export async function startCheckout(
  ctx: ServiceContext,
  deps: SubscriptionDeps,
  choice: PlanChoice,
): Promise<{ url: string }> {
  assertCan(ctx.actor, 'billing:manage')
  const stripe = requireStripe(deps.kernel)
  const plan = await choosePlan(ctx, choice)
  const interval = choice.interval ?? 'month'
  const price = priceFor(plan, interval)
  const row = await readRow(ctx)
  if (live(row))
    throw problems.conflict('The workspace already has a subscription: change its plan instead.', 'planKey')
  const customer = await ensureCustomer(ctx, stripe, row)
  const firstTime = !row.stripeSubscriptionId
  const metadata = { atrium_workspace: ctx.workspaceId, atrium_plan: plan.key }
  // Our ids, and the quarter hour: a retried click gets the same session, a later one a fresh one.
  const slot = Math.floor(Date.now() / 900_000)
  const session = await callStripe(() =>
    stripe.client.checkout.sessions.create(
      {
        mode: 'subscription',
        customer,
        client_reference_id: ctx.workspaceId,
        line_items: [{ price, quantity: 1 }],
        subscription_data: {
          metadata,
          ...(firstTime && plan.trialDays > 0 ? { trial_period_days: plan.trialDays } : {}),
        },
        metadata,
        success_url: billingUrl(deps.appUrl, '?checkout=success'),
        cancel_url: billingUrl(deps.appUrl, '?checkout=canceled'),
      },
      { idempotencyKey: `atrium-billing-checkout-${ctx.workspaceId}-${plan.id}-${interval}-${slot}` },
    ),
  )
  if (!session.url) throw problems.unavailable('Stripe answered a Checkout Session without a URL.')
  await withWorkspace(ctx, (tx) =>
    record(tx, ctx.workspaceId, ctx.meta, {
      action: 'billing.checkout_started',
      targetType: 'workspace_billing',
      targetId: ctx.workspaceId,
      targetLabel: plan.name,
      after: { plan: plan.key, interval, trialDays: firstTime ? plan.trialDays : 0, session: session.id },
    }),
  )
  return { url: session.url }
}

export type ProrationPreview = {
  amountDue: number
  currency: string
  lines: { description: string; amount: number; periodStart: string | null; periodEnd: string | null }[]
}

const iso = (s: number | null | undefined) => (s ? new Date(s * 1000).toISOString() : null)

/** What moving to another plan costs now: Stripe's proration (`invoices.createPreview`), nothing changed. */
export async function previewChange(
  ctx: ServiceContext,
  deps: SubscriptionDeps,
  choice: PlanChoice,
): Promise<ProrationPreview> {
  assertCan(ctx.actor, 'billing:manage')
  const stripe = requireStripe(deps.kernel)
  const plan = await choosePlan(ctx, choice)
  const row = await readRow(ctx)
  const subId = needSubscription(row)
  const price = priceFor(plan, choice.interval ?? row.interval ?? 'month')
  const sub = await callStripe(() => stripe.client.subscriptions.retrieve(subId))
  const inv = await callStripe(() =>
    stripe.client.invoices.createPreview({
      customer: row.stripeCustomerId!,
      subscription: subId,
      subscription_details: {
        items: [{ id: sub.items.data[0]!.id, price }],
        proration_behavior: 'always_invoice',
      },
    }),
  )
  return {
    amountDue: inv.amount_due,
    currency: inv.currency.toUpperCase(),
    lines: inv.lines.data.map((l) => ({
      description: l.description ?? '',
      amount: l.amount,
      periodStart: iso(l.period?.start),
      periodEnd: iso(l.period?.end),
    })),
  }
}

async function applyNow(
  ctx: ServiceContext,
  deps: SubscriptionDeps,
  sub: Parameters<typeof viewOf>[0],
  readAt: Date,
) {
  await withWorkspace(ctx, (tx) =>
    applySubscription(tx, deps, ctx.meta, ctx.workspaceId, viewOf(sub), readAt),
  )
}

/**
 * Upgrade or downgrade with Stripe's proration, invoiced at once (`always_invoice`). A plan without a
 * Stripe price (the free plan) cancels the subscription at the end of the period: what was paid for is
 * kept, and `customer.subscription.deleted` then moves the workspace to the free plan. Without a
 * subscription, only the default (free) plan can be chosen here; other plans go through checkout.
 */
export async function changePlan(
  ctx: ServiceContext,
  deps: SubscriptionDeps,
  choice: PlanChoice,
): Promise<void> {
  assertCan(ctx.actor, 'billing:manage')
  const plan = await choosePlan(ctx, choice)
  const row = await readRow(ctx)
  const free = !plan.stripePriceMonthly && !plan.stripePriceYearly
  if (!live(row)) {
    if (!plan.isDefault && !free && !billingStripe(deps.kernel)) throw stripeNotConfigured()
    if (!plan.isDefault)
      throw problems.conflict(
        free
          ? 'Only the operator can put a workspace on this plan.'
          : 'The workspace has no subscription: subscribe through checkout.',
        'planKey',
      )
    if (row.planId === plan.id) return
    await withWorkspace(ctx, async (tx) => {
      await setWorkspacePlan(tx, ctx.meta, ctx.workspaceId, { plan }, 'owner', deps.events)
      await tx
        .update(workspaceBilling)
        .set({ status: 'free', interval: null })
        .where(eq(workspaceBilling.workspaceId, ctx.workspaceId))
    })
    return
  }
  const stripe = requireStripe(deps.kernel)
  const subId = row.stripeSubscriptionId!
  const readAt = new Date()
  if (free) {
    const sub = await callStripe(() =>
      stripe.client.subscriptions.update(
        subId,
        { cancel_at_period_end: true, expand: ['default_payment_method'] },
        { idempotencyKey: `atrium-billing-cancel-${subId}-${versionOf(row)}` },
      ),
    )
    return applyNow(ctx, deps, sub, readAt)
  }
  const price = priceFor(plan, choice.interval ?? row.interval ?? 'month')
  if (price === row.stripePriceId && !row.cancelAtPeriodEnd) return
  const current = await callStripe(() => stripe.client.subscriptions.retrieve(subId))
  const sub = await callStripe(() =>
    stripe.client.subscriptions.update(
      subId,
      {
        items: [{ id: current.items.data[0]!.id, price }],
        proration_behavior: 'always_invoice',
        cancel_at_period_end: false,
        metadata: { atrium_plan: plan.key },
        expand: ['default_payment_method'],
      },
      { idempotencyKey: `atrium-billing-change-${subId}-${price}-${versionOf(row)}` },
    ),
  )
  return applyNow(ctx, deps, sub, readAt)
}

/** Cancel at the end of the period (`cancel_at` stays until then; resume withdraws it). */
export async function cancelAtPeriodEnd(
  ctx: ServiceContext,
  deps: SubscriptionDeps,
  resume = false,
): Promise<void> {
  assertCan(ctx.actor, 'billing:manage')
  const stripe = requireStripe(deps.kernel)
  const row = await readRow(ctx)
  const subId = needSubscription(row)
  if (row.cancelAtPeriodEnd === !resume) return
  const readAt = new Date()
  const sub = await callStripe(() =>
    stripe.client.subscriptions.update(
      subId,
      { cancel_at_period_end: !resume, expand: ['default_payment_method'] },
      { idempotencyKey: `atrium-billing-${resume ? 'resume' : 'cancel'}-${subId}-${versionOf(row)}` },
    ),
  )
  await applyNow(ctx, deps, sub, readAt)
}

/** A Stripe Customer Portal session (cards, invoices), returning to the billing page. */
export async function portalSession(ctx: ServiceContext, deps: SubscriptionDeps): Promise<{ url: string }> {
  assertCan(ctx.actor, 'billing:manage')
  const stripe = requireStripe(deps.kernel)
  const row = await readRow(ctx)
  if (!row.stripeCustomerId)
    throw problems.conflict(
      'The workspace has no Stripe customer yet: subscribe to a plan first.',
      'subscription',
    )
  const s = await callStripe(() =>
    stripe.client.billingPortal.sessions.create({
      customer: row.stripeCustomerId!,
      return_url: billingUrl(deps.appUrl),
    }),
  )
  return { url: s.url }
}

export type BillingInvoice = {
  id: string
  number: string | null
  status: string | null
  amountDue: number
  amountPaid: number
  currency: string
  createdAt: string
  hostedInvoiceUrl: string | null
  invoicePdf: string | null
}

/** The workspace's invoices at Stripe, newest first (an empty list before any subscription). */
export async function listInvoices(
  ctx: ServiceContext,
  deps: SubscriptionDeps,
): Promise<{ data: BillingInvoice[] }> {
  assertCan(ctx.actor, 'billing:read')
  const stripe = requireStripe(deps.kernel)
  const row = await readRow(ctx)
  if (!row.stripeCustomerId) return { data: [] }
  const list = await callStripe(() =>
    stripe.client.invoices.list({ customer: row.stripeCustomerId!, limit: 24 }),
  )
  return {
    data: list.data.map((i) => ({
      id: i.id!,
      number: i.number ?? null,
      status: i.status ?? null,
      amountDue: i.amount_due,
      amountPaid: i.amount_paid,
      currency: i.currency.toUpperCase(),
      createdAt: new Date(i.created * 1000).toISOString(),
      hostedInvoiceUrl: i.hosted_invoice_url ?? null,
      invoicePdf: i.invoice_pdf ?? null,
    })),
  }
}
