import type { FastifyInstance } from 'fastify'
import helmet, { type HelmetOptions } from 'helmet'

/**
 * Helmet's security headers, computed once at boot: the policy never changes per request, and
 * recomputing it (as the per-request middleware does) costs more than the rest of a small API call.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader: (k: string, v: string) => {
      headers[k.toLowerCase()] = String(v)
    },
    removeHeader: (k: string) => {
      delete headers[k.toLowerCase()]
    },
  }
  helmet(options)({} as never, res as never, () => {})
  return headers
}

export function registerSecurityHeaders(app: FastifyInstance, options: HelmetOptions): void {
  const headers = securityHeaders(options)
  app.addHook('onRequest', async (_req, reply) => {
    reply.headers(headers)
  })
}
