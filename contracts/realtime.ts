import { z } from 'zod'
import { TimestampSchema } from './common.ts'

/** A realtime event: what changed, by ids. Clients refetch the data through the API. */
export const RealtimeEventSchema = z
  .object({
    cursor: z
      .number()
      .int()
      .describe('Monotonic position of the event; catch up with `after` = the last one seen.'),
    type: z.string().describe('What changed, such as `client.updated`.'),
    room: z
      .string()
      .describe(
        'Who it was sent to: `workspace`, `user:<id>`, or a resource room such as `conversation:<id>`.',
      ),
    ids: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    at: TimestampSchema,
  })
  .meta({ id: 'RealtimeEvent' })

export const RealtimeEventsQuerySchema = z.object({
  after: z
    .string()
    .regex(/^\d{1,15}$/, 'must be the cursor of an event (digits), or 0 to start')
    .default('0')
    .describe('The cursor of the last event seen.'),
  limit: z.coerce.number().int().min(1).max(1000).default(500).describe('Events per page (1–1000).'),
})

export const RealtimeEventsPageSchema = z.object({
  data: z.array(RealtimeEventSchema),
  cursor: z
    .number()
    .int()
    .describe('The last cursor read (also when its event was not for you): continue from it.'),
  nextCursor: z.string().nullable().describe('Set when more events follow: pass it as `after`.'),
})

export const RealtimeTokenSchema = z.object({
  token: z.string().describe('Pass as `auth.token` when opening the socket (`/socket.io/`).'),
  expiresAt: TimestampSchema,
})
