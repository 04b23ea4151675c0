import type { PermissionDefaults, PermissionsOf } from './permissions.ts'

/** Defining custom fields changes what every record of a type holds: owners and admins only. */
export const customFieldPermissions = {
  'custom_fields:write': ['owner', 'admin'],
} as const satisfies PermissionDefaults

declare module './permissions.ts' {
  interface PermissionMap extends PermissionsOf<typeof customFieldPermissions> {}
}
