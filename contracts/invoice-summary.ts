import { z } from 'zod'
import { templates } from './invoices.ts'

/**
 * What is owed and paid, per currency: a client's balance (`/api/v1/clients/{id}/balance`) and the
 * workspace's (`/api/v1/invoices/summary`). Amounts are integer minor units of their currency.
 */
const Minor = z.number().int()

export const ClientBalanceSchema = z
  .object({
    clientId: z.string(),
    asOf: z.string().describe('The day the figures are for (UTC), YYYY-MM-DD.'),
    currencies: z.array(
      z.object({
        currency: z.string(),
        outstanding: Minor.describe('Open balance of sent, viewed, partially paid and overdue invoices.'),
        outstandingCount: z.number().int(),
        overdue: Minor.describe('The part of it past its due date.'),
        overdueCount: z.number().int(),
        paidThisYear: Minor.describe('Payments applied to invoices since 1 January (refunds subtract).'),
        credit: Minor.describe('The client’s credit: overpayments, prepayments and credit-note excess.'),
      }),
    ),
  })
  .meta({ id: 'ClientBalance' })

const Totals = z.object({
  outstanding: Minor,
  overdue: Minor,
  paidThisMonth: Minor,
})

export const InvoiceSummarySchema = z
  .object({
    asOf: z.string().describe('The day the figures are for (UTC), YYYY-MM-DD.'),
    baseCurrency: z.string(),
    currencies: z.array(
      Totals.extend({
        currency: z.string(),
        outstandingCount: z.number().int(),
        overdueCount: z.number().int(),
      }),
    ),
    base: Totals.extend({
      currency: z.string(),
      unconverted: z
        .array(z.string())
        .describe(
          'Currencies with amounts left out of the base totals: no exchange rate is stored for them.',
        ),
    }).describe('Every currency converted to the base currency at the rate stored on each invoice.'),
  })
  .meta({ id: 'InvoiceSummary' })

export const TemplatePreviewQuerySchema = z.object({
  template: z.enum(templates).optional().describe('Defaults to the template in the settings.'),
  brandColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb')
    .optional()
    .describe('Defaults to the brand colour in the settings.'),
})

export type ClientBalance = z.infer<typeof ClientBalanceSchema>
export type InvoiceSummary = z.infer<typeof InvoiceSummarySchema>

const NextSequence = z.object({
  yearly: z.number().int().describe('The counter value the next number takes when numbers reset yearly.'),
  monthly: z.number().int().describe('… when they reset monthly.'),
  never: z.number().int().describe('… when they never reset.'),
})
export const NextNumbersSchema = z
  .object({
    asOf: z.string().describe('The issue date the counters are for (today, UTC), YYYY-MM-DD.'),
    next: z.object({ invoice: NextSequence, quote: NextSequence, credit_note: NextSequence }),
  })
  .meta({ id: 'InvoiceNextNumbers' })
export type NextNumbers = z.infer<typeof NextNumbersSchema>
