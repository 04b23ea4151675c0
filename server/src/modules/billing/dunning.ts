import { and, eq, lte } from 'drizzle-orm'
import type { AuditMeta } from '../../kernel/audit/index.ts'
import { record } from '../../kernel/audit/index.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { job } from '../../kernel/module.ts'
import { isStripeMissing } from '../../kernel/stripe/index.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { plans, workspaceBilling } from './schema.ts'
import { type BillingStripe, billingStripe } from './stripe-client.ts'
import { type ApplyDeps, applySubscription, DUNNING_QUEUE, viewOf } from './subscriptions-state.ts'

const DAY_MS = 86_400_000
/** The dunning emails: step 1, 2, 3 on these days of the grace period. */
export const DUNNING_DAYS = [0, 3, 7] as const

/** The step due `now` for a subscription past due since `since`: 1 (day 0), 2 (day 3), 3 (day 7). */
export function dueStep(since: Date, now: Date): number {
  const days = (now.getTime() - since.getTime()) / DAY_MS
  return days >= 7 ? 3 : days >= 3 ? 2 : 1
}

export type DunningReport = { notices: number; canceled: number; recovered: number; failed: number }

const meta: AuditMeta = {
  actorId: null,
  actorLabel: 'Billing (dunning)',
  ipAddress: null,
  userAgent: null,
  requestId: null,
}

/**
 * One pass of dunning at `now` over the past-due workspaces (or one of them): each gets the latest
 * step's email that it has not had (a conditional update on `dunning_step`, so two runs, or a retried
 * job, send each step once). Once the grace period is over the subscription is read from Stripe: paid
 * meanwhile, it is applied as it is; still unpaid, it is canceled at Stripe (idempotency key from the
 * subscription id) and the workspace moves to the free plan. Nothing is deleted.
 */
export async function runDunning(kernel: Kernel, now = new Date(), only?: string): Promise<DunningReport> {
  const db = kernel.database.db
  const stripe = billingStripe(kernel)
  const deps: ApplyDeps = {
    events: kernel.events,
    jobs: kernel.jobs,
    graceDays: kernel.config.billingGraceDays,
  }
  const report: DunningReport = { notices: 0, canceled: 0, recovered: 0, failed: 0 }
  // Across workspaces as the owner (the table's row-level security is enabled, not forced, for this).
  const rows = await db
    .select()
    .from(workspaceBilling)
    .where(
      and(
        eq(workspaceBilling.status, 'past_due'),
        lte(workspaceBilling.pastDueSince, now),
        only ? eq(workspaceBilling.workspaceId, only) : undefined,
      ),
    )
  for (const row of rows) {
    try {
      if (
        row.graceEndsAt &&
        row.graceEndsAt.getTime() <= now.getTime() &&
        stripe &&
        row.stripeSubscriptionId
      ) {
        const outcome = await endGrace(kernel, stripe, deps, row.workspaceId, row.stripeSubscriptionId)
        if (outcome === 'canceled') report.canceled++
        else if (outcome === 'recovered') report.recovered++
        continue
      }
      const step = dueStep(row.pastDueSince!, now)
      if (step <= row.dunningStep) continue
      const sent = await withWorkspace({ db, workspaceId: row.workspaceId }, async (tx) => {
        const updated = await tx
          .update(workspaceBilling)
          .set({ dunningStep: step })
          .where(
            and(
              eq(workspaceBilling.workspaceId, row.workspaceId),
              eq(workspaceBilling.status, 'past_due'),
              eq(workspaceBilling.dunningStep, row.dunningStep),
            ),
          )
          .returning({ planId: workspaceBilling.planId, graceEndsAt: workspaceBilling.graceEndsAt })
        if (!updated.length) return false
        const [plan] = await tx
          .select({ name: plans.name })
          .from(plans)
          .where(eq(plans.id, updated[0]!.planId))
        const day = DUNNING_DAYS[step - 1]!
        await record(tx, row.workspaceId, meta, {
          action: 'billing.dunning_notice',
          targetType: 'workspace_billing',
          targetId: row.workspaceId,
          targetLabel: plan?.name ?? null,
          after: { step, day },
        })
        await kernel.events.emit(tx, 'billing.dunning_notice', row.workspaceId, {
          step,
          day,
          planName: plan?.name ?? 'your plan',
          graceEndsAt: updated[0]!.graceEndsAt?.toISOString() ?? null,
        })
        return true
      })
      if (sent) report.notices++
    } catch (err) {
      report.failed++
      kernel.log.error({ err, workspaceId: row.workspaceId }, 'dunning failed for a workspace')
    }
  }
  return report
}

async function endGrace(
  kernel: Kernel,
  stripe: BillingStripe,
  deps: ApplyDeps,
  workspaceId: string,
  subscriptionId: string,
): Promise<'canceled' | 'recovered' | 'none'> {
  const readAt = new Date()
  let sub: Awaited<ReturnType<BillingStripe['client']['subscriptions']['retrieve']>>
  try {
    sub = await stripe.client.subscriptions.retrieve(subscriptionId, { expand: ['default_payment_method'] })
  } catch (err) {
    if (!isStripeMissing(err)) throw err
    return 'none'
  }
  if (sub.status === 'past_due' || sub.status === 'unpaid') {
    sub = await stripe.client.subscriptions.cancel(
      subscriptionId,
      { expand: ['default_payment_method'] },
      { idempotencyKey: `atrium-billing-grace-cancel-${subscriptionId}` },
    )
  }
  const changes = await withWorkspace({ db: kernel.database.db, workspaceId }, (tx) =>
    applySubscription(
      tx,
      deps,
      { ...meta, actorLabel: 'Billing (grace period ended)' },
      workspaceId,
      viewOf(sub),
      readAt,
    ),
  )
  return sub.status === 'canceled' ? 'canceled' : changes.length ? 'recovered' : 'none'
}

/**
 * `billing.dunning`: every 15 minutes, and right after a subscription goes past due (for the day-0
 * email). `now` may be given (an ISO time) to run the pass as of then.
 */
export const dunningJob = job<{ now?: string; workspaceId?: string }>(
  DUNNING_QUEUE,
  async (data, kernel) => {
    const report = await runDunning(kernel, data.now ? new Date(data.now) : new Date(), data.workspaceId)
    if (report.notices || report.canceled || report.recovered || report.failed)
      kernel.log.info(report, 'dunning pass')
  },
  { cron: '*/15 * * * *', retryLimit: 3 },
)
