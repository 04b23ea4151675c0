import { z } from 'zod'

export const RoleSchema = z.enum(['owner', 'admin', 'member'])
export const IdSchema = z.uuid()
export const TimestampSchema = z.iso
  .datetime({ offset: true })
  .meta({ description: 'ISO 8601 UTC timestamp' })

const storable = (v: string) => !/^0000/.test(v) && Number.isFinite(Date.parse(v))
const yearRange = 'must be a real date between the years 0001 and 9999'

/** An ISO 8601 date and time given as input, in a range PostgreSQL and JavaScript both hold. */
export const DateTimeInputSchema = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date and time' })
  .refine(storable, yearRange)

/** A day (`2026-05-01`) or a date and time, as filters take them. */
export const DayOrTimeInputSchema = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .refine(storable, yearRange)

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' })

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() })

/**
 * The problem responses a route documents, by status: `problemResponses(400, 404)`. Every operation
 * also declares 4XX and 5XX problems in OpenAPI, so a route lists only the statuses it names.
 */
export function problemResponses<const S extends readonly number[]>(
  ...statuses: S
): { [K in S[number]]: typeof ProblemSchema } {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema])) as {
    [K in S[number]]: typeof ProblemSchema
  }
}
