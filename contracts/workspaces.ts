import { z } from 'zod'
import { IdSchema, RoleSchema, TimestampSchema } from './common.ts'
import type { PermissionDefaults, PermissionsOf } from './permissions.ts'

/** What the workspaces module lets each role do by default. Only the owner makes or unmakes admins. */
export const workspacePermissions = {
  'workspace:read': ['owner', 'admin', 'member'],
  'workspace:write': ['owner', 'admin'],
  'workspace:transfer': ['owner'],
  'workspace:security': ['owner'],
  'members:read': ['owner', 'admin', 'member'],
  'members:write': ['owner', 'admin'],
  'members:admins': ['owner'],
  'invitations:read': ['owner', 'admin'],
  'invitations:write': ['owner', 'admin'],
} as const satisfies PermissionDefaults

declare module './permissions.ts' {
  interface PermissionMap extends PermissionsOf<typeof workspacePermissions> {}
}

export const SlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'must be at least 2 characters')
  .max(48, 'must be at most 48 characters')
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'may contain only lowercase letters, digits and inner hyphens')

export const WorkspaceSchema = z
  .object({
    id: IdSchema,
    name: z.string(),
    slug: z.string(),
    requireTwoFactor: z.boolean(),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'Workspace' })

export const CreateWorkspaceSchema = z.object({ name: z.string().trim().min(1).max(80), slug: SlugSchema })
export const UpdateWorkspaceSchema = z
  .object({
    name: z.string().trim().min(1).max(80).optional(),
    slug: SlugSchema.optional(),
    requireTwoFactor: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' })

export const MemberSchema = z
  .object({
    id: IdSchema,
    userId: IdSchema,
    name: z.string(),
    email: z.string(),
    role: RoleSchema,
    createdAt: TimestampSchema,
  })
  .meta({ id: 'Member' })

export const UpdateMemberSchema = z.object({ role: RoleSchema })

export const InvitationSchema = z
  .object({
    id: IdSchema,
    email: z.string(),
    role: RoleSchema,
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    expiresAt: TimestampSchema,
    createdAt: TimestampSchema,
    inviterName: z.string().nullable(),
  })
  .meta({ id: 'Invitation' })

export const CreateInvitationSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  role: z.enum(['admin', 'member']),
})

export const InvitationPreviewSchema = z
  .object({
    workspaceName: z.string(),
    email: z.string(),
    role: RoleSchema,
    inviterName: z.string().nullable(),
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    expiresAt: TimestampSchema,
  })
  .meta({ id: 'InvitationPreview' })
