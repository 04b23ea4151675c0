import { createHmac, timingSafeEqual } from 'node:crypto'

/** How long a realtime token may be used to open a socket. */
export const TOKEN_TTL_SECONDS = 120

const keyOf = (secret: string) => createHmac('sha256', secret).update('atrium realtime token v1').digest()

/**
 * A short-lived token for API clients that have no session cookie: it lets its holder open sockets as
 * one user in one workspace until it expires (membership is checked again when the socket opens).
 */
export function issueRealtimeToken(
  secret: string,
  userId: string,
  workspaceId: string,
  now = Date.now(),
): { token: string; expiresAt: Date } {
  const exp = Math.floor(now / 1000) + TOKEN_TTL_SECONDS
  const body = Buffer.from(JSON.stringify({ u: userId, w: workspaceId, exp })).toString('base64url')
  const mac = createHmac('sha256', keyOf(secret)).update(body).digest('base64url')
  return { token: `rt1.${body}.${mac}`, expiresAt: new Date(exp * 1000) }
}

/** The user and workspace a valid, unexpired token names; null for anything else. */
export function verifyRealtimeToken(
  secret: string,
  token: unknown,
  now = Date.now(),
): { userId: string; workspaceId: string } | null {
  if (typeof token !== 'string' || token.length > 512) return null
  const [version, body, mac] = token.split('.')
  if (version !== 'rt1' || !body || !mac) return null
  const expected = createHmac('sha256', keyOf(secret)).update(body).digest()
  const given = Buffer.from(mac, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  try {
    const c = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
      u?: unknown
      w?: unknown
      exp?: unknown
    }
    if (typeof c.u !== 'string' || typeof c.w !== 'string' || typeof c.exp !== 'number') return null
    if (c.exp * 1000 <= now) return null
    return { userId: c.u, workspaceId: c.w }
  } catch {
    return null
  }
}
