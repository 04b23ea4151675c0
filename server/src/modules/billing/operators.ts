import { eq } from 'drizzle-orm'
import type { FastifyRequest } from 'fastify'
import type { Config } from '../../config.ts'
import type { AuthState } from '../../kernel/auth/session.ts'
import type { Db, Executor } from '../../kernel/db/index.ts'
import { Problem } from '../../kernel/http/problem.ts'
import { operators } from './schema.ts'

/**
 * Whether a user is in `operators`, remembered for a few seconds per node: the session answer
 * (`/api/v1/me`, benchmarked) asks on every call. A grant on this node applies at once.
 */
const CACHE_MS = 5_000
const cache = new Map<string, { operator: boolean; until: number }>()

/**
 * An operator runs the installation: made one by `atrium create-admin --operator` (a row in
 * `operators`), or by a verified email listed in OPERATOR_EMAILS. Operators are not a workspace role.
 */
export async function isOperator(
  db: Executor,
  config: Pick<Config, 'operatorEmails'>,
  user: AuthState['user'],
): Promise<boolean> {
  if (user.emailVerified && config.operatorEmails.includes(user.email.toLowerCase())) return true
  const hit = cache.get(user.id)
  if (hit && hit.until > performance.now()) return hit.operator
  const [row] = await db.select({ id: operators.userId }).from(operators).where(eq(operators.userId, user.id))
  if (cache.size >= 10_000) cache.clear()
  cache.set(user.id, { operator: !!row, until: performance.now() + CACHE_MS })
  return !!row
}

export const notAnOperator = () =>
  new Problem({
    status: 403,
    type: 'not-an-operator',
    title: 'Operators only',
    detail: 'This is the operator area of the installation; your account is not an operator.',
  })

/** Refuses (403 `not-an-operator`) a request whose user is not an operator. */
export async function assertOperator(req: FastifyRequest, db: Db, config: Pick<Config, 'operatorEmails'>) {
  const auth = req.auth
  if (!auth || !(await isOperator(db, config, auth.user))) throw notAnOperator()
  return auth
}

/** Makes a user an operator (idempotent). */
export async function grantOperator(db: Db, userId: string, grantedBy: string | null = null): Promise<void> {
  await db.insert(operators).values({ userId, grantedBy }).onConflictDoNothing()
  cache.delete(userId)
}
