import { and, asc, eq, gt, ilike, or } from 'drizzle-orm'
import { assertCan, can, type Role } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { users } from '../../kernel/auth/schema.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { Events } from '../../kernel/events/index.ts'
import type { WorkspaceContext } from '../../kernel/http/context.ts'
import { decodeCursor, page } from '../../kernel/http/pagination.ts'
import { problems } from '../../kernel/http/problem.ts'
import { membershipChanged } from '../../kernel/realtime/index.ts'
import { memberships, withWorkspace } from '../../kernel/tenancy/index.ts'

const memberColumns = {
  id: memberships.id,
  userId: memberships.userId,
  name: users.name,
  email: users.email,
  role: memberships.role,
  createdAt: memberships.createdAt,
}

type MemberRow = { id: string; userId: string; name: string; email: string; role: Role; createdAt: Date }

const serialize = (m: MemberRow) => ({
  id: m.id,
  userId: m.userId,
  name: m.name,
  email: m.email,
  role: m.role,
  createdAt: m.createdAt.toISOString(),
})

async function findMember(tx: Tx, id: string) {
  const [m] = await tx
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.id, id))
  // Row-level security hides other workspaces' members: "not found" and "not yours" look the same.
  if (!m) throw problems.notFound('Member')
  return m
}

/** `text` as a LIKE pattern matching it anywhere, its own wildcards taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export async function listMembers(ctx: WorkspaceContext, q: { limit: number; cursor?: string; q?: string }) {
  assertCan(ctx.actor, 'members:read')
  const cursor = decodeCursor(q.cursor)
  const search = q.q ? containing(q.q) : null
  return withWorkspace(ctx, async (tx) => {
    const rows = await tx
      .select(memberColumns)
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(
        and(
          cursor
            ? or(
                gt(memberships.createdAt, new Date(cursor.t)),
                and(eq(memberships.createdAt, new Date(cursor.t)), gt(memberships.id, cursor.id)),
              )
            : undefined,
          search ? or(ilike(users.name, search), ilike(users.email, search)) : undefined,
        ),
      )
      .orderBy(asc(memberships.createdAt), asc(memberships.id))
      .limit(q.limit + 1)
    const p = page(rows, q.limit)
    return { data: p.data.map(serialize), nextCursor: p.nextCursor }
  })
}

export async function changeRole(
  deps: { events: Events },
  ctx: WorkspaceContext,
  memberId: string,
  role: Role,
) {
  assertCan(ctx.actor, 'members:write')
  return withWorkspace(ctx, async (tx) => {
    const m = await findMember(tx, memberId)
    if (role === 'owner')
      throw problems.badRequest(
        'A workspace has exactly one owner: use "transfer ownership" instead.',
        'role',
      )
    if (m.role === 'owner')
      throw problems.conflict('The owner keeps the owner role until ownership is transferred.', 'role')
    if ((m.role === 'admin' || role === 'admin') && !can(ctx.actor, 'members:admins'))
      throw problems.forbidden('Only the owner makes, changes or removes admins.')
    if (m.role === role) return serialize(m)
    await tx.update(memberships).set({ role, updatedAt: new Date() }).where(eq(memberships.id, memberId))
    await membershipChanged(tx, ctx.workspaceId, m.userId, 'role_changed')
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'member.role_changed',
      targetType: 'member',
      targetId: m.id,
      targetLabel: m.email,
      before: { role: m.role },
      after: { role },
    })
    await deps.events.emit(tx, 'member.role_changed', ctx.workspaceId, {
      memberId: m.id,
      userId: m.userId,
      before: m.role,
      after: role,
      changedBy: ctx.actor.userId,
    })
    return serialize({ ...m, role })
  })
}

/** Removes a member, or lets a member leave. The owner cannot be removed: ownership moves first. */
export async function removeMember(ctx: WorkspaceContext, memberId: string) {
  return withWorkspace(ctx, async (tx) => {
    const m = await findMember(tx, memberId)
    const self = m.userId === ctx.actor.userId
    if (!self) assertCan(ctx.actor, 'members:write')
    if (m.role === 'owner')
      throw problems.conflict(
        'The owner cannot be removed. Transfer ownership to another member first.',
        'memberId',
      )
    if (!self && m.role === 'admin' && !can(ctx.actor, 'members:admins'))
      throw problems.forbidden('Only the owner makes, changes or removes admins.')
    await tx.delete(memberships).where(eq(memberships.id, memberId))
    await membershipChanged(tx, ctx.workspaceId, m.userId, 'removed')
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: self ? 'member.left' : 'member.removed',
      targetType: 'member',
      targetId: m.id,
      targetLabel: m.email,
      before: { role: m.role },
    })
  })
}

/** Makes another member the owner; the previous owner becomes an admin. */
export async function transferOwnership(ctx: WorkspaceContext, memberId: string) {
  assertCan(ctx.actor, 'workspace:transfer')
  return withWorkspace(ctx, async (tx) => {
    const target = await findMember(tx, memberId)
    if (target.userId === ctx.actor.userId)
      throw problems.badRequest('You already own this workspace.', 'memberId')
    const now = new Date()
    await tx
      .update(memberships)
      .set({ role: 'admin', updatedAt: now })
      .where(and(eq(memberships.userId, ctx.actor.userId), eq(memberships.role, 'owner')))
    await tx.update(memberships).set({ role: 'owner', updatedAt: now }).where(eq(memberships.id, memberId))
    await membershipChanged(tx, ctx.workspaceId, ctx.actor.userId, 'role_changed')
    await membershipChanged(tx, ctx.workspaceId, target.userId, 'role_changed')
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'workspace.ownership_transferred',
      targetType: 'member',
      targetId: target.id,
      targetLabel: target.email,
      before: { owner: ctx.auth.user.email },
      after: { owner: target.email },
    })
    const rows = await tx
      .select(memberColumns)
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .orderBy(asc(memberships.createdAt), asc(memberships.id))
    return { data: rows.map(serialize) }
  })
}
