import type { FastifyRequest } from 'fastify'
import type { Actor, Permission } from '../access/index.ts'
import type { AuditMeta } from '../audit/index.ts'
import type { AuthState } from '../auth/session.ts'
import type { Db } from '../db/index.ts'
import { problems } from './problem.ts'

export type AuthMode = 'public' | 'user' | 'workspace'

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthMode
    /**
     * The permission every call of this route needs, checked before the handler runs (services check
     * it too); it also feeds the role matrix test and the OpenAPI document (`x-permission`).
     */
    permission?: Permission
  }
  interface FastifyRequest {
    auth: AuthState | null
  }
}

/** Who is asking, from where: what services need to check access and write audit entries. */
export type UserContext = { db: Db; auth: AuthState; meta: AuditMeta }
export type WorkspaceContext = UserContext & { workspaceId: string; actor: Actor }
/** What domain services need of a request: also built by jobs and the seed, which have no session. */
export type ServiceContext = Pick<WorkspaceContext, 'db' | 'workspaceId' | 'actor' | 'meta'>

export function auditMeta(req: FastifyRequest, actor?: { id: string; email: string } | null): AuditMeta {
  return {
    actorId: actor?.id ?? null,
    actorLabel: actor?.email ?? null,
    ipAddress: req.ip ?? null,
    userAgent: (req.headers['user-agent'] as string | undefined)?.slice(0, 512) ?? null,
    requestId: req.id,
  }
}

export function userContext(req: FastifyRequest, db: Db): UserContext {
  const auth = req.auth
  if (!auth) throw problems.unauthorized()
  return { db, auth, meta: auditMeta(req, auth.user) }
}

export function workspaceContext(req: FastifyRequest, db: Db): WorkspaceContext {
  const ctx = userContext(req, db)
  const ws = ctx.auth.workspace
  if (!ws) throw problems.noWorkspace()
  return { ...ctx, workspaceId: ws.id, actor: { userId: ctx.auth.user.id, role: ws.role } }
}
