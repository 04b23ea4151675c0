import { z } from 'zod'

export const RoleSchema = z.enum(['owner', 'admin', 'member'])
export const IdSchema = z.uuid()
export const TimestampSchema = z.iso
  .datetime({ offset: true })
  .meta({ description: 'ISO 8601 UTC timestamp' })

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
