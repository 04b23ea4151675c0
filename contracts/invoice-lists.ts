import { z } from 'zod'
import { DaySchema, DocumentListQuerySchema, InvoiceIdSchema, paymentMethods } from './invoices.ts'

/** What a list acts on as a filter: the list's query parameters without sort and paging. */
export const DocumentFilterSchema = DocumentListQuerySchema.omit({ sort: true, limit: true, cursor: true })

export const invoiceBulkActions = ['send', 'markSent', 'recordPayment', 'void', 'delete'] as const

/** The most invoices one bulk request acts on (each row is its own transaction). */
export const INVOICE_BULK_MAX = 500

export const InvoiceBulkSchema = z
  .object({
    action: z
      .enum(invoiceBulkActions)
      .describe(
        '`send` emails each draft to its client; `markSent` sends without email; `recordPayment` pays each balance in full; `void` (owners and admins) needs `reason`; `delete` removes drafts (owners and admins).',
      ),
    ids: z.array(InvoiceIdSchema).min(1).max(INVOICE_BULK_MAX).optional(),
    filter: z
      .record(z.string(), z.string().max(2000))
      .optional()
      .describe('The list’s filter (its query parameters): acts on every invoice it matches.'),
    expectedCount: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Required with `filter`: the count the user confirmed; the request fails if it changed.'),
    method: z.enum(paymentMethods).optional().describe('`recordPayment`: how the money came.'),
    paidOn: DaySchema.optional().describe('`recordPayment`: the day it came.'),
    reference: z.string().trim().max(200).optional(),
    reason: z.string().trim().min(1, 'is required').max(500).optional().describe('`void`: why.'),
  })
  .strict()
  .meta({
    example: { action: 'markSent', ids: ['inv_01937a5e6c1b7d2e8f90a1b2c3d4e5f6'] },
  })

export const InvoiceBulkResultSchema = z
  .object({
    action: z.enum(invoiceBulkActions),
    matched: z
      .number()
      .int()
      .describe('Invoices the request named (that the caller may see) or its filter matched.'),
    notFound: z
      .number()
      .int()
      .describe('Named ids that are not invoices the caller may see (left out, and not repeated here).'),
    succeeded: z.array(z.string()).describe('Ids of the invoices the action changed.'),
    failed: z
      .array(
        z.object({
          id: z.string(),
          status: z.number().int().describe('The status the single route would have answered.'),
          reason: z.string(),
          field: z.string().nullable(),
        }),
      )
      .describe('Invoices left unchanged, each with why.'),
  })
  .meta({ id: 'InvoiceBulkResult' })

/** An export's query: the list's filter and sort (oldest first by default), without paging. */
export const DocumentExportQuerySchema = DocumentListQuerySchema.omit({ limit: true, cursor: true })

/** A ZIP download: chosen ids, or the list's filter (at most 500 documents). */
export const DocumentZipQuerySchema = DocumentExportQuerySchema.extend({
  ids: z
    .string()
    .max(8000)
    .optional()
    .describe('Comma-separated ids (up to 200); without them, every document of the filter.'),
})
