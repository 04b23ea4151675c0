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

/**
 * JSON API responses get the short set OWASP recommends for REST services; pages and assets get
 * Helmet's full policy.
 */
export function apiSecurityHeaders(hsts: boolean): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    ...(hsts ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  }
}

export function registerSecurityHeaders(
  app: FastifyInstance,
  options: HelmetOptions & { hsts: boolean },
): void {
  const { hsts, ...helmetOptions } = options
  const page = securityHeaders({ ...helmetOptions, strictTransportSecurity: hsts })
  const api = apiSecurityHeaders(hsts)
  app.addHook('onRequest', async (req, reply) => {
    reply.headers(req.url.startsWith('/api/v1/') ? api : page)
  })
}
