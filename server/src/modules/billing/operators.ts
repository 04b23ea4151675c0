import { eq } from 'drizzle-orm'
import type { FastifyRequest } from 'fastify'
import type { Config } from '../../config.ts'
import type { AuthState } from '../../kernel/auth/session.ts'
import type { Db, Executor } from '../../kernel/db/index.ts'
import { Problem } from '../../kernel/http/problem.ts'
import { operators } from './schema.ts'

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
  const [row] = await db.select({ id: operators.userId }).from(operators).where(eq(operators.userId, user.id))
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
}
