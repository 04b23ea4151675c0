import type { FastifyInstance } from 'fastify'
import { can, type Permission } from '../access/index.ts'
import { type AuthState, loadSession, sessionTokenFromCookie } from '../auth/session.ts'
import type { Database } from '../db/index.ts'
import { forgetMembers, setMemberCacheMs } from '../tenancy/members.ts'
import { problems } from './problem.ts'

export type RoutePermission = { method: string; url: string; permission: Permission }
const permissionsByApp = new WeakMap<FastifyInstance, RoutePermission[]>()

/** The routes that declare the permission every call needs: the role matrix, read from the app itself. */
export function routePermissions(app: FastifyInstance): readonly RoutePermission[] {
  return permissionsByApp.get(app) ?? []
}

/**
 * Routes declare `config.auth`: 'public', 'user' (signed in) or 'workspace' (signed in with an active
 * workspace whose 2FA rule the user meets). API routes default to 'workspace'. A route may also declare
 * `config.permission`: callers whose role lacks it get 403 before the body is validated.
 *
 * A resolved session is reused for `cacheMs` on this node, so a burst of reads costs one query. Every
 * request that may change state (any method but GET/HEAD) empties the cache before its answer leaves,
 * so on one node a sign-out, revocation or role change applies to the very next request; other nodes
 * see it within `cacheMs`. `cacheMs = 0` turns the cache off. The workspace member references
 * (`kernel/tenancy/members.ts`) follow the same rule.
 */
export function registerAuthHook(
  app: FastifyInstance,
  database: Database,
  secret: string,
  cacheMs: number,
): void {
  const cache = new Map<string, { auth: AuthState; until: number }>()
  setMemberCacheMs(cacheMs)
  const resolve = async (token: string): Promise<AuthState | null> => {
    if (cacheMs > 0) {
      const hit = cache.get(token)
      if (hit && hit.until > performance.now()) return hit.auth
    }
    const auth = await loadSession(database, token)
    if (auth && cacheMs > 0) {
      if (cache.size >= 10_000) cache.clear()
      cache.set(token, { auth, until: performance.now() + cacheMs })
    }
    return auth
  }

  const declared: RoutePermission[] = []
  permissionsByApp.set(app, declared)
  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission
    if (!permission) return
    for (const method of [route.method].flat())
      if (method !== 'HEAD') declared.push({ method, url: route.url, permission })
    if (route.schema && !route.schema.hide) {
      const note = `Needs the \`${permission}\` permission.`
      route.schema = {
        ...route.schema,
        description: route.schema.description ? `${route.schema.description}\n\n${note}` : note,
      }
    }
  })

  app.decorateRequest('auth', null)
  app.addHook('preValidation', async (req) => {
    const mode = req.routeOptions.config?.auth ?? (req.url.startsWith('/api/v1/') ? 'workspace' : 'public')
    if (mode === 'public') return
    const token = sessionTokenFromCookie(req.headers.cookie, secret)
    const auth = token ? await resolve(token) : null
    if (!auth) throw problems.unauthorized()
    req.auth = auth
    if (mode === 'workspace') {
      if (!auth.workspace) throw problems.noWorkspace()
      if (auth.workspace.requireTwoFactor && !auth.user.twoFactorEnabled) throw problems.twoFactorRequired()
      const permission = req.routeOptions.config?.permission
      if (permission && !can({ userId: auth.user.id, role: auth.workspace.role }, permission))
        throw problems.forbidden()
    }
  })
  if (cacheMs > 0)
    app.addHook('onSend', async (req, _reply, payload) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        if (cache.size) cache.clear()
        forgetMembers()
      }
      return payload
    })
}
