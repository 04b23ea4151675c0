import type { FastifyInstance } from 'fastify'
import { loadSession, sessionTokenFromCookie } from '../auth/session.ts'
import type { Database } from '../db/index.ts'
import { problems } from './problem.ts'

/**
 * Routes declare `config.auth`: 'public', 'user' (signed in) or 'workspace' (signed in with an active
 * workspace whose 2FA rule the user meets). API routes default to 'workspace'.
 */
export function registerAuthHook(app: FastifyInstance, database: Database, secret: string): void {
  app.decorateRequest('auth', null)
  app.addHook('preHandler', async (req) => {
    const mode = req.routeOptions.config?.auth ?? (req.url.startsWith('/api/v1/') ? 'workspace' : 'public')
    if (mode === 'public') return
    const token = sessionTokenFromCookie(req.headers.cookie, secret)
    const auth = token ? await loadSession(database, token) : null
    if (!auth) throw problems.unauthorized()
    req.auth = auth
    if (mode === 'workspace') {
      if (!auth.workspace) throw problems.noWorkspace()
      if (auth.workspace.requireTwoFactor && !auth.user.twoFactorEnabled) throw problems.twoFactorRequired()
    }
  })
}
