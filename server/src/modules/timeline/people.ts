import { eq, inArray } from 'drizzle-orm'
import type { Role } from '../../kernel/access/index.ts'
import { users } from '../../kernel/auth/schema.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { problems } from '../../kernel/http/problem.ts'
import { memberships } from '../../kernel/tenancy/index.ts'

export type Person = { id: string; name: string }

/** Names of these users, by id (users who left keep their name in history). */
export async function namesOf(tx: Tx, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => Boolean(i)))]
  if (!wanted.length) return new Map()
  const rows = await tx
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(inArray(users.id, wanted))
  return new Map(rows.map((r) => [r.id, r.name]))
}

export const personOf = (names: Map<string, string>, id: string | null): Person | null =>
  id ? { id, name: names.get(id) ?? 'Former member' } : null

/** The member's role in the current workspace, or a 400 naming the field when they are not a member. */
export async function memberRole(tx: Tx, userId: string, field: string): Promise<Role> {
  const [m] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, userId))
  if (!m) throw problems.validation([{ field, message: 'is not a member of this workspace' }])
  return m.role
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Every UUID among the values of an audit diff (owner ids, assignee lists), for naming them. */
export function uuidsIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    if (UUID.test(value)) out.add(value)
  } else if (Array.isArray(value)) for (const v of value) uuidsIn(v, out)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) uuidsIn(v, out)
  return out
}
