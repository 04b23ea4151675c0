import { z } from 'zod'
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
