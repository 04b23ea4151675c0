import { z } from 'zod'
import type { PermissionDefaults, PermissionsOf } from './permissions.ts'

/** Defining custom fields changes what every record of a type holds: owners and admins only. */
export const customFieldPermissions = {
  'custom_fields:write': ['owner', 'admin'],
} as const satisfies PermissionDefaults

declare module './permissions.ts' {
  interface PermissionMap extends PermissionsOf<typeof customFieldPermissions> {}
}

/** Which record type's fields: `client` today, later `invoice`, `ticket`. */
export const RecordTypeQuerySchema = z.object({
  recordType: z
    .string()
    .regex(/^[a-z][a-z_]{0,39}$/, 'must be a record type such as client')
    .default('client')
    .describe('The record type whose fields these are (`client` when absent).'),
})
