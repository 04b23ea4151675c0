import { z } from 'zod'
import { DayOrTimeInputSchema, IdSchema, TimestampSchema } from './common.ts'
import type { PermissionDefaults, PermissionsOf } from './permissions.ts'

export const auditPermissions = { 'audit:read': ['owner', 'admin'] } as const satisfies PermissionDefaults

declare module './permissions.ts' {
  interface PermissionMap extends PermissionsOf<typeof auditPermissions> {}
}

export const AuditFilterSchema = z.object({
  actorId: IdSchema.optional(),
  action: z.string().trim().max(100).optional(),
  from: DayOrTimeInputSchema.optional(),
  to: DayOrTimeInputSchema.optional(),
})

export const AuditEntrySchema = z
  .object({
    id: IdSchema,
    actor: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    targetLabel: z.string().nullable(),
    ipAddress: z.string().nullable(),
    userAgent: z.string().nullable(),
    changes: z.object({
      before: z.record(z.string(), z.unknown()).nullable(),
      after: z.record(z.string(), z.unknown()).nullable(),
    }),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'AuditEntry' })
