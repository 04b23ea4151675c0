import { z } from 'zod'
import { TimestampSchema } from './common.ts'

/** Where a notification may reach its recipient. */
export const NotificationChannelSchema = z.enum(['in_app', 'email', 'push'])
export type NotificationChannel = z.output<typeof NotificationChannelSchema>
export const notificationChannels = NotificationChannelSchema.options

/** When a member's notification emails go out: one per notification, or collected into a digest. */
export const DigestSchema = z.enum(['immediately', 'hourly', 'daily'])
export type Digest = z.output<typeof DigestSchema>

const NotificationIdSchema = z
  .string()
  .regex(/^ntf_[0-9a-f]{32}$/, 'must be a notification id (ntf_…)')
  .describe('A notification id.')

export const NotificationIdParamsSchema = z.object({ id: NotificationIdSchema })

export const NotificationSchema = z
  .object({
    id: z.string(),
    type: z.string().describe('The notification type, as registered by the module that sends it.'),
    title: z.string(),
    summary: z.string(),
    link: z.string().nullable().describe('Where the source is in the app (a path), when it has one.'),
    payload: z.record(z.string(), z.unknown()).describe('The ids and values the type rendered from.'),
    readAt: TimestampSchema.nullable(),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'Notification' })
export type Notification = z.output<typeof NotificationSchema>

export const NotificationListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(30).describe('Page size (1–100).'),
  cursor: z.string().max(200).optional().describe('The `nextCursor` of the previous page.'),
  unread: z.enum(['true', 'false']).optional().describe('`true`: only notifications not read yet.'),
})

export const NotificationPageSchema = z
  .object({ data: z.array(NotificationSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'NotificationPage' })

export const UnreadCountSchema = z
  .object({ unread: z.number().int() })
  .meta({ id: 'NotificationUnreadCount' })

export const MarkAllReadSchema = z.object({ marked: z.number().int().describe('How many were unread.') })

const ChannelSwitchesSchema = z.object({ in_app: z.boolean(), email: z.boolean(), push: z.boolean() })

export const NotificationPreferencesSchema = z
  .object({
    digest: DigestSchema.describe('When email goes out: each at once, or collected hourly or daily.'),
    types: z
      .array(
        z.object({
          type: z.string(),
          label: z.string().describe('What the type is about, for the preferences page.'),
          module: z.string(),
          channels: ChannelSwitchesSchema.describe('What is on for you (your choice, else the default).'),
          defaults: ChannelSwitchesSchema,
          emailWhenOffline: z
            .boolean()
            .describe('Email only when you have not been active in the app for a while.'),
        }),
      )
      .describe('Every notification type the app has, in registration order.'),
    updatedAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'NotificationPreferences' })
export type NotificationPreferences = z.output<typeof NotificationPreferencesSchema>

export const NotificationPreferencesInputSchema = z
  .object({
    digest: DigestSchema.optional(),
    channels: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_.]{0,63}$/, 'must be a notification type'),
        z.object({
          in_app: z.boolean().optional(),
          email: z.boolean().optional(),
          push: z.boolean().optional(),
        }),
      )
      .optional()
      .describe('Per type, the channels to switch on or off; types left out keep their setting.'),
  })
  .describe('Notification settings to change.')
export type NotificationPreferencesInput = z.output<typeof NotificationPreferencesInputSchema>

export const PushKeySchema = z
  .object({ publicKey: z.string().describe('The VAPID public key (base64url) for `applicationServerKey`.') })
  .meta({ id: 'PushPublicKey' })

export const PushSubscriptionInputSchema = z
  .object({
    endpoint: z
      .url({ protocol: /^https$/, error: 'must be an https URL' })
      .max(2000)
      .describe("The push service's endpoint, from the browser's PushSubscription."),
    keys: z.object({
      p256dh: z
        .string()
        .regex(/^[A-Za-z0-9_-]{80,100}=*$/, 'must be a base64url P-256 public key')
        .describe('The browser’s P-256 public key (base64url).'),
      auth: z
        .string()
        .regex(/^[A-Za-z0-9_-]{16,32}=*$/, 'must be a base64url auth secret')
        .describe('The 16-byte auth secret (base64url).'),
    }),
  })
  .describe('A browser push subscription (PushSubscription.toJSON()).')

export const PushSubscriptionSchema = z
  .object({ id: z.string(), endpoint: z.string(), createdAt: TimestampSchema })
  .meta({ id: 'PushSubscription' })

export const PushUnsubscribeInputSchema = z.object({
  endpoint: z.string().max(2000).describe('The endpoint of the subscription to remove.'),
})
