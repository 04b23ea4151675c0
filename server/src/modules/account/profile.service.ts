import { verify } from '@node-rs/argon2'
import { and, eq } from 'drizzle-orm'
import type { z } from 'zod'
import type { UpdateProfileSchema } from '../../../../contracts/account.ts'
import { record, recordForUser } from '../../kernel/audit/index.ts'
import { accounts, users } from '../../kernel/auth/schema.ts'
import type { Executor } from '../../kernel/db/index.ts'
import type { UserContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { enterWorkspace, memberships, workspaces } from '../../kernel/tenancy/index.ts'
import { userProfiles } from './schema.ts'

/** Up to two letters for an avatar: first and last word of the name, or the email's first letter. */
export function initialsOf(name: string, email: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words.slice(0, 1)
  const out = letters.map((w) => [...(w ?? '')][0] ?? '').join('')
  return (out || email[0] || '?').toUpperCase()
}

// Identity tables are not tenant data: these queries run on the owner connection, like the auth layer's.
async function ownedWorkspaces(db: Executor, userId: string) {
  return db
    .select({ id: workspaces.id, name: workspaces.name })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.userId, userId), eq(memberships.role, 'owner')))
}

export async function getProfile(ctx: UserContext) {
  const { user } = ctx.auth
  const [[u], [p], owned] = await Promise.all([
    ctx.db
      .select({ name: users.name, email: users.email, emailVerified: users.emailVerified })
      .from(users)
      .where(eq(users.id, user.id)),
    ctx.db.select().from(userProfiles).where(eq(userProfiles.userId, user.id)),
    ownedWorkspaces(ctx.db, user.id),
  ])
  if (!u) throw problems.unauthorized()
  return {
    ...u,
    initials: initialsOf(u.name, u.email),
    timeZone: p?.timeZone ?? null,
    language: p?.language ?? null,
    ownedWorkspaces: owned,
  }
}

export async function updateProfile(ctx: UserContext, input: z.output<typeof UpdateProfileSchema>) {
  const before = await getProfile(ctx)
  const { name, ...prefs } = input
  const changed: Record<string, unknown> = {}
  const was: Record<string, unknown> = {}
  if (name !== undefined && name !== before.name) {
    changed.name = name
    was.name = before.name
  }
  for (const key of ['timeZone', 'language'] as const)
    if (prefs[key] !== undefined && prefs[key] !== before[key]) {
      changed[key] = prefs[key]
      was[key] = before[key]
    }
  if (Object.keys(changed).length)
    await ctx.db.transaction(async (tx) => {
      if (changed.name !== undefined)
        await tx.update(users).set({ name, updatedAt: new Date() }).where(eq(users.id, ctx.auth.user.id))
      if (prefs.timeZone !== undefined || prefs.language !== undefined)
        await tx
          .insert(userProfiles)
          .values({ userId: ctx.auth.user.id, ...prefs })
          .onConflictDoUpdate({ target: userProfiles.userId, set: { ...prefs, updatedAt: new Date() } })
      await recordForUser(tx, ctx.meta, ctx.auth.user, {
        action: 'user.updated',
        before: was,
        after: changed,
      })
    })
  return getProfile(ctx)
}

/**
 * Deletes the caller's account after checking their password. Refused while they own a workspace:
 * every workspace keeps exactly one owner, so they transfer it (or delete the workspace) first.
 */
export async function deleteAccount(ctx: UserContext, password: string): Promise<void> {
  const { user } = ctx.auth
  const [credential] = await ctx.db
    .select({ password: accounts.password })
    .from(accounts)
    .where(and(eq(accounts.userId, user.id), eq(accounts.providerId, 'credential')))
  if (!credential?.password || !(await verify(credential.password, password)))
    throw problems.validation([{ field: 'password', message: 'is not your current password' }])
  const owned = await ownedWorkspaces(ctx.db, user.id)
  if (owned.length)
    throw problems.conflict(
      `You own ${owned.map((w) => w.name).join(', ')}: transfer ownership to another member or delete the workspace first.`,
      'workspaces',
    )
  await ctx.db.transaction(async (tx) => {
    const joined = await tx
      .select({ workspaceId: memberships.workspaceId })
      .from(memberships)
      .where(eq(memberships.userId, user.id))
    await tx.delete(users).where(eq(users.id, user.id))
    // Each workspace the user belonged to keeps a record that they left by deleting their account.
    for (const { workspaceId } of joined) {
      await enterWorkspace(tx, workspaceId)
      await record(tx, workspaceId, ctx.meta, {
        action: 'user.deleted',
        targetType: 'user',
        targetId: user.id,
        targetLabel: user.email,
        before: { name: user.name, email: user.email },
      })
    }
  })
}
