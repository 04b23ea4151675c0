import { z } from 'zod'
import { TimestampSchema } from './common.ts'

/**
 * The public view of a sent quote or invoice, reached by its view link (`/api/v1/public/invoices/{token}`):
 * what the client reads, without ids or anything internal.
 */
export const ViewTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a view token (43 URL-safe characters)')
  .describe('The token of a view link (256 random bits, base64url).')

export const PublicDocumentLineSchema = z.object({
  description: z.string(),
  quantity: z.string(),
  unit: z.string(),
  unitPrice: z.number().int(),
  discount: z.number().int(),
  net: z.number().int(),
  tax: z.number().int(),
  total: z.number().int(),
})

export const PublicDocumentSchema = z
  .object({
    kind: z.enum(['invoice', 'quote']),
    number: z.string().nullable(),
    status: z.string(),
    issueDate: z.string(),
    dueDate: z.string().nullable(),
    poNumber: z.string().nullable(),
    currency: z.string(),
    seller: z.object({ name: z.string(), addressLines: z.array(z.string()) }),
    buyer: z.object({ name: z.string() }),
    lines: z.array(PublicDocumentLineSchema),
    totals: z.object({
      subtotal: z.number().int(),
      discount: z.number().int(),
      shipping: z.number().int(),
      tax: z.number().int(),
      total: z.number().int(),
      paid: z.number().int(),
      amountDue: z.number().int(),
    }),
    notes: z.string().nullable(),
    terms: z.string().nullable(),
    paymentInstructions: z.string().nullable(),
    viewedAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'PublicDocument' })

export const ViewLinkSchema = z
  .object({
    url: z.url().describe('The public page; the token in it is shown only now (it is stored hashed).'),
    token: ViewTokenSchema,
  })
  .meta({ id: 'ViewLink' })

export type PublicDocument = z.infer<typeof PublicDocumentSchema>
export type ViewLink = z.infer<typeof ViewLinkSchema>
