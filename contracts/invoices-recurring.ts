import { z } from 'zod'
import { prefixedId } from './clients.ts'
import { TimestampSchema } from './common.ts'
import { recurringFrequencies, recurringStatuses } from './invoice-values.ts'
import { CurrencySchema, DaySchema, DiscountSchema, LineInputSchema, MoneySchema } from './invoices.ts'

/**
 * Recurring invoices: a profile (client, lines, currency, frequency, start, end or count) from which a
 * scheduled job writes one invoice per period, as a draft or sent with its email.
 */
export const RecurringIdSchema = prefixedId('rec')
export { recurringFrequencies, recurringStatuses }

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`)
const optionalText = (max: number) =>
  text(max)
    .nullish()
    .transform((v) => (v ? v : null))

const fields = {
  name: optionalText(200).describe('A label for the profile (“Monthly retainer”).'),
  clientId: prefixedId('cli'),
  currency: CurrencySchema.optional().describe('Defaults to the client’s currency, else the base currency.'),
  lines: z.array(LineInputSchema).min(1, 'needs at least one line').max(200),
  discount: DiscountSchema.nullish(),
  shipping: MoneySchema.default(0),
  notes: optionalText(5000),
  terms: optionalText(5000),
  frequency: z.enum(recurringFrequencies),
  interval: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(12, 'must be at most 12')
    .default(1)
    .describe('Every N weeks, months, quarters or years.'),
  startDate: DaySchema.describe(
    'The first period’s start and the first invoice’s issue date. A monthly profile started on the 29th to 31st invoices on the last day of shorter months.',
  ),
  endDate: DaySchema.nullish().describe('No period starts after this day. Give this or `count`, not both.'),
  count: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .nullish()
    .describe('How many invoices in all. Give this or `endDate`, not both.'),
  dueDays: z
    .number()
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(365, 'must be at most 365')
    .nullish()
    .describe('Payment terms in days after the issue date; the client’s or the workspace’s when absent.'),
  autoSend: z
    .boolean()
    .default(false)
    .describe('Number and email each invoice to the client as it is written; otherwise it stays a draft.'),
}

export const CreateRecurringSchema = z.object(fields)
export const UpdateRecurringSchema = z.object({
  name: fields.name.optional(),
  clientId: fields.clientId.optional(),
  currency: fields.currency,
  lines: fields.lines.optional(),
  discount: fields.discount,
  shipping: MoneySchema.optional(),
  notes: fields.notes.optional(),
  terms: fields.terms.optional(),
  frequency: fields.frequency.optional(),
  interval: fields.interval.unwrap().optional(),
  startDate: fields.startDate.optional(),
  endDate: fields.endDate,
  count: fields.count,
  dueDays: fields.dueDays,
  autoSend: z.boolean().optional(),
})

const StoredLineSchema = z.object({
  productId: z.string().nullable(),
  description: z.string(),
  quantity: z.string(),
  unit: z.string().nullable(),
  unitCode: z.string(),
  unitPrice: z.number().int(),
  discount: z
    .object({ type: z.enum(['percent', 'amount']), value: z.union([z.string(), z.number()]) })
    .nullable(),
  taxRateIds: z.array(z.string()),
})

export const RecurringSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    status: z.enum(recurringStatuses),
    client: z.object({ id: z.string(), name: z.string() }),
    currency: z.string(),
    lines: z.array(StoredLineSchema),
    discount: z
      .object({ type: z.enum(['percent', 'amount']), value: z.union([z.string(), z.number()]) })
      .nullable(),
    shipping: z.number().int(),
    notes: z.string().nullable(),
    terms: z.string().nullable(),
    frequency: z.enum(recurringFrequencies),
    interval: z.number().int(),
    startDate: z.string(),
    endDate: z.string().nullable(),
    count: z.number().int().nullable(),
    dueDays: z.number().int().nullable(),
    autoSend: z.boolean(),
    total: z.number().int().describe('The total of one invoice at today’s rates.'),
    generated: z.number().int().describe('Invoices written so far.'),
    nextDate: z.string().nullable().describe('The next period’s start; null once completed.'),
    lastInvoiceId: z.string().nullable(),
    lastError: z.string().nullable().describe('Why the last attempt wrote nothing, if it failed.'),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'RecurringInvoice' })

export const RecurringListQuerySchema = z.object({
  q: z.string().max(200).optional().describe('Search by name, client and line text, tolerating typos.'),
  status: z.string().max(200).optional().describe('Comma-separated statuses (any of them).'),
  client: z.string().max(2000).optional().describe('Comma-separated client ids (any of them).'),
  sort: z
    .enum(['created', '-created', 'updated', '-updated', 'next', '-next'])
    .optional()
    .describe('Default: relevance when searching, else newest first.'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
})
