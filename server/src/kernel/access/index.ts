import { problems } from '../http/problem.ts'

export const roles = ['owner', 'admin', 'member'] as const
export type Role = (typeof roles)[number]

const manageClients = [
  'clients:read',
  'clients:read_all',
  'clients:write',
  'clients:delete',
  'clients:import',
  'clients:export',
  'custom_fields:write',
]

/** The one table that maps roles to what they may do. Modules add their permission strings here. */
export const rolePermissions: Record<Role, readonly string[]> = {
  owner: [
    'workspace:read',
    'workspace:write',
    'workspace:transfer',
    'workspace:security',
    'members:read',
    'members:write',
    'invitations:read',
    'invitations:write',
    'audit:read',
    ...manageClients,
  ],
  admin: [
    'workspace:read',
    'workspace:write',
    'members:read',
    'members:write',
    'invitations:read',
    'invitations:write',
    'audit:read',
    ...manageClients,
  ],
  // A member sees and edits only the clients they own or are assigned to.
  member: ['workspace:read', 'members:read', 'clients:read', 'clients:write', 'clients:export'],
}

export type Actor = { userId: string; role: Role | null }

export function permissionsOf(role: Role | null): string[] {
  return role ? [...rolePermissions[role]] : []
}

/** Whether the actor may do this. Targets outside the actor's workspace never reach here: RLS hides them. */
export function can(actor: Actor, permission: string): boolean {
  return actor.role !== null && rolePermissions[actor.role].includes(permission)
}

/** Throws 403 when the actor lacks the permission. */
export function assertCan(actor: Actor, permission: string): void {
  if (!can(actor, permission)) throw problems.forbidden()
}
