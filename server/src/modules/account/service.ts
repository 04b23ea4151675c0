import { createRequire } from 'node:module'
import { and, desc, eq, gt, ne } from 'drizzle-orm'
import type { UAParser as Parser } from 'ua-parser-js'
import { permissionsOf } from '../../kernel/access/index.ts'
import { recordForUser } from '../../kernel/audit/index.ts'
import { sessions } from '../../kernel/auth/schema.ts'
import { type AuthState, setActiveWorkspace as storeActiveWorkspace } from '../../kernel/auth/session.ts'
import type { UserContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { updateProfile } from './profile.service.ts'

/** The caller, their workspaces and what they may do in the active one — read from the session, no extra query. */
export function me(auth: AuthState) {
  const ws = auth.workspace
  return {
    user: auth.user,
    activeWorkspace: ws,
    workspaces: auth.workspaces.map(({ id, name, slug, role }) => ({ id, name, slug, role })),
    permissions: permissionsOf(ws?.role ?? null),
  }
}

/** Renames the caller through the profile's one write path (audited as `user.updated`). */
export async function updateMe(ctx: UserContext, input: { name: string }) {
  await updateProfile(ctx, { name: input.name })
  return me({ ...ctx.auth, user: { ...ctx.auth.user, name: input.name } })
}

export async function setActiveWorkspace(ctx: UserContext, workspaceId: string) {
  const ws = ctx.auth.workspaces.find((w) => w.id === workspaceId)
  if (!ws) throw problems.notFound('Workspace')
  await storeActiveWorkspace(ctx.db, ctx.auth.sessionId, workspaceId)
  return me({ ...ctx.auth, workspace: ws })
}

let UAParser: typeof Parser | undefined

function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device'
  // ua-parser-js is loaded by the first session list, not with the server.
  UAParser ??= (createRequire(import.meta.url)('ua-parser-js') as { UAParser: typeof Parser }).UAParser
  const ua = UAParser(userAgent)
  const browser = [ua.browser.name, ua.browser.major].filter(Boolean).join(' ')
  const os = [ua.os.name, ua.os.version].filter(Boolean).join(' ')
  return [browser, os].filter(Boolean).join(' on ') || userAgent.slice(0, 60)
}

export async function listSessions(ctx: UserContext) {
  const rows = await ctx.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, ctx.auth.user.id), gt(sessions.expiresAt, new Date())))
    .orderBy(desc(sessions.lastSeenAt))
  return {
    data: rows.map((s) => ({
      id: s.id,
      current: s.id === ctx.auth.sessionId,
      ipAddress: s.ipAddress,
      userAgent: s.userAgent,
      device: describeDevice(s.userAgent),
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
    })),
  }
}

/** Signs out one of the caller's own sessions; another user's session id answers 404. */
export async function revokeSession(ctx: UserContext, id: string) {
  await ctx.db.transaction(async (tx) => {
    const deleted = await tx
      .delete(sessions)
      .where(and(eq(sessions.id, id), eq(sessions.userId, ctx.auth.user.id)))
      .returning({ id: sessions.id })
    if (deleted.length === 0) throw problems.notFound('Session')
    await recordForUser(tx, ctx.meta, ctx.auth.user, {
      action: 'auth.session_revoked',
      after: { sessionId: id },
    })
  })
}

/** Signs out every session of the caller but the current one. */
export async function revokeOtherSessions(ctx: UserContext) {
  return ctx.db.transaction(async (tx) => {
    const deleted = await tx
      .delete(sessions)
      .where(and(eq(sessions.userId, ctx.auth.user.id), ne(sessions.id, ctx.auth.sessionId)))
      .returning({ id: sessions.id })
    const result = { revoked: deleted.length }
    await recordForUser(tx, ctx.meta, ctx.auth.user, { action: 'auth.sessions_revoked', after: result })
    return result
  })
}
