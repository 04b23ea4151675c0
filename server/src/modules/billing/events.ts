import type { LimitOverrides } from '../../../../contracts/billing.ts'

declare module '../../kernel/events/index.ts' {
  interface DomainEvents {
    /** A workspace was put on a plan without Stripe (the operator, or its owner moving to the free plan). */
    'billing.plan_changed': {
      planKey: string
      planName: string
      previousPlanId: string | null
      source: string
    }
    /** The operator set or cleared a workspace's limit overrides. */
    'billing.limits_changed': { limitOverrides: LimitOverrides | null; source: string }
  }
}
