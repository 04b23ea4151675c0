import { createHash, randomBytes } from 'node:crypto'
import { and, desc, eq, lt, or } from 'drizzle-orm'
import { assertCan, can } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { users } from '../../kernel/auth/schema.ts'
import { setActiveWorkspace } from '../../kernel/auth/session.ts'
import type { Db, Tx } from '../../kernel/db/index.ts'
import { entitlements } from '../../kernel/entitlements/index.ts'
import type { Events } from '../../kernel/events/index.ts'
import type { UserContext, WorkspaceContext } from '../../kernel/http/context.ts'
import { decodeCursor, page } from '../../kernel/http/pagination.ts'
import { problems } from '../../kernel/http/problem.ts'
import { enterWorkspace, memberships, withWorkspace, workspaces } from '../../kernel/tenancy/index.ts'
import { invitations } from './schema.ts'

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000

export type InvitationDeps = { events: Events }

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

type Row = typeof invitations.$inferSelect

const statusOf = (i: Pick<Row, 'status' | 'expiresAt'>) =>
  i.status === 'pending' && i.expiresAt.getTime() < Date.now() ? ('expired' as const) : i.status

const serialize = (i: Row & { inviterName: string | null }) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  status: statusOf(i),
  expiresAt: i.expiresAt.toISOString(),
  createdAt: i.createdAt.toISOString(),
  inviterName: i.inviterName,
})

export type InvitationSentEvent = {
  invitationId: string
  email: string
  role: string
  token: string
  workspaceName: string
  inviterName: string
}

export async function listInvitations(ctx: WorkspaceContext, q: { limit: number; cursor?: string }) {
  assertCan(ctx.actor, 'invitations:read')
  const cursor = decodeCursor(q.cursor)
  return withWorkspace(ctx, async (tx) => {
    const rows = await tx
      .select({ inv: invitations, inviterName: users.name })
      .from(invitations)
      .leftJoin(users, eq(users.id, invitations.inviterId))
      .where(
        cursor
          ? or(
              lt(invitations.createdAt, new Date(cursor.t)),
              and(eq(invitations.createdAt, new Date(cursor.t)), lt(invitations.id, cursor.id)),
            )
          : undefined,
      )
      .orderBy(desc(invitations.createdAt), desc(invitations.id))
      .limit(q.limit + 1)
    const p = page(
      rows.map((r) => ({ ...r.inv, inviterName: r.inviterName })),
      q.limit,
    )
    return { data: p.data.map(serialize), nextCursor: p.nextCursor }
  })
}

async function issue(deps: InvitationDeps, ctx: WorkspaceContext, tx: Tx, inv: Row) {
  const token = randomBytes(32).toString('base64url')
  const [updated] = await tx
    .update(invitations)
    .set({
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      updatedAt: new Date(),
    })
    .where(eq(invitations.id, inv.id))
    .returning()
  const [ws] = await tx
    .select({ name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.id, ctx.workspaceId))
  await deps.events.emit(tx, 'invitation.sent', ctx.workspaceId, {
    invitationId: inv.id,
    email: inv.email,
    role: inv.role,
    token,
    workspaceName: ws!.name,
    inviterName: ctx.auth.user.name,
  })
  return updated!
}

export async function createInvitation(
  deps: InvitationDeps,
  ctx: WorkspaceContext,
  input: { email: string; role: 'admin' | 'member' },
) {
  assertCan(ctx.actor, 'invitations:write')
  if (input.role === 'admin') assertAdminMaker(ctx)
  return withWorkspace(ctx, async (tx) => {
    const [existing] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(users.email, input.email))
    if (existing) throw problems.conflict('This person is already a member of the workspace.', 'email')
    const [pending] = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.email, input.email), eq(invitations.status, 'pending')))
    if (pending && statusOf(pending) === 'pending')
      throw problems.conflict('An invitation is already pending for this email. Resend it instead.', 'email')
    if (pending) await tx.update(invitations).set({ status: 'revoked' }).where(eq(invitations.id, pending.id))
    await entitlements.assertWithin(tx, ctx.workspaceId, 'seats')
    const [inv] = await tx
      .insert(invitations)
      .values({
        workspaceId: ctx.workspaceId,
        email: input.email,
        role: input.role,
        tokenHash: hashToken(randomBytes(32).toString('base64url')),
        inviterId: ctx.actor.userId,
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      })
      .returning()
    const issued = await issue(deps, ctx, tx, inv!)
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'invitation.created',
      targetType: 'invitation',
      targetId: inv!.id,
      targetLabel: inv!.email,
      after: { email: inv!.email, role: inv!.role },
    })
    return serialize({ ...issued, inviterName: ctx.auth.user.name })
  })
}

/** An invitation as admin makes an admin: only the owner may send one. */
function assertAdminMaker(ctx: WorkspaceContext) {
  if (!can(ctx.actor, 'members:admins'))
    throw problems.forbidden('Only the owner makes, changes or removes admins.', 'role')
}

async function findInvitation(tx: Tx, id: string) {
  const [inv] = await tx.select().from(invitations).where(eq(invitations.id, id))
  if (!inv) throw problems.notFound('Invitation')
  return inv
}

export async function resendInvitation(deps: InvitationDeps, ctx: WorkspaceContext, id: string) {
  assertCan(ctx.actor, 'invitations:write')
  return withWorkspace(ctx, async (tx) => {
    const inv = await findInvitation(tx, id)
    if (inv.status !== 'pending') throw problems.conflict(`This invitation is ${inv.status}.`)
    if (inv.role === 'admin') assertAdminMaker(ctx)
    // An expired invitation holds no seat; sending it again takes one.
    if (inv.expiresAt <= new Date()) await entitlements.assertWithin(tx, ctx.workspaceId, 'seats')
    const issued = await issue(deps, ctx, tx, inv)
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'invitation.resent',
      targetType: 'invitation',
      targetId: inv.id,
      targetLabel: inv.email,
    })
    const [inviter] = await tx
      .select({ name: users.name })
      .from(users)
      .where(eq(users.id, inv.inviterId ?? ctx.actor.userId))
    return serialize({ ...issued, inviterName: inviter?.name ?? null })
  })
}

export async function revokeInvitation(ctx: WorkspaceContext, id: string) {
  assertCan(ctx.actor, 'invitations:write')
  return withWorkspace(ctx, async (tx) => {
    const inv = await findInvitation(tx, id)
    if (inv.status !== 'pending') throw problems.conflict(`This invitation is ${inv.status}.`)
    await tx
      .update(invitations)
      .set({ status: 'revoked', updatedAt: new Date() })
      .where(eq(invitations.id, id))
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'invitation.revoked',
      targetType: 'invitation',
      targetId: inv.id,
      targetLabel: inv.email,
      before: { status: 'pending' },
      after: { status: 'revoked' },
    })
  })
}

// Looking an invitation up by its secret token happens before the reader belongs to the workspace,
// so it runs on the owner connection; the token's hash is the only key.
async function byToken(db: Db, token: string) {
  if (token.length < 20 || token.length > 100) return null
  const [row] = await db
    .select({ inv: invitations, workspaceName: workspaces.name, inviterName: users.name })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .leftJoin(users, eq(users.id, invitations.inviterId))
    .where(eq(invitations.tokenHash, hashToken(token)))
  return row ?? null
}

export async function previewInvitation(db: Db, token: string) {
  const row = await byToken(db, token)
  if (!row) throw problems.notFound('Invitation')
  return {
    workspaceName: row.workspaceName,
    email: row.inv.email,
    role: row.inv.role,
    inviterName: row.inviterName,
    status: statusOf(row.inv),
    expiresAt: row.inv.expiresAt.toISOString(),
  }
}

/** Joins the invited workspace; the signed-in user's email must be the invited one. */
export async function acceptInvitation(deps: InvitationDeps, ctx: UserContext, token: string) {
  const row = await byToken(ctx.db, token)
  if (!row) throw problems.notFound('Invitation')
  const inv = row.inv
  const status = statusOf(inv)
  if (status !== 'pending') throw problems.gone(`This invitation is ${status}.`)
  if (inv.email.toLowerCase() !== ctx.auth.user.email.toLowerCase())
    throw problems.forbidden(
      `This invitation was sent to ${inv.email}. Sign in with that address to accept it.`,
    )
  return ctx.db.transaction(async (tx) => {
    await setActiveWorkspace(tx, ctx.auth.sessionId, inv.workspaceId)
    await enterWorkspace(tx, inv.workspaceId)
    const [already] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(eq(memberships.userId, ctx.auth.user.id))
    if (already) throw problems.conflict('You are already a member of this workspace.')
    const [m] = await tx
      .insert(memberships)
      .values({ workspaceId: inv.workspaceId, userId: ctx.auth.user.id, role: inv.role })
      .returning()
    const claimed = await tx
      .update(invitations)
      .set({ status: 'accepted', acceptedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(invitations.id, inv.id), eq(invitations.status, 'pending')))
      .returning({ id: invitations.id })
    if (claimed.length === 0) throw problems.gone('This invitation is no longer valid.')
    await record(tx, inv.workspaceId, ctx.meta, {
      action: 'member.joined',
      targetType: 'member',
      targetId: m!.id,
      targetLabel: ctx.auth.user.email,
      after: { role: inv.role, invitationId: inv.id },
    })
    await deps.events.emit(tx, 'invitation.accepted', inv.workspaceId, {
      invitationId: inv.id,
      memberId: m!.id,
      userId: ctx.auth.user.id,
      name: ctx.auth.user.name,
      role: inv.role,
      inviterId: inv.inviterId ?? null,
    })
    return { workspaceId: inv.workspaceId }
  })
}
