import { z } from 'zod'
import { prefixedId } from './clients.ts'
import { TimestampSchema } from './common.ts'
import { InvoiceIdSchema, MoneySchema } from './invoices.ts'
import type { PermissionDefaults, PermissionsOf } from './permissions.ts'

/**
 * Online payments: a workspace connects a payment gateway (Stripe; PayPal's shape is declared) and its
 * clients pay invoices through it. Recording payments by hand stays with invoices (`payments:write`,
 * `payments:refund`); this module adds the connections, which only owners and admins manage.
 */
export const paymentPermissions = {
  'payments:gateways': ['owner', 'admin'],
} as const satisfies PermissionDefaults

declare module './permissions.ts' {
  interface PermissionMap extends PermissionsOf<typeof paymentPermissions> {}
}

export const gateways = ['stripe', 'paypal'] as const
export const GatewaySchema = z.enum(gateways)
export type Gateway = z.infer<typeof GatewaySchema>

export const OnlinePaymentIdSchema = prefixedId('opay')
export const OnlineRefundIdSchema = prefixedId('oref')

export const StripeConnectionInputSchema = z
  .object({
    secretKey: z
      .string()
      .trim()
      .regex(
        /^(sk|rk)_(test|live)_[A-Za-z0-9]{8,200}$/,
        'must be a Stripe secret or restricted key (sk_test_…, sk_live_…, rk_…)',
      ),
    webhookSecret: z
      .string()
      .trim()
      .regex(/^whsec_[A-Za-z0-9+/=_-]{8,200}$/, 'must be a webhook signing secret (whsec_…)'),
  })
  .meta({ id: 'StripeConnectionInput' })

export const PayPalConnectionInputSchema = z
  .object({
    clientId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{16,200}$/, 'must be a PayPal REST app client id'),
    clientSecret: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{16,200}$/, 'must be a PayPal REST app secret'),
    webhookId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{8,64}$/, 'must be the id PayPal gave the webhook (in the app’s Webhooks list)'),
    mode: z.enum(['sandbox', 'live']).describe('Which PayPal the app belongs to'),
  })
  .meta({ id: 'PayPalConnectionInput' })

export const GatewayConnectionSchema = z
  .object({
    gateway: GatewaySchema,
    mode: z.enum(['test', 'live']),
    secrets: z
      .record(z.string(), z.string())
      .describe('Each secret masked (`sk_test_…abcd`); the API never returns a secret in full.'),
    accountId: z.string().nullable(),
    status: z.enum(['untested', 'ok', 'failed']),
    lastCheckedAt: TimestampSchema.nullable(),
    lastCheckMessage: z.string().nullable(),
    webhookUrl: z.string().describe('The endpoint to give the gateway for this workspace’s events.'),
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'GatewayConnection' })

export const GatewayConnectionListSchema = z.object({ data: z.array(GatewayConnectionSchema) })

export const ConnectionTestSchema = z
  .object({
    ok: z.boolean(),
    message: z.string(),
    accountId: z.string().nullable(),
    mode: z.enum(['test', 'live']).nullable(),
  })
  .meta({ id: 'GatewayConnectionTest' })

export const CheckoutRequestSchema = z.object({
  invoiceId: InvoiceIdSchema,
  gateway: GatewaySchema.optional().describe('Which connected gateway; Stripe first when absent'),
})
export const PublicCheckoutRequestSchema = z
  .object({ gateway: GatewaySchema.optional().describe('Which connected gateway; Stripe first when absent') })
  .optional()
export const CheckoutSchema = z
  .object({
    url: z.string().describe('Where to send the payer: the gateway’s hosted page.'),
    onlinePaymentId: z.string(),
    gateway: GatewaySchema,
    amount: z.number().int().describe('The invoice’s open balance, in minor units'),
    currency: z.string(),
  })
  .meta({ id: 'Checkout' })

export const PaymentOptionsSchema = z
  .object({
    online: z.boolean(),
    gateway: GatewaySchema.nullable().describe('The first gateway offered (Stripe first)'),
    gateways: z.array(GatewaySchema).describe('Every connected gateway, for the payer to choose'),
  })
  .meta({ id: 'PaymentOptions' })

export const onlinePaymentStatuses = [
  'pending',
  'failed',
  'succeeded',
  'partially_refunded',
  'refunded',
  'disputed',
  'dispute_lost',
] as const

export const OnlineRefundSchema = z
  .object({
    id: z.string(),
    onlinePaymentId: z.string(),
    gatewayRefundId: z.string().nullable(),
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(['requested', 'pending', 'succeeded', 'failed', 'canceled']),
    reason: z.string().nullable(),
    paymentId: z.string().nullable().describe('The refund’s entry in the invoice payments, once confirmed'),
    createdAt: TimestampSchema,
    confirmedAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'OnlineRefund' })

export const OnlinePaymentSchema = z
  .object({
    id: z.string(),
    gateway: GatewaySchema,
    invoiceId: z.string(),
    invoiceNumber: z.string().nullable(),
    clientId: z.string(),
    status: z.enum(onlinePaymentStatuses),
    amount: z.number().int().describe('Asked for (minor units of `currency`)'),
    amountReceived: z.number().int(),
    amountRefunded: z.number().int(),
    currency: z.string(),
    fee: z.number().int().nullable().describe('The gateway’s fee, in `feeCurrency`'),
    net: z.number().int().nullable().describe('What the gateway pays out, in `feeCurrency`'),
    feeCurrency: z.string().nullable(),
    gatewayPaymentId: z.string().nullable(),
    gatewayChargeId: z.string().nullable(),
    paymentId: z.string().nullable().describe('The entry in the invoice payments (`pay_…`), once paid'),
    disputeStatus: z.string().nullable(),
    failureMessage: z.string().nullable(),
    dashboardUrl: z.string().nullable().describe('The payment in the gateway’s dashboard'),
    livemode: z.boolean(),
    paidAt: TimestampSchema.nullable(),
    createdAt: TimestampSchema,
    refunds: z.array(OnlineRefundSchema),
  })
  .meta({ id: 'OnlinePayment' })

export const OnlinePaymentListQuerySchema = z.object({
  invoiceId: InvoiceIdSchema.optional(),
  clientId: prefixedId('cli').optional(),
  status: z.enum(onlinePaymentStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
})

export const OnlineRefundRequestSchema = z
  .object({
    amount: MoneySchema.refine((v) => v > 0, 'must be more than zero')
      .optional()
      .describe('Minor units; all that is left to refund when absent.'),
    reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
  })
  .optional()

export type GatewayConnection = z.infer<typeof GatewayConnectionSchema>
export type OnlinePayment = z.infer<typeof OnlinePaymentSchema>
export type OnlineRefund = z.infer<typeof OnlineRefundSchema>
export type Checkout = z.infer<typeof CheckoutSchema>
export type PaymentOptions = z.infer<typeof PaymentOptionsSchema>
