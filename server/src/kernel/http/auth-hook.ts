import type { FastifyInstance } from 'fastify'
import { type AuthState, loadSession, sessionTokenFromCookie } from '../auth/session.ts'
import type { Database } from '../db/index.ts'
import { problems } from './problem.ts'

/**
 * Routes declare `config.auth`: 'public', 'user' (signed in) or 'workspace' (signed in with an active
 * workspace whose 2FA rule the user meets). API routes default to 'workspace'.
 *
 * A resolved session is reused for `cacheMs` on this node, so a burst of reads costs one query. Every
 * request that may change state (any method but GET/HEAD) empties the cache before its answer leaves,
 * so on one node a sign-out, revocation or role change applies to the very next request; other nodes
 * see it within `cacheMs`. `cacheMs = 0` turns the cache off.
 */
export function registerAuthHook(
  app: FastifyInstance,
  database: Database,
  secret: string,
  cacheMs: number,
): void {
  const cache = new Map<string, { auth: AuthState; until: number }>()
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

  app.decorateRequest('auth', null)
  app.addHook('preHandler', async (req) => {
    const mode = req.routeOptions.config?.auth ?? (req.url.startsWith('/api/v1/') ? 'workspace' : 'public')
    if (mode === 'public') return
    const token = sessionTokenFromCookie(req.headers.cookie, secret)
    const auth = token ? await resolve(token) : null
    if (!auth) throw problems.unauthorized()
    req.auth = auth
    if (mode === 'workspace') {
      if (!auth.workspace) throw problems.noWorkspace()
      if (auth.workspace.requireTwoFactor && !auth.user.twoFactorEnabled) throw problems.twoFactorRequired()
    }
  })
  if (cacheMs > 0)
    app.addHook('onSend', async (req, _reply, payload) => {
      if (req.method !== 'GET' && req.method !== 'HEAD' && cache.size) cache.clear()
      return payload
    })
}
