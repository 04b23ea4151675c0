import { createHash } from 'node:crypto'
import { and, eq, lt, ne, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../db/index.ts'
import { idempotencyKeys } from './idempotency.schema.ts'
import { Problem, problems } from './problem.ts'

const KEY = /^[\w.:-]{1,200}$/
const TTL = sql`interval '24 hours'`

/**
 * Honours `Idempotency-Key` on every signed-in POST under /api/v1: the first request's status and body
 * are kept for 24 hours and returned again for a retry with the same key and payload.
 */
export function registerIdempotency(app: FastifyInstance, database: Database): void {
  const { db } = database

  app.addHook('preHandler', async (req, reply) => {
    const key = req.headers['idempotency-key']
    if (req.method !== 'POST' || !req.auth || typeof key !== 'string' || !req.url.startsWith('/api/v1/'))
      return
    if (!KEY.test(key))
      throw problems.validation(
        [{ field: 'Idempotency-Key', message: 'is not a valid key' }],
        'Idempotency-Key must be 1–200 letters, digits or . _ : -',
      )
    const requestHash = createHash('sha256')
      .update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`)
      .digest('hex')
    const userId = req.auth.user.id
    // One statement claims the key: a new key, or one whose 24 hours have passed, is (re)taken, and the
    // user's other expired keys are cleared on the way.
    const expired = db.$with('expired').as(
      db
        .delete(idempotencyKeys)
        .where(
          and(
            eq(idempotencyKeys.userId, userId),
            ne(idempotencyKeys.key, key),
            lt(idempotencyKeys.createdAt, sql`now() - ${TTL}`),
          ),
        )
        .returning({ key: idempotencyKeys.key }),
    )
    const claimed = await db
      .with(expired)
      .insert(idempotencyKeys)
      .values({ userId, key, requestHash })
      .onConflictDoUpdate({
        target: [idempotencyKeys.userId, idempotencyKeys.key],
        set: { requestHash, status: null, contentType: null, body: null, createdAt: sql`now()` },
        setWhere: lt(idempotencyKeys.createdAt, sql`now() - ${TTL}`),
      })
      .returning({ key: idempotencyKeys.key })
    if (claimed.length === 1) {
      req.idempotency = { userId, key }
      return
    }
    const [prior] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
    if (!prior || prior.requestHash !== requestHash)
      throw new Problem({
        status: 422,
        type: 'idempotency-key-reused',
        title: 'Idempotency-Key reused',
        detail: 'This Idempotency-Key was used for a different request.',
        errors: [{ field: 'Idempotency-Key', message: 'was used for a different request' }],
      })
    if (prior.status === null)
      throw new Problem({
        status: 409,
        type: 'idempotency-in-progress',
        title: 'Request in progress',
        detail: 'A request with this Idempotency-Key is still being processed. Retry shortly.',
      })
    reply.header('idempotent-replayed', 'true')
    if (prior.contentType) reply.type(prior.contentType)
    return reply.status(prior.status).send(prior.body === null ? null : JSON.stringify(prior.body))
  })

  app.addHook('onSend', async (req, reply, payload) => {
    const claim = req.idempotency
    if (!claim) return payload
    const where = and(eq(idempotencyKeys.userId, claim.userId), eq(idempotencyKeys.key, claim.key))
    if (reply.statusCode >= 500) {
      // A failure the client may retry: forget the key so the retry runs again.
      await db.delete(idempotencyKeys).where(where)
      return payload
    }
    let body: unknown = null
    if (typeof payload === 'string' && payload.length) {
      try {
        body = JSON.parse(payload)
      } catch {
        body = null
      }
    }
    await db
      .update(idempotencyKeys)
      .set({ status: reply.statusCode, contentType: String(reply.getHeader('content-type') ?? ''), body })
      .where(where)
    return payload
  })
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { userId: string; key: string }
  }
}
