import type { Permission, PermissionDefaults, Role } from '../../../../contracts/permissions.ts'
import { problems } from '../http/problem.ts'

export { type Permission, type Role, roles } from '../../../../contracts/permissions.ts'

/**
 * Which role holds which permission. The kernel names no permission itself: at start-up the app
 * installs the tables the modules declare (`installPermissions`), one table for the whole product.
 */
let rolePermissions: Record<Role, ReadonlySet<string>> = {
  owner: new Set(),
  admin: new Set(),
  member: new Set(),
}

/**
 * Builds the role table from every module's permissions. A permission declared by two modules is a
 * start-up error: each belongs to the module that checks it.
 */
export function installPermissions(tables: { module: string; permissions: PermissionDefaults }[]): void {
  const owners = new Map<string, string>()
  const next: Record<Role, Set<string>> = { owner: new Set(), admin: new Set(), member: new Set() }
  for (const { module, permissions } of tables)
    for (const [permission, holders] of Object.entries(permissions)) {
      const taken = owners.get(permission)
      if (taken) throw new Error(`permission ${permission} is declared by both ${taken} and ${module}`)
      owners.set(permission, module)
      for (const role of holders) next[role].add(permission)
    }
  rolePermissions = next
}

export type Actor = { userId: string; role: Role | null }

export function permissionsOf(role: Role | null): Permission[] {
  return role ? ([...rolePermissions[role]] as Permission[]) : []
}

/** Whether the actor may do this. Targets outside the actor's workspace never reach here: RLS hides them. */
export function can(actor: Actor, permission: Permission): boolean {
  return actor.role !== null && rolePermissions[actor.role].has(permission)
}

/** Throws 403 when the actor lacks the permission. */
export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw problems.forbidden()
}
