import { z } from 'zod'
import { prefixedId } from './clients.ts'
import { TimestampSchema } from './common.ts'
import type { PermissionDefaults, PermissionsOf } from './permissions.ts'

/**
 * Invoicing: members draft, send and take payments for the clients they see; owners and admins also
 * void, delete, issue credit notes, refund and change settings, tax rates and numbering.
 */
export const invoicePermissions = {
  'invoices:read': ['owner', 'admin', 'member'],
  'invoices:write': ['owner', 'admin', 'member'],
  'invoices:void': ['owner', 'admin'],
  'invoices:delete': ['owner', 'admin'],
  'invoices:credit': ['owner', 'admin'],
  'invoices:settings': ['owner', 'admin'],
  'payments:write': ['owner', 'admin', 'member'],
  'payments:refund': ['owner', 'admin'],
  'products:write': ['owner', 'admin', 'member'],
} as const satisfies PermissionDefaults

declare module './permissions.ts' {
  interface PermissionMap extends PermissionsOf<typeof invoicePermissions> {}
}

import {
  creditNoteStatuses,
  documentKinds,
  documentStatuses,
  invoiceStatuses,
  numberResets,
  paymentMethods,
  quoteStatuses,
  taxCategoryCodes,
  templates,
} from './invoice-values.ts'

export type { DocumentKind } from './invoice-values.ts'
export {
  creditNoteStatuses,
  documentKinds,
  documentStatuses,
  invoiceStatuses,
  numberResets,
  paymentMethods,
  quoteStatuses,
  taxCategoryCodes,
  templates,
}

export const ProductIdSchema = prefixedId('prd')
export const TaxRateIdSchema = prefixedId('tax')
export const InvoiceIdSchema = prefixedId('inv')
export const QuoteIdSchema = prefixedId('quo')
export const CreditNoteIdSchema = prefixedId('crn')
export const LineIdSchema = prefixedId('ln')
export const PaymentIdSchema = prefixedId('pay')
const ClientRefSchema = prefixedId('cli')

/** The most any amount may be: 10^15 minor units. */
export const MAX_MINOR = 1_000_000_000_000_000
/** An amount in integer minor units of the document's currency (1250 EUR = €12.50, 1250 JPY = ¥1,250). */
export const MoneySchema = z
  .number()
  .int('must be a whole number of minor units (no fractions below the currency’s digits)')
  .min(0, 'must not be negative')
  .max(MAX_MINOR, 'must be at most 10^15 minor units')
  .meta({ description: 'Integer minor units of the currency (cents for EUR, yen for JPY).' })
const PositiveMoneySchema = MoneySchema.refine((v) => v > 0, 'must be more than zero')

let currencies: Set<string> | undefined
const knownCurrencies = () => {
  currencies ??= new Set(Intl.supportedValuesOf('currency'))
  return currencies
}

export const CurrencySchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code')
  .refine((c) => knownCurrencies().has(c), 'is not a known ISO 4217 currency')

const decimal = (intDigits: number, frac: number, what: string) =>
  z
    .string()
    .trim()
    .regex(
      new RegExp(`^\\d{1,${intDigits}}(\\.\\d{1,${frac}})?$`),
      `must be a decimal ${what} with at most ${frac} decimals`,
    )
/** A quantity as a decimal string ("1", "2.5", "0.125"): up to 9 digits and 6 decimals, never a float. */
export const QuantitySchema = z
  .union([z.number(), z.string()])
  .transform((v) => String(v))
  .pipe(decimal(9, 6, 'quantity'))
/** A percentage as a decimal string ("19", "7.5"): 0 to 100, at most 4 decimals. */
export const PercentSchema = z
  .union([z.number(), z.string()])
  .transform((v) => String(v))
  .pipe(decimal(3, 4, 'percentage').refine((v) => Number(v) <= 100, 'must be at most 100'))

/** A calendar day, `YYYY-MM-DD`, that exists (2026-02-30 does not), years 0001 to 9999. */
export const DaySchema = z.iso.date('must be a real date (YYYY-MM-DD)').refine((v) => {
  const d = new Date(`${v}T00:00:00Z`)
  return !v.startsWith('0000') && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v
}, 'must be a real date (YYYY-MM-DD)')

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`)
const optionalText = (max: number) =>
  text(max)
    .nullish()
    .transform((v) => (v ? v : null))

export const DiscountSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('percent'), value: PercentSchema }),
    z.object({ type: z.literal('amount'), value: MoneySchema }),
  ])
  .meta({ description: 'A percentage of the amount, or an amount in minor units.' })

// ---- catalog --------------------------------------------------------------------------------------

const UnitCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Z0-9]{2,3}$/, 'must be a UN/ECE Recommendation 20 unit code such as HUR or C62')

export const CreateProductSchema = z.object({
  name: text(200).min(1, 'is required'),
  description: optionalText(2000),
  unit: optionalText(40),
  unitCode: UnitCodeSchema.default('C62'),
  unitPrice: MoneySchema,
  currency: CurrencySchema,
  taxRateIds: z.array(TaxRateIdSchema).max(5).default([]),
})
export const UpdateProductSchema = CreateProductSchema.partial()

export const ProductSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    unit: z.string().nullable(),
    unitCode: z.string(),
    unitPrice: z.number().int(),
    currency: z.string(),
    taxRateIds: z.array(z.string()),
    archivedAt: TimestampSchema.nullable(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'Product' })

export const ProductListQuerySchema = z.object({
  q: z.string().max(200).optional().describe('Search by name, description and unit, tolerating typos.'),
  archived: z
    .enum(['true', 'false', 'all'])
    .default('false')
    .describe('Archived products: only, none, or both.'),
  currency: z.string().max(3).optional(),
  sort: z
    .enum(['name', '-name', 'created', '-created', 'updated', '-updated'])
    .optional()
    .describe('Default: relevance when searching, else name.'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
})

// ---- tax rates ------------------------------------------------------------------------------------

export const CreateTaxRateSchema = z.object({
  name: text(100).min(1, 'is required'),
  percent: PercentSchema,
  inclusive: z.boolean().default(false).describe('Prices already include this tax.'),
  compound: z.boolean().default(false).describe('Computed on the net plus the taxes listed before it.'),
  categoryCode: z.enum(taxCategoryCodes).default('S').describe('EN 16931 VAT category (UNTDID 5305).'),
  exemptionReason: optionalText(300),
})
export const UpdateTaxRateSchema = CreateTaxRateSchema.partial()
export const TaxRateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    percent: z.string(),
    inclusive: z.boolean(),
    compound: z.boolean(),
    categoryCode: z.enum(taxCategoryCodes),
    exemptionReason: z.string().nullable(),
    archivedAt: TimestampSchema.nullable(),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'TaxRate' })

// ---- settings -------------------------------------------------------------------------------------

export const NumberingSchema = z.object({
  pattern: text(60)
    .min(1, 'is required')
    .describe('Such as INV-{YYYY}-{SEQ:5}; tokens {YYYY} {YY} {MM} {DD} {SEQ} {SEQ:n}.'),
  reset: z.enum(numberResets),
})
const PostalAddressSchema = z.object({
  line1: optionalText(200),
  line2: optionalText(200),
  city: optionalText(100),
  postalCode: optionalText(20),
  region: optionalText(100),
  countryCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 two-letter country code')
    .nullish()
    .transform((v) => v ?? null),
})
export const LegalDetailsSchema = z.object({
  name: optionalText(200),
  legalName: optionalText(200),
  address: PostalAddressSchema.nullish().transform((v) => v ?? null),
  taxId: optionalText(50),
  vatId: optionalText(50),
  registrationId: optionalText(50),
  email: optionalText(200),
  phone: optionalText(50),
  website: optionalText(200),
  bank: z
    .object({
      accountName: optionalText(200),
      iban: text(34).min(1, 'is required'),
      bic: optionalText(11),
      bankName: optionalText(200),
    })
    .nullish()
    .transform((v) => v ?? null),
})
export const ReminderScheduleSchema = z.object({
  enabled: z.boolean().default(false),
  daysBefore: z.array(z.number().int().min(1).max(90)).max(5).default([]),
  daysAfter: z.array(z.number().int().min(1).max(365)).max(10).default([]),
})

export const InvoiceSettingsInputSchema = z.object({
  baseCurrency: CurrencySchema,
  paymentTermsDays: z.number().int().min(0).max(365),
  quoteValidDays: z.number().int().min(1).max(365),
  numbering: z.object({ invoice: NumberingSchema, quote: NumberingSchema, credit_note: NumberingSchema }),
  defaultNotes: optionalText(5000),
  defaultTerms: optionalText(5000),
  defaultFooter: optionalText(2000),
  paymentInstructions: optionalText(2000),
  legal: LegalDetailsSchema,
  template: z.enum(templates),
  brandColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb'),
  reminders: ReminderScheduleSchema,
})
export const InvoiceSettingsSchema = z
  .object({
    baseCurrency: z.string(),
    paymentTermsDays: z.number().int(),
    quoteValidDays: z.number().int(),
    numbering: z.record(z.string(), z.object({ pattern: z.string(), reset: z.enum(numberResets) })),
    defaultNotes: z.string().nullable(),
    defaultTerms: z.string().nullable(),
    defaultFooter: z.string().nullable(),
    paymentInstructions: z.string().nullable(),
    legal: z.record(z.string(), z.unknown()),
    template: z.enum(templates),
    brandColor: z.string(),
    reminders: z.object({
      enabled: z.boolean(),
      daysBefore: z.array(z.number()),
      daysAfter: z.array(z.number()),
    }),
    updatedAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'InvoiceSettings' })

// ---- documents ------------------------------------------------------------------------------------

export const LineInputSchema = z.object({
  productId: ProductIdSchema.nullish().describe(
    'A catalog item: description, unit, price and taxes default from it.',
  ),
  description: text(2000).optional(),
  quantity: QuantitySchema.default('1'),
  unit: optionalText(40),
  unitCode: UnitCodeSchema.optional(),
  unitPrice: MoneySchema.optional(),
  discount: DiscountSchema.nullish(),
  taxRateIds: z.array(TaxRateIdSchema).max(5).optional(),
})

const documentFields = {
  clientId: ClientRefSchema,
  currency: CurrencySchema.optional().describe('Defaults to the client’s currency, else the base currency.'),
  exchangeRate: z
    .union([z.number(), z.string()])
    .transform((v) => String(v))
    .pipe(z.string().regex(/^\d{1,9}(\.\d{1,8})?$/, 'must be a positive decimal with at most 8 decimals'))
    .refine((v) => Number(v) > 0, 'must be more than zero')
    .nullish()
    .describe('Units of the base currency per unit of this currency; required when they differ.'),
  issueDate: DaySchema.nullish(),
  dueDate: DaySchema.nullish().describe('Due date of an invoice, valid-until date of a quote.'),
  poNumber: optionalText(100),
  notes: optionalText(5000),
  terms: optionalText(5000),
  footer: optionalText(2000),
  discount: DiscountSchema.nullish(),
  shipping: MoneySchema.default(0),
  lines: z.array(LineInputSchema).max(500).default([]),
}

export const CreateDocumentSchema = z.object({
  ...documentFields,
  custom: z.record(z.string(), z.unknown()).optional().describe('Custom field values (invoices).'),
})
export const UpdateDocumentSchema = z.object({
  clientId: documentFields.clientId.optional(),
  currency: documentFields.currency,
  exchangeRate: documentFields.exchangeRate,
  issueDate: documentFields.issueDate,
  dueDate: documentFields.dueDate,
  poNumber: documentFields.poNumber.optional(),
  notes: documentFields.notes.optional(),
  terms: documentFields.terms.optional(),
  footer: documentFields.footer.optional(),
  discount: documentFields.discount,
  shipping: MoneySchema.optional(),
  lines: z.array(LineInputSchema).max(500).optional(),
  custom: z.record(z.string(), z.unknown()).optional(),
})

const LineTaxSchema = z.object({
  taxRateId: z.string(),
  name: z.string(),
  percent: z.string(),
  inclusive: z.boolean(),
  compound: z.boolean(),
  categoryCode: z.string(),
  exemptionReason: z.string().nullable(),
  amount: z.number().int(),
})
export const LineSchema = z.object({
  id: z.string(),
  productId: z.string().nullable(),
  description: z.string(),
  quantity: z.string(),
  unit: z.string().nullable(),
  unitCode: z.string(),
  unitPrice: z.number().int(),
  discount: z
    .object({ type: z.enum(['percent', 'amount']), value: z.union([z.string(), z.number()]) })
    .nullable(),
  amount: z.number().int().describe('quantity × unit price, rounded'),
  lineDiscount: z.number().int(),
  documentDiscount: z.number().int().describe('This line’s share of the document discount'),
  net: z.number().int(),
  tax: z.number().int(),
  total: z.number().int(),
  taxes: z.array(LineTaxSchema),
  creditedLineId: z.string().nullable(),
})

export const DocumentSchema = z
  .object({
    id: z.string(),
    kind: z.enum(documentKinds),
    number: z.string().nullable(),
    status: z.string(),
    client: z.object({ id: z.string(), name: z.string() }),
    currency: z.string(),
    exchangeRate: z.string().nullable(),
    baseCurrency: z.string(),
    issueDate: z.string().nullable(),
    dueDate: z.string().nullable(),
    poNumber: z.string().nullable(),
    notes: z.string().nullable(),
    terms: z.string().nullable(),
    footer: z.string().nullable(),
    discount: z
      .object({ type: z.enum(['percent', 'amount']), value: z.union([z.string(), z.number()]) })
      .nullable(),
    shipping: z.number().int(),
    subtotal: z.number().int(),
    discountTotal: z.number().int(),
    taxTotal: z.number().int(),
    total: z.number().int(),
    paid: z.number().int(),
    credited: z.number().int(),
    balance: z.number().int(),
    lines: z.array(LineSchema),
    taxSummary: z.array(
      z.object({
        taxRateId: z.string(),
        name: z.string(),
        percent: z.string(),
        base: z.number(),
        amount: z.number(),
      }),
    ),
    custom: z.record(z.string(), z.unknown()),
    quoteId: z.string().nullable(),
    invoiceId: z.string().nullable(),
    voidReason: z.string().nullable(),
    acceptedBy: z.string().nullable(),
    declineReason: z.string().nullable(),
    sentAt: TimestampSchema.nullable(),
    viewedAt: TimestampSchema.nullable(),
    acceptedAt: TimestampSchema.nullable(),
    paidAt: TimestampSchema.nullable(),
    voidedAt: TimestampSchema.nullable(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'InvoiceDocument' })

export const DocumentSummarySchema = DocumentSchema.omit({ lines: true, taxSummary: true }).meta({
  id: 'InvoiceDocumentSummary',
})

/** An amount bound: minor units (`1250`), or a decimal amount (`12.50`) with one `currency` given. */
const AmountFilterSchema = z
  .string()
  .regex(/^\d{1,16}(\.\d{1,4})?$/, 'must be minor units (1250) or a decimal amount (12.50) with currency')
  .optional()
  .describe('Minor units (`1250`), or a decimal amount (`12.50`) when one `currency` is given.')

export const DocumentListQuerySchema = z
  .object({
    q: z
      .string()
      .max(200)
      .optional()
      .describe('Search by number, client, PO number and line text, tolerating typos.'),
    status: z.string().max(200).optional().describe('Comma-separated statuses (any of them).'),
    client: z.string().max(2000).optional().describe('Comma-separated client ids (any of them).'),
    issuedFrom: DaySchema.optional(),
    issuedTo: DaySchema.optional(),
    dueFrom: DaySchema.optional(),
    dueTo: DaySchema.optional(),
    createdFrom: z.string().max(40).optional(),
    createdTo: z.string().max(40).optional(),
    currency: z.string().max(200).optional().describe('Comma-separated ISO 4217 codes (any of them).'),
    totalMin: AmountFilterSchema,
    totalMax: AmountFilterSchema,
    balanceMin: AmountFilterSchema.describe('Amount due at least this (invoices).'),
    balanceMax: AmountFilterSchema.describe('Amount due at most this (invoices).'),
    overdue: z.enum(['true', 'false']).optional().describe('Open and past due (invoices).'),
    sort: z
      .enum([
        'created',
        '-created',
        'updated',
        '-updated',
        'number',
        '-number',
        'issued',
        '-issued',
        'due',
        '-due',
        'total',
        '-total',
      ])
      .optional()
      .describe('Default: relevance when searching, else newest first.'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  // Invoices' custom fields: `cf.<key>=a,b` (any of them), `cf.<key>.min` / `.max` for numbers, money, dates.
  .catchall(z.string().max(1000))

export const VoidSchema = z.object({ reason: text(500).min(1, 'is required') })
export const AcceptQuoteSchema = z.object({
  name: text(200).min(1, 'is required').describe('The name the client typed to accept.'),
})
export const DeclineQuoteSchema = z.object({ reason: optionalText(500) })
export const CreateCreditNoteSchema = z.object({
  invoiceId: InvoiceIdSchema,
  lineIds: z
    .array(LineIdSchema)
    .min(1)
    .max(500)
    .optional()
    .describe('The invoice lines to credit; all lines and the shipping when absent.'),
  notes: optionalText(5000),
})

// ---- payments -------------------------------------------------------------------------------------

export const CreatePaymentSchema = z.object({
  invoiceId: InvoiceIdSchema.nullish().describe('The invoice paid; absent for a prepayment kept as credit.'),
  clientId: ClientRefSchema.nullish().describe('Required without an invoice.'),
  method: z.enum(paymentMethods).describe('`credit` pays from the client’s credit.'),
  amount: PositiveMoneySchema,
  currency: CurrencySchema.optional().describe('Defaults to the invoice’s currency; must match it.'),
  paidOn: DaySchema,
  reference: optionalText(200),
  notes: optionalText(2000),
  keepExcessAsCredit: z
    .boolean()
    .default(false)
    .describe('An amount above the balance is kept as the client’s credit instead of refused.'),
})
export const RefundSchema = z.object({
  amount: PositiveMoneySchema,
  refundedOn: DaySchema,
  reference: optionalText(200),
  notes: optionalText(2000),
})
export const PaymentSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['payment', 'refund']),
    clientId: z.string(),
    invoiceId: z.string().nullable(),
    creditNoteId: z.string().nullable(),
    refundOf: z.string().nullable(),
    method: z.string(),
    status: z.string(),
    amount: z.number().int(),
    applied: z.number().int().describe('Effect on the invoice’s paid amount (negative for a refund)'),
    credit: z.number().int().describe('Effect on the client’s credit'),
    currency: z.string(),
    paidOn: z.string(),
    reference: z.string().nullable(),
    notes: z.string().nullable(),
    gateway: z.string().nullable(),
    gatewayPaymentId: z.string().nullable(),
    gatewayFee: z.number().int().nullable(),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'Payment' })
export const PaymentListQuerySchema = z.object({
  invoiceId: InvoiceIdSchema.optional(),
  clientId: ClientRefSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
})
export const ClientCreditSchema = z.object({
  clientId: z.string(),
  credit: z.array(z.object({ currency: z.string(), amount: z.number().int() })),
})
