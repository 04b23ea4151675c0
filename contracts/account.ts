import { z } from 'zod'
import { BillingStatusSchema, PlanFeaturesSchema } from './billing.ts'
import { IdSchema, RoleSchema, TimestampSchema } from './common.ts'

export const WorkspaceSummarySchema = z.object({
  id: IdSchema,
  name: z.string(),
  slug: z.string(),
  role: RoleSchema,
})

export const MeSchema = z
  .object({
    user: z.object({
      id: IdSchema,
      name: z.string(),
      email: z.email(),
      emailVerified: z.boolean(),
      twoFactorEnabled: z.boolean(),
    }),
    activeWorkspace: WorkspaceSummarySchema.extend({ requireTwoFactor: z.boolean() }).nullable(),
    workspaces: z.array(WorkspaceSummarySchema),
    permissions: z.array(z.string()),
    operator: z.boolean().describe('Whether the user is an operator of the installation (`/operator`)'),
    features: PlanFeaturesSchema.nullable().describe(
      'The active workspace’s plan features (gate the UI on them)',
    ),
    billingStatus: BillingStatusSchema.nullable().describe(
      'The active workspace’s billing state (past_due: show the banner)',
    ),
  })
  .meta({ id: 'Me' })

export const UpdateMeSchema = z.object({ name: z.string().trim().min(1).max(120) })
export const SetActiveWorkspaceSchema = z.object({ workspaceId: IdSchema })

export const SessionSchema = z
  .object({
    id: IdSchema,
    current: z.boolean(),
    ipAddress: z.string().nullable(),
    userAgent: z.string().nullable(),
    device: z.string(),
    createdAt: TimestampSchema,
    lastSeenAt: TimestampSchema,
  })
  .meta({ id: 'Session' })

/** IANA time zone names, such as Europe/Berlin. */
const TimeZoneSchema = z
  .string()
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone })
      return true
    } catch {
      return false
    }
  }, 'must be an IANA time zone such as Europe/Berlin')

export const ProfileSchema = z
  .object({
    name: z.string(),
    email: z.email(),
    emailVerified: z.boolean(),
    initials: z.string().describe('Up to two letters from the name, shown where there is no picture.'),
    timeZone: z.string().nullable().describe('IANA time zone; null follows the browser.'),
    language: z.string().nullable().describe('Language tag; null follows the browser.'),
    ownedWorkspaces: z
      .array(z.object({ id: IdSchema, name: z.string() }))
      .describe('Workspaces this user owns: the account cannot be deleted while there are any.'),
  })
  .meta({ id: 'Profile' })

export const UpdateProfileSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(120),
    timeZone: TimeZoneSchema.nullable(),
    language: z
      .string()
      .trim()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a language tag such as en or pt-BR')
      .nullable(),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' })

export const DeleteAccountSchema = z
  .object({
    password: z.string().min(1, 'is required').max(256).describe('The current password, to confirm.'),
  })
  .strict()
