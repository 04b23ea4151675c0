import { queryOptions } from '@tanstack/react-query'
import type { z } from 'zod'
import type {
  Billing,
  BillingInterval,
  BillingInvoiceSchema,
  FeatureKey,
  LimitKey,
  Plan,
  PlanChoice,
  ProrationPreviewSchema,
} from '../../../../contracts/billing.ts'
import { api } from '../../lib/api.ts'

export type { Billing, BillingInterval, FeatureKey, LimitKey, Plan, PlanChoice }
export type ProrationPreview = z.output<typeof ProrationPreviewSchema>
export type BillingInvoice = z.output<typeof BillingInvoiceSchema>

/** The metered limits in the order the page shows them (the contract's `limitKeys`, without its zod). */
export const meterKeys: readonly LimitKey[] = [
  'seats',
  'clients',
  'invoicesPerMonth',
  'storageBytes',
  'apiCallsPerMonth',
]
export const planFeatureKeys: readonly FeatureKey[] = [
  'recurringInvoices',
  'customDomain',
  'sso',
  'whiteLabel',
]

export const billingKey = ['billing'] as const

export const billingQuery = queryOptions({
  queryKey: [...billingKey, 'overview'],
  queryFn: ({ signal }) => api.get<Billing>('/api/v1/billing', signal),
})

export const billingInvoicesQuery = queryOptions({
  queryKey: [...billingKey, 'invoices'],
  queryFn: ({ signal }) => api.get<{ data: BillingInvoice[] }>('/api/v1/billing/invoices', signal),
})

export const billingApi = {
  checkout: (choice: PlanChoice) => api.post<{ url: string }>('/api/v1/billing/checkout', choice),
  preview: (choice: PlanChoice) => api.post<ProrationPreview>('/api/v1/billing/preview', choice),
  change: (choice: PlanChoice) => api.post<Billing>('/api/v1/billing/change', choice),
  cancel: () => api.post<Billing>('/api/v1/billing/cancel'),
  resume: () => api.post<Billing>('/api/v1/billing/resume'),
  portal: () => api.post<{ url: string }>('/api/v1/billing/portal'),
}

/** The plan's price for an interval, or null when it is not sold that way. */
export function priceOf(plan: Plan, interval: BillingInterval): number | null {
  return interval === 'year' ? plan.yearlyAmount : plan.monthlyAmount
}

/** A plan that costs nothing either way (the free plan): switching to it needs no Stripe. */
export function isFree(plan: Plan): boolean {
  return !plan.monthlyAmount && !plan.yearlyAmount
}

/** How full a meter is, 0–1 and more; null when unlimited. */
export function ratio(used: number, allowed: number | null): number | null {
  if (allowed === null) return null
  if (allowed === 0) return used > 0 ? Number.POSITIVE_INFINITY : 1
  return used / allowed
}

/** The tone of a meter: normal under 80 %, warning from 80 %, full at 100 %. */
export function meterTone(used: number, allowed: number | null): 'ok' | 'warning' | 'full' {
  const r = ratio(used, allowed)
  if (r === null || r < 0.8) return 'ok'
  return r >= 1 ? 'full' : 'warning'
}

/** Leaves the app for a Stripe page (Checkout, the Customer Portal). */
export function goTo(url: string): void {
  window.location.assign(url)
}

/** Whether the workspace has a Stripe subscription the plan picker changes (rather than a Checkout). */
export function hasSubscription(billing: Billing): boolean {
  return billing.status === 'trialing' || billing.status === 'active' || billing.status === 'past_due'
}
