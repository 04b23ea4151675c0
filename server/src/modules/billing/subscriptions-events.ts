import type { BillingStatus } from '../../../../contracts/billing.ts'
import { type DomainEvent, type EventType, subscribe } from '../../kernel/events/index.ts'
import type { Kernel } from '../../kernel/kernel.ts'
import { emailWorkspaceOwners, type OwnerNotice } from '../../kernel/mail/owners.ts'

type SubscriptionRef = {
  planKey: string
  planName: string
  previousPlanKey: string
  status: BillingStatus
  previousStatus: BillingStatus
  subscriptionId: string
}

declare module '../../kernel/events/index.ts' {
  interface DomainEvents {
    /** The workspace's plan changed through its Stripe subscription (upgrade, downgrade, or back to the free plan). */
    'billing.subscription_plan_changed': SubscriptionRef
    /** The subscription's state changed: trialing, active, past_due, canceled (then on the free plan). */
    'billing.subscription_status_changed': SubscriptionRef & {
      graceEndsAt: string | null
      trialEndsAt: string | null
    }
    /** The owner asked to cancel at the end of the period. */
    'billing.subscription_cancel_scheduled': SubscriptionRef & { currentPeriodEnd: string | null }
    /** A scheduled cancellation was withdrawn. */
    'billing.subscription_resumed': SubscriptionRef & { currentPeriodEnd: string | null }
    /** Stripe's reminder that the trial ends (three days ahead). */
    'billing.trial_ending': { planKey: string; planName: string; trialEndsAt: string | null }
    /** A dunning step of a past-due subscription: step 1, 2, 3 on days 0, 3 and 7 of the grace period. */
    'billing.dunning_notice': { step: number; day: number; planName: string; graceEndsAt: string | null }
  }
}

export const subscriptionEvents = [
  'billing.subscription_plan_changed',
  'billing.subscription_status_changed',
  'billing.subscription_cancel_scheduled',
  'billing.subscription_resumed',
  'billing.trial_ending',
  'billing.dunning_notice',
] as const satisfies readonly EventType[]

type AnyEvent = DomainEvent<(typeof subscriptionEvents)[number]>

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'soon')

/** The owners' email for an event, or null when it needs none (a status change another email covers). */
export function noticeOf(e: AnyEvent, appUrl: string): OwnerNotice | null {
  const action = { label: 'Open billing', url: `${appUrl}/settings/billing` }
  switch (e.type) {
    case 'billing.subscription_plan_changed': {
      const p = e.payload as DomainEvent<'billing.subscription_plan_changed'>['payload']
      if (p.status === 'canceled') return null
      return {
        subject: `Your workspace is now on ${p.planName}`,
        lines: [`The workspace moved from the ${p.previousPlanKey} plan to ${p.planName}.`],
        action,
      }
    }
    case 'billing.subscription_status_changed': {
      const p = e.payload as DomainEvent<'billing.subscription_status_changed'>['payload']
      if (p.status === 'canceled')
        return {
          subject: `Your subscription ended: the workspace is on ${p.planName}`,
          lines: [
            `The subscription was canceled, and the workspace is now on the ${p.planName} plan with its limits.`,
            'Nothing was deleted: everything stays readable, and items over the new limits can be added again after upgrading.',
          ],
          action: { label: 'Choose a plan', url: action.url },
        }
      if (p.status === 'active' && p.previousStatus === 'past_due')
        return {
          subject: 'Payment received: your subscription is active again',
          lines: [`Thank you. The ${p.planName} plan continues.`],
          action,
        }
      if (p.status === 'active' && p.previousStatus === 'trialing')
        return {
          subject: `Your ${p.planName} trial has ended`,
          lines: [`The first payment was made; ${p.planName} continues.`],
          action,
        }
      if (
        (p.status === 'active' || p.status === 'trialing') &&
        (p.previousStatus === 'free' || p.previousStatus === 'canceled')
      )
        return {
          subject: `Welcome to ${p.planName}`,
          lines: [
            p.status === 'trialing'
              ? `Your ${p.planName} trial has started; it ends on ${day(p.trialEndsAt)}.`
              : `Your ${p.planName} subscription is active.`,
          ],
          action,
        }
      return null // past_due: the dunning notices say it
    }
    case 'billing.subscription_cancel_scheduled': {
      const p = e.payload as DomainEvent<'billing.subscription_cancel_scheduled'>['payload']
      return {
        subject: 'Your subscription will end at the end of the period',
        lines: [
          `${p.planName} stays until ${day(p.currentPeriodEnd)}; the workspace then moves to the free plan. Nothing is deleted.`,
          'You can resume the subscription until then.',
        ],
        action,
      }
    }
    case 'billing.subscription_resumed': {
      const p = e.payload as DomainEvent<'billing.subscription_resumed'>['payload']
      return {
        subject: 'Your subscription continues',
        lines: [`The cancellation was withdrawn; ${p.planName} renews on ${day(p.currentPeriodEnd)}.`],
        action,
      }
    }
    case 'billing.trial_ending': {
      const p = e.payload as DomainEvent<'billing.trial_ending'>['payload']
      return {
        subject: `Your ${p.planName} trial ends on ${day(p.trialEndsAt)}`,
        lines: [
          `The trial ends on ${day(p.trialEndsAt)}; the card on file is then charged. Check it in the billing portal.`,
        ],
        action,
      }
    }
    case 'billing.dunning_notice': {
      const p = e.payload as DomainEvent<'billing.dunning_notice'>['payload']
      const when = day(p.graceEndsAt)
      const first = p.step === 1
      return {
        subject: first
          ? 'Payment failed: update your card'
          : `Reminder (day ${p.day}): your payment is still due`,
        lines: [
          first
            ? `We could not charge the card for your ${p.planName} subscription.`
            : `The payment for your ${p.planName} subscription is still due.`,
          `Update the card in the billing portal before ${when}; after that the subscription is canceled and the workspace moves to the free plan (nothing is deleted).`,
        ],
        action: { label: 'Update payment method', url: action.url },
      }
    }
  }
}

async function emailOwners(e: AnyEvent, kernel: Kernel) {
  if (!e.workspaceId) return
  const n = noticeOf(e, kernel.config.appUrl)
  if (n) await emailWorkspaceOwners({ db: kernel.database.db, jobs: kernel.jobs }, e.workspaceId, n)
}

/** Owners are emailed by these subscribers, after the change commits: never from the webhook or the request. */
export const subscriptionSubscribers = subscriptionEvents.map((type) =>
  subscribe<typeof type, Kernel>(type, `billing.owner-email.${type}`, (e, kernel) =>
    emailOwners(e as AnyEvent, kernel),
  ),
)
