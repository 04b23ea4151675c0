/**
 * Permissions are declared by the modules that check them. Each module's contract lists its
 * permissions with the roles that hold them by default, and adds them to `PermissionMap`:
 *
 *   export const clientPermissions = { 'clients:read': ['owner', 'admin', 'member'] } as const satisfies PermissionDefaults
 *   declare module './permissions.ts' { interface PermissionMap extends PermissionsOf<typeof clientPermissions> {} }
 *
 * `Permission` is then the union of every module's strings, on the server and in the web app alike, so
 * a misspelt permission does not compile.
 */
export const roles = ['owner', 'admin', 'member'] as const
export type Role = (typeof roles)[number]

// biome-ignore lint/suspicious/noEmptyInterface: filled by each module's contract (declaration merging)
export interface PermissionMap {}
export type Permission = Extract<keyof PermissionMap, string>

/** A module's permissions and the roles that hold each by default. */
export type PermissionDefaults = Readonly<Record<string, readonly Role[]>>
/** The `PermissionMap` entries of a module's permission table. */
export type PermissionsOf<T extends PermissionDefaults> = { readonly [K in keyof T]: true }
