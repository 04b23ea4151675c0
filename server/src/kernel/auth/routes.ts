import { and, eq, lt, sql } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { recordForUser } from '../audit/index.ts'
import type { Database } from '../db/index.ts'
import { auditMeta } from '../http/context.ts'
import { Problem, problems } from '../http/problem.ts'
import type { Kernel } from '../kernel.ts'
import { sessions, totpUses, users } from './schema.ts'
import { sessionFromCookie } from './session.ts'

const SIGN_IN_PATHS = new Set(['/sign-in/email', '/two-factor/verify-totp', '/two-factor/verify-backup-code'])
const SESSION_PATHS = new Set([
  '/sign-out',
  '/two-factor/verify-totp',
  '/two-factor/verify-backup-code',
  '/two-factor/disable',
  '/two-factor/generate-backup-codes',
  '/change-password',
])

type AuthAudit = { action: string; after?: Record<string, unknown> }

/** Records a security event of this user, with the request's IP and user agent, in each of their workspaces. */
function auditUser(
  database: Database,
  req: FastifyRequest,
  user: { id: string; email: string },
  entry: AuthAudit,
  actor: { id: string; email: string } | null = user,
): Promise<void> {
  return database.db.transaction((tx) => recordForUser(tx, auditMeta(req, actor), user, entry))
}

function toWebRequest(req: FastifyRequest, appUrl: string): Request {
  const headers = new Headers()
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue
    if (Array.isArray(v)) for (const item of v) headers.append(k, item)
    else headers.set(k, String(v))
  }
  // Better Auth records this as the session's IP: Fastify has already applied the trust-proxy rules.
  headers.set('x-forwarded-for', req.ip)
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.body !== undefined
  if (hasBody) headers.set('content-type', 'application/json')
  headers.delete('content-length')
  return new Request(new URL(req.url, appUrl), {
    method: req.method,
    headers,
    body: hasBody ? JSON.stringify(req.body) : undefined,
  })
}

// Which request field a Better Auth error code is about, for the problem's `errors` list.
const FIELD_OF_CODE: Record<string, string> = {
  PASSWORD_TOO_SHORT: 'password',
  PASSWORD_TOO_LONG: 'password',
  INVALID_PASSWORD: 'password',
  INVALID_EMAIL: 'email',
  USER_ALREADY_EXISTS: 'email',
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: 'email',
  INVALID_TOKEN: 'token',
  INVALID_CODE: 'code',
  INVALID_BACKUP_CODE: 'code',
  INVALID_TWO_FACTOR_COOKIE: 'code',
}

/** Better Auth answers errors as {message, code}; Atrium answers every error as RFC 9457 problem+json. */
export function authErrorToProblem(
  status: number,
  body: { message?: string; code?: string },
  expectedOrigin?: string,
) {
  const code = body.code ?? (status === 404 ? 'NOT_FOUND' : 'AUTH_ERROR')
  const detail =
    code === 'INVALID_ORIGIN' && expectedOrigin
      ? `Requests must come from ${expectedOrigin} (set APP_URL to the address you use).`
      : (body.message ?? 'The request was refused.')
  let errors: { field: string; message: string }[] | undefined
  if (code === 'VALIDATION_ERROR') {
    errors = [...detail.matchAll(/\[(?:body|query)\.([\w.]+)\]\s*([^;]+)/g)].map((m) => ({
      field: m[1]!,
      message: m[2]!.trim(),
    }))
  } else if (FIELD_OF_CODE[code]) {
    errors = [{ field: FIELD_OF_CODE[code]!, message: detail }]
  }
  return {
    type: `/problems/auth/${code.toLowerCase().replaceAll('_', '-')}`,
    title:
      status === 429
        ? 'Too many requests'
        : status >= 500
          ? 'Internal error'
          : 'Authentication request refused',
    status,
    detail,
    code,
    ...(errors?.length ? { errors } : {}),
  }
}

async function sendWebResponse(
  reply: FastifyReply,
  res: Response,
  instance: string,
  expectedOrigin?: string,
): Promise<FastifyReply> {
  reply.status(res.status)
  res.headers.forEach((value, key) => {
    if (key !== 'set-cookie' && key !== 'content-length') reply.header(key, value)
  })
  const cookies = res.headers.getSetCookie()
  if (cookies.length) reply.header('set-cookie', cookies)
  const text = await res.text()
  if (res.status >= 400) {
    let body: { message?: string; code?: string } = { message: text || undefined }
    try {
      body = JSON.parse(text)
    } catch {}
    return reply
      .type('application/problem+json')
      .send({ ...authErrorToProblem(res.status, body, expectedOrigin), instance })
  }
  return reply.send(text.length ? text : null)
}

/** Mounts Better Auth at /api/auth with sign-in rate limits, TOTP replay protection and audit entries. */
export function registerAuthRoutes(app: FastifyInstance, kernel: Kernel): void {
  const { database, config, limiters } = kernel

  app.route({
    method: ['GET', 'POST'],
    url: '/api/auth/*',
    schema: { hide: true },
    config: { auth: 'public' },
    handler: async (req, reply) => {
      const path = new URL(req.url, config.appUrl).pathname.replace(/^\/api\/auth/, '')
      const body = (req.body ?? {}) as Record<string, unknown>
      const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : null
      const ipKey = `ip:${req.ip}`
      const accountKey = email ? `account:${email}` : null

      // Failed attempts count against the address and the account; a success clears the account's count.
      if (SIGN_IN_PATHS.has(path)) {
        const waits = await Promise.all([
          limiters.signInIp.check(ipKey),
          accountKey ? limiters.signInAccount.check(accountKey) : Promise.resolve(0),
        ])
        const wait = Math.max(...waits)
        if (wait > 0) {
          req.log.warn({ path, email }, 'sign-in rate limit exceeded')
          throw problems.tooManyRequests(wait)
        }
      }

      // Better Auth rotates the session on 2FA changes: read who is calling before it runs.
      const before = SESSION_PATHS.has(path) ? await currentSession(req) : null
      const resetUser = path === '/reset-password' ? await resetTokenUser(database, body.token) : null
      const res = await (await kernel.auth()).handler(toWebRequest(req, config.appUrl))
      if (res.status >= 500) req.log.error({ path, status: res.status }, 'auth handler failed')

      const ok = res.status >= 200 && res.status < 300
      if (SIGN_IN_PATHS.has(path) && !ok) {
        await limiters.signInIp.hit(ipKey)
        if (accountKey) await limiters.signInAccount.hit(accountKey)
      }
      let json: any = null
      if (res.headers.get('content-type')?.includes('application/json')) {
        json = await res
          .clone()
          .json()
          .catch(() => null)
      }
      try {
        if (path === '/sign-in/email') {
          if (ok && json?.user) {
            if (accountKey) await limiters.signInAccount.reset(accountKey)
            await auditUser(database, req, json.user, {
              action: 'auth.sign_in',
              after: { method: 'password' },
            })
          } else if (ok && json?.twoFactorRedirect) {
            // The password was right; the sign-in completes (and is audited) at the second factor.
          } else if (email) {
            const [user] = await database.db
              .select({ id: users.id, email: users.email })
              .from(users)
              .where(eq(users.email, email))
            if (user)
              await auditUser(
                database,
                req,
                user,
                { action: 'auth.sign_in_failed', after: { reason: json?.code ?? `status ${res.status}` } },
                null,
              )
          }
        } else if (
          (path === '/two-factor/verify-totp' || path === '/two-factor/verify-backup-code') &&
          ok &&
          json?.user
        ) {
          if (
            path === '/two-factor/verify-totp' &&
            !(await claimTotpCode(database, json.user.id, String(body.code)))
          ) {
            if (json.token && json.token !== before?.token)
              await database.db.delete(sessions).where(eq(sessions.token, json.token))
            throw new Problem({
              status: 401,
              type: 'totp-replayed',
              title: 'Code already used',
              detail: 'This code has already been used. Wait for the next one.',
              errors: [{ field: 'code', message: 'This code has already been used.' }],
            })
          }
          if (before && before.user.id === json.user.id) {
            if (!before.user.twoFactorEnabled)
              await auditUser(database, req, json.user, { action: 'auth.two_factor_enabled' })
          } else {
            const method = path === '/two-factor/verify-totp' ? 'totp' : 'recovery_code'
            if (accountKey) await limiters.signInAccount.reset(accountKey)
            await auditUser(database, req, json.user, { action: 'auth.sign_in', after: { method } })
          }
        } else if (path === '/sign-out' && before) {
          await auditUser(database, req, before.user, { action: 'auth.sign_out' })
        } else if (ok && path === '/two-factor/disable' && before) {
          await auditUser(database, req, before.user, { action: 'auth.two_factor_disabled' })
        } else if (ok && path === '/two-factor/generate-backup-codes' && before) {
          await auditUser(database, req, before.user, { action: 'auth.recovery_codes_regenerated' })
        } else if (ok && (path === '/reset-password' || path === '/change-password')) {
          const user = json?.user ?? before?.user ?? resetUser
          if (user?.id)
            await auditUser(database, req, user, {
              action: path === '/reset-password' ? 'auth.password_reset' : 'auth.password_changed',
            })
        }
      } catch (err) {
        if (err instanceof Problem) throw err
        req.log.error({ err, path }, 'could not record auth audit entry')
      }
      return sendWebResponse(reply, res, `/api/auth${path}`, config.appUrl)
    },
  })

  const currentSession = (req: FastifyRequest) =>
    sessionFromCookie(database, config.secretKey, req.headers.cookie)
}

async function resetTokenUser(database: Database, token: unknown) {
  if (typeof token !== 'string' || token.length > 200) return null
  const rows = await database.query<{ id: string; email: string }>(
    `select u.id, u.email from verifications v join users u on u.id::text = v.value
      where v.identifier = $1 and v.expires_at > now()`,
    [`reset-password:${token}`],
  )
  return rows[0] ?? null
}

/** Accepts each TOTP code once per user: Better Auth alone would accept it again inside its window. */
async function claimTotpCode(database: Database, userId: string, code: string): Promise<boolean> {
  return database.db.transaction(async (tx) => {
    await tx
      .delete(totpUses)
      .where(and(eq(totpUses.userId, userId), lt(totpUses.usedAt, sql`now() - interval '5 minutes'`)))
    const inserted = await tx
      .insert(totpUses)
      .values({ userId, code })
      .onConflictDoNothing()
      .returning({ code: totpUses.code })
    return inserted.length === 1
  })
}
