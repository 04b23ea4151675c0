import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import type {
  BillingInterval,
  BillingStatus,
  LimitOverrides,
  PaymentMethodSummary,
  PlanFeatures,
  PlanLimits,
} from '../../../../contracts/billing.ts'
import { users } from '../../kernel/auth/schema.ts'
import { workspaces } from '../../kernel/tenancy/schema.ts'

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 })

/**
 * The plans of the installation (not tenant data: no workspace, no row-level security; the
 * application role may only read them). Plans from the plans file are `source = 'config'` and
 * read-only in the operator area; exactly one plan is the default a workspace falls back to.
 */
export const plans = pgTable(
  'plans',
  {
    id: text('id').primaryKey(),
    key: text('key').notNull().unique(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    currency: text('currency').notNull().default('USD'),
    monthlyAmount: bigint('monthly_amount', { mode: 'number' }),
    yearlyAmount: bigint('yearly_amount', { mode: 'number' }),
    stripePriceMonthly: text('stripe_price_monthly'),
    stripePriceYearly: text('stripe_price_yearly'),
    trialDays: integer('trial_days').notNull().default(0),
    limits: jsonb('limits').$type<PlanLimits>().notNull(),
    features: jsonb('features').$type<PlanFeatures>().notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    source: text('source', { enum: ['config', 'operator'] }).notNull(),
    archivedAt: ts('archived_at'),
    sortOrder: integer('sort_order').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('plans_one_default_idx').on(t.isDefault).where(sql`is_default`)],
)

/**
 * A workspace's billing: its plan, the operator's overrides, and the Stripe subscription's state as
 * the operator's webhooks last wrote it. One row per workspace (a workspace without one is on the
 * default plan). Row-level security is enabled, not forced: the operator list and the operator's
 * Stripe webhook find rows across workspaces as the owner.
 */
export const workspaceBilling = pgTable(
  'workspace_billing',
  {
    workspaceId: uuid('workspace_id')
      .primaryKey()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    limitOverrides: jsonb('limit_overrides').$type<LimitOverrides>(),
    status: text('status', { enum: ['free', 'trialing', 'active', 'past_due', 'canceled'] })
      .$type<BillingStatus>()
      .notNull()
      .default('free'),
    interval: text('interval', { enum: ['month', 'year'] }).$type<BillingInterval>(),
    stripeCustomerId: text('stripe_customer_id'),
    stripeSubscriptionId: text('stripe_subscription_id'),
    stripePriceId: text('stripe_price_id'),
    currentPeriodEnd: ts('current_period_end'),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    trialEndsAt: ts('trial_ends_at'),
    pastDueSince: ts('past_due_since'),
    /** 0 none, 1 day-0 email sent, 2 day-3 sent, 3 day-7 sent. */
    dunningStep: integer('dunning_step').notNull().default(0),
    graceEndsAt: ts('grace_ends_at'),
    /** The Stripe object's own timestamp of the last change applied (orders out-of-order events). */
    stateUpdatedAt: ts('state_updated_at'),
    paymentMethodSummary: jsonb('payment_method_summary').$type<PaymentMethodSummary>(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('workspace_billing_customer_idx')
      .on(t.stripeCustomerId)
      .where(sql`stripe_customer_id is not null`),
    uniqueIndex('workspace_billing_subscription_idx')
      .on(t.stripeSubscriptionId)
      .where(sql`stripe_subscription_id is not null`),
    index('workspace_billing_plan_idx').on(t.planId),
    index('workspace_billing_past_due_idx').on(t.pastDueSince).where(sql`status = 'past_due'`),
  ],
)

/**
 * Every event of the operator's Stripe account taken, by its id: written in the transaction that
 * applies its effect, so a repeated delivery changes nothing. Written as the owner (the webhook has
 * no workspace until it finds one): row-level security enabled, not forced.
 */
export const billingStripeEvents = pgTable(
  'billing_stripe_events',
  {
    eventId: text('event_id').primaryKey(),
    type: text('type').notNull(),
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'set null' }),
    outcome: text('outcome').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [index('billing_stripe_events_ws_idx').on(t.workspaceId, t.receivedAt)],
)

/**
 * Per-month counters for what rows cannot count (API calls): `period` is `YYYY-MM` (UTC). Flushed in
 * batches across workspaces as the owner: row-level security enabled, not forced.
 */
export const usageCounters = pgTable(
  'usage_counters',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    meter: text('meter').notNull(),
    period: text('period').notNull(),
    value: bigint('value', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.meter, t.period] })],
)

/** Operators of the installation, made by `atrium create-admin --operator` (or by `OPERATOR_EMAILS`). */
export const operators = pgTable('operators', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  grantedAt: ts('granted_at').notNull().defaultNow(),
  grantedBy: uuid('granted_by').references(() => users.id, { onDelete: 'set null' }),
})
