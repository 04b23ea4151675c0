import { z } from 'zod'
import { IdSchema, TimestampSchema } from './common.ts'
import type { PermissionDefaults, PermissionsOf } from './permissions.ts'

/**
 * Billing: the operator of the installation bills workspaces with plans, limits (entitlements) and
 * Stripe subscriptions. A workspace's owner manages its plan (`billing:manage`); owners and admins see
 * it (`billing:read`). The operator area (`/api/v1/operator/...`) is for operators only, not a role.
 */
export const billingPermissions = {
  'billing:read': ['owner', 'admin'],
  'billing:manage': ['owner'],
} as const satisfies PermissionDefaults

declare module './permissions.ts' {
  interface PermissionMap extends PermissionsOf<typeof billingPermissions> {}
}

/** The metered limits a plan sets. `null` means unlimited. */
export const limitKeys = ['seats', 'clients', 'invoicesPerMonth', 'storageBytes', 'apiCallsPerMonth'] as const
export type LimitKey = (typeof limitKeys)[number]
export const LimitKeySchema = z.enum(limitKeys)

/** The features a plan turns on. */
export const featureKeys = ['customDomain', 'sso', 'whiteLabel', 'recurringInvoices'] as const
export type FeatureKey = (typeof featureKeys)[number]
export const FeatureKeySchema = z.enum(featureKeys)

const limitValue = z
  .number()
  .int('must be a whole number')
  .min(0, 'must be 0 or more')
  .max(Number.MAX_SAFE_INTEGER)
  .nullable()

export const PlanLimitsSchema = z
  .object({
    seats: limitValue,
    clients: limitValue,
    invoicesPerMonth: limitValue,
    storageBytes: limitValue,
    apiCallsPerMonth: limitValue,
  })
  .meta({ id: 'PlanLimits', description: 'Each limit, or null for unlimited.' })
export type PlanLimits = z.infer<typeof PlanLimitsSchema>

export const PlanFeaturesSchema = z
  .object({
    customDomain: z.boolean(),
    sso: z.boolean(),
    whiteLabel: z.boolean(),
    recurringInvoices: z.boolean(),
  })
  .meta({ id: 'PlanFeatures' })
export type PlanFeatures = z.infer<typeof PlanFeaturesSchema>

/** Per-workspace caps the operator sets over the plan's: a key left out (or null) keeps the plan's. */
export const LimitOverridesSchema = z
  .object({
    seats: limitValue.optional(),
    clients: limitValue.optional(),
    invoicesPerMonth: limitValue.optional(),
    storageBytes: limitValue.optional(),
    apiCallsPerMonth: limitValue.optional(),
    features: z
      .object({
        customDomain: z.boolean().nullable().optional(),
        sso: z.boolean().nullable().optional(),
        whiteLabel: z.boolean().nullable().optional(),
        recurringInvoices: z.boolean().nullable().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .meta({
    id: 'LimitOverrides',
    description:
      'Operator caps for one workspace over its plan. A limit key set to a number replaces the plan’s; absent keeps the plan’s. `unlimited` is not expressible here: raise the plan instead.',
  })
export type LimitOverrides = z.infer<typeof LimitOverridesSchema>

export const PlanIdSchema = z
  .string()
  .regex(/^plan_[0-9a-f]{32}$/, 'must be an id starting with plan_')
  .meta({ example: 'plan_01937a5e6c1b7d2e8f90a1b2c3d4e5f6' })

export const PlanKeySchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'must not be empty')
  .max(40, 'must be at most 40 characters')
  .regex(/^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/, 'may contain only lowercase letters, digits, _ and -')

export const CurrencySchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code')

export const BillingIntervalSchema = z.enum(['month', 'year'])
export type BillingInterval = z.infer<typeof BillingIntervalSchema>

export const billingStatuses = ['free', 'trialing', 'active', 'past_due', 'canceled'] as const
export const BillingStatusSchema = z.enum(billingStatuses)
export type BillingStatus = z.infer<typeof BillingStatusSchema>

export const PlanSchema = z
  .object({
    id: PlanIdSchema,
    key: z.string(),
    name: z.string(),
    description: z.string(),
    currency: z.string(),
    monthlyAmount: z
      .number()
      .int()
      .nullable()
      .describe('Minor units of `currency`; null when not sold monthly'),
    yearlyAmount: z.number().int().nullable(),
    stripePriceMonthly: z.string().nullable(),
    stripePriceYearly: z.string().nullable(),
    trialDays: z.number().int(),
    limits: PlanLimitsSchema,
    features: PlanFeaturesSchema,
    isDefault: z.boolean().describe('The free plan a workspace falls back to; exactly one'),
    source: z.enum(['config', 'operator']).describe('Plans from the plans file are read-only'),
    archivedAt: TimestampSchema.nullable(),
    sortOrder: z.number().int(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'Plan' })
export type Plan = z.infer<typeof PlanSchema>

export const PlanListSchema = z.object({ data: z.array(PlanSchema) }).meta({ id: 'PlanList' })

const stripePrice = z
  .string()
  .trim()
  .regex(/^price_[A-Za-z0-9]{1,200}$/, 'must be a Stripe price id (price_…)')
  .nullable()

const partialLimits = PlanLimitsSchema.partial()
const partialFeatures = PlanFeaturesSchema.partial()

/** A plan as the operator (or the plans file) writes it. Input schemas with transforms carry no component id. */
export const PlanInputSchema = z
  .object({
    key: PlanKeySchema,
    name: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters'),
    description: z.string().trim().max(500, 'must be at most 500 characters').optional(),
    currency: CurrencySchema.optional(),
    monthlyAmount: z.number().int().min(0).max(100_000_000_00).nullable().optional(),
    yearlyAmount: z.number().int().min(0).max(100_000_000_00).nullable().optional(),
    stripePriceMonthly: stripePrice.optional(),
    stripePriceYearly: stripePrice.optional(),
    trialDays: z.number().int().min(0).max(365).optional(),
    limits: partialLimits.strict().optional().describe('Left-out limits are unlimited'),
    features: partialFeatures.strict().optional().describe('Left-out features are off'),
    isDefault: z.boolean().optional(),
    sortOrder: z.number().int().min(-1000).max(1000).optional(),
  })
  .strict()
export type PlanInput = z.infer<typeof PlanInputSchema>

export const PlanUpdateSchema = PlanInputSchema.omit({ key: true })
  .partial()
  .extend({ archived: z.boolean().optional().describe('true archives; false brings it back') })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' })
export type PlanUpdate = z.infer<typeof PlanUpdateSchema>

/** The plans file (`PLANS_FILE`): a JSON array of plans. */
export const PlansFileSchema = z.array(PlanInputSchema).min(1, 'must list at least one plan')

export const UsageItemSchema = z
  .object({ used: z.number().int(), allowed: z.number().int().nullable().describe('null: unlimited') })
  .meta({ id: 'UsageItem' })

export const UsageSchema = z
  .object({
    seats: UsageItemSchema,
    clients: UsageItemSchema,
    invoicesPerMonth: UsageItemSchema,
    storageBytes: UsageItemSchema,
    apiCallsPerMonth: UsageItemSchema,
  })
  .meta({ id: 'Usage' })
export type Usage = z.infer<typeof UsageSchema>

export const PaymentMethodSummarySchema = z
  .object({
    brand: z.string(),
    last4: z.string(),
    expMonth: z.number().int().nullable(),
    expYear: z.number().int().nullable(),
  })
  .meta({ id: 'PaymentMethodSummary' })
export type PaymentMethodSummary = z.infer<typeof PaymentMethodSummarySchema>

export const NextInvoiceSchema = z
  .object({ amount: z.number().int(), currency: z.string(), date: TimestampSchema })
  .meta({ id: 'NextInvoice' })

export const BillingSchema = z
  .object({
    plan: PlanSchema,
    status: BillingStatusSchema,
    interval: BillingIntervalSchema.nullable(),
    currentPeriodEnd: TimestampSchema.nullable(),
    cancelAtPeriodEnd: z.boolean(),
    trialEndsAt: TimestampSchema.nullable(),
    pastDueSince: TimestampSchema.nullable(),
    graceEndsAt: TimestampSchema.nullable(),
    nextInvoice: NextInvoiceSchema.nullable(),
    paymentMethod: PaymentMethodSummarySchema.nullable(),
    limits: PlanLimitsSchema.describe('In force: the plan’s, with the operator’s overrides'),
    features: PlanFeaturesSchema,
    usage: UsageSchema,
    plans: z.array(PlanSchema).describe('The plans this workspace may move to (not archived)'),
    stripeEnabled: z.boolean().describe('Whether the installation bills through Stripe'),
  })
  .meta({ id: 'Billing' })
export type Billing = z.infer<typeof BillingSchema>

export const PlanChoiceSchema = z
  .object({ planKey: PlanKeySchema, interval: BillingIntervalSchema.optional() })
  .strict()
export type PlanChoice = z.infer<typeof PlanChoiceSchema>

export const CheckoutUrlSchema = z.object({ url: z.string() }).meta({ id: 'BillingCheckout' })
export const PortalUrlSchema = z.object({ url: z.string() }).meta({ id: 'BillingPortal' })

export const ProrationPreviewSchema = z
  .object({
    amountDue: z.number().int(),
    currency: z.string(),
    lines: z.array(
      z.object({
        description: z.string(),
        amount: z.number().int(),
        periodStart: TimestampSchema.nullable(),
        periodEnd: TimestampSchema.nullable(),
      }),
    ),
  })
  .meta({ id: 'ProrationPreview' })

export const BillingInvoiceSchema = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    status: z.string().nullable(),
    amountDue: z.number().int(),
    amountPaid: z.number().int(),
    currency: z.string(),
    createdAt: TimestampSchema,
    hostedInvoiceUrl: z.string().nullable(),
    invoicePdf: z.string().nullable(),
  })
  .meta({ id: 'BillingInvoice' })
export const BillingInvoiceListSchema = z.object({ data: z.array(BillingInvoiceSchema) })

/** The small billing part of the session answer: enough for the web to gate UI and show a banner. */
export const SessionBillingSchema = z
  .object({
    status: BillingStatusSchema,
    planKey: z.string(),
    features: PlanFeaturesSchema,
  })
  .meta({ id: 'SessionBilling' })

// Operator area

export const OperatorWorkspaceSchema = z
  .object({
    id: IdSchema,
    name: z.string(),
    slug: z.string(),
    plan: z.object({ id: PlanIdSchema, key: z.string(), name: z.string() }),
    status: BillingStatusSchema,
    limitOverrides: LimitOverridesSchema.nullable(),
    usage: UsageSchema,
    createdAt: TimestampSchema,
  })
  .meta({ id: 'OperatorWorkspace' })
export type OperatorWorkspace = z.infer<typeof OperatorWorkspaceSchema>

export const OperatorWorkspaceListSchema = z
  .object({ data: z.array(OperatorWorkspaceSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'OperatorWorkspaceList' })

export const OperatorWorkspaceQuerySchema = z.object({
  q: z.string().trim().max(100, 'must be at most 100 characters').optional(),
  cursor: z.string().max(200, 'must be at most 200 characters').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
})

export const OperatorWorkspaceBillingInputSchema = z
  .object({
    planKey: PlanKeySchema.optional(),
    limitOverrides: LimitOverridesSchema.nullable().optional().describe('null clears every override'),
  })
  .strict()
  .refine((v) => v.planKey !== undefined || v.limitOverrides !== undefined, { message: 'nothing to update' })
export type OperatorWorkspaceBillingInput = z.infer<typeof OperatorWorkspaceBillingInputSchema>

/** The 402 answer when a limit is reached (problem type `…/problems/quota-exceeded`). */
export const QuotaExceededSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.literal(402),
    detail: z.string().optional(),
    limit: LimitKeySchema,
    allowed: z.number().int(),
    usage: z.number().int(),
    adding: z.number().int().optional(),
    upgradeUrl: z.string(),
  })
  .meta({ id: 'QuotaExceeded' })

/** The 402 answer when a feature is not in the plan (problem type `…/problems/feature-not-in-plan`). */
export const FeatureNotInPlanSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.literal(402),
    detail: z.string().optional(),
    feature: FeatureKeySchema,
    upgradeUrl: z.string(),
  })
  .meta({ id: 'FeatureNotInPlan' })
