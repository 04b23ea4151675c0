import { createHash } from 'node:crypto'
import { and, eq, lt, sql } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { finishHeld, type HeldScope, heldScope } from '../db/held.ts'
import type { Database, Executor, Tx } from '../db/index.ts'
import { idempotencyKeys } from './idempotency.schema.ts'
import { Problem, problems } from './problem.ts'

const KEY = /^[\w.:-]{1,200}$/
const TTL = sql`interval '24 hours'`
/** A key whose effect committed but whose answer is missing this long was interrupted by a crash. */
const ANSWER_GRACE = sql`interval '30 seconds'`

type Answer = { status: number; contentType: string; body: unknown }
type Claim = HeldScope & { userId: string; scopedKey: string; requestHash: string }

/**
 * Honours `Idempotency-Key` on every signed-in POST under /api/v1, per user, workspace and route: the
 * first request's answer is kept for 24 hours and returned again for a retry with the same key and
 * payload; the same key with another payload is refused (422).
 *
 * The key is claimed inside the request's first write transaction, and that transaction commits only
 * once the answer is stored in it. So a crash at any moment leaves either nothing (the retry runs
 * again) or the effect and its answer (the retry gets that answer): exactly one effect. A request that
 * wrote nothing (a business error) has its answer stored on its own.
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
    const userId = req.auth.user.id
    const workspace = req.auth.workspace?.id ?? '-'
    const scopedKey = `${workspace} ${req.routeOptions.url ?? req.url.split('?')[0]} ${key}`
    const requestHash = createHash('sha256')
      .update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`)
      .digest('hex')
    const where = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, scopedKey))
    const [prior] = await db
      .select({
        requestHash: idempotencyKeys.requestHash,
        status: idempotencyKeys.status,
        contentType: idempotencyKeys.contentType,
        body: idempotencyKeys.body,
        expired: sql<boolean>`${idempotencyKeys.createdAt} < now() - ${TTL}`,
        lost: sql<boolean>`${idempotencyKeys.createdAt} < now() - ${ANSWER_GRACE}`,
      })
      .from(idempotencyKeys)
      .where(where)
    if (prior?.expired) {
      // Forget this key and the user's other expired ones; the request runs as new.
      await db
        .delete(idempotencyKeys)
        .where(and(eq(idempotencyKeys.userId, userId), lt(idempotencyKeys.createdAt, sql`now() - ${TTL}`)))
    } else if (prior) {
      return replay(reply, prior, requestHash)
    }
    const claim: Claim = {
      userId,
      scopedKey,
      requestHash,
      claimed: false,
      held: null,
      claim: async (tx) => {
        const taken = await asOwner(tx, () =>
          tx
            .insert(idempotencyKeys)
            .values({ userId, key: scopedKey, requestHash })
            .onConflictDoNothing()
            .returning({ key: idempotencyKeys.key }),
        )
        // Another request with this key committed first: this one's effect is undone.
        if (taken.length === 0) throw inProgress()
      },
    }
    req.idempotency = claim
  })

  // The handler runs inside the claim's scope, so its transactions can take the claim.
  app.addHook('preHandler', (req, _reply, done) => {
    if (req.idempotency) heldScope.run(req.idempotency, done)
    else done()
  })

  app.addHook('onSend', async (req, reply, payload) => {
    const claim = req.idempotency
    if (!claim) return payload
    req.idempotency = undefined
    const answer: Answer = {
      status: reply.statusCode,
      contentType: String(reply.getHeader('content-type') ?? ''),
      body: parseBody(payload),
    }
    if (claim.held) {
      // A failure after the effect: undo it, so a retry runs again.
      if (answer.status >= 500) {
        await finishHeld(claim, 'rollback')
        return payload
      }
      try {
        await finishHeld(claim, (tx) => store({ tx }, claim, answer))
        return payload
      } catch (err) {
        req.log.error({ err }, 'the effect and its answer could not be committed')
        const problem = new Problem({
          status: 503,
          type: 'unavailable',
          title: 'Service unavailable',
          detail: 'The request was not applied. Retry with the same Idempotency-Key.',
          headers: { 'retry-after': '5' },
        })
        reply.status(503).type('application/problem+json').headers(problem.headers!)
        return JSON.stringify(problem.toJSON(req.url))
      }
    }
    if (claim.claimed) {
      // The effect committed early (the request used the database again after its first write).
      await store({ db }, claim, answer)
    } else if (answer.status < 500) {
      // Nothing was written: keep the answer (a business error is replayed too).
      await db
        .insert(idempotencyKeys)
        .values({ userId: claim.userId, key: claim.scopedKey, requestHash: claim.requestHash, ...answer })
        .onConflictDoNothing()
    }
    return payload
  })

  // An answer that never reached onSend (the connection went away first) must not keep a transaction.
  app.addHook('onResponse', async (req) => {
    if (req.idempotency?.held) await finishHeld(req.idempotency, null)
  })
  app.addHook('onRequestAbort', async (req) => {
    if (req.idempotency?.held) await finishHeld(req.idempotency, 'rollback')
  })
}

function replay(
  reply: FastifyReply,
  prior: {
    requestHash: string
    status: number | null
    contentType: string | null
    body: unknown
    lost: boolean
  },
  requestHash: string,
) {
  if (prior.requestHash !== requestHash)
    throw new Problem({
      status: 422,
      type: 'idempotency-key-reused',
      title: 'Idempotency-Key reused',
      detail: 'This Idempotency-Key was used for a different request.',
      errors: [{ field: 'Idempotency-Key', message: 'was used for a different request' }],
    })
  if (prior.status === null) {
    if (!prior.lost) throw inProgress()
    throw new Problem({
      status: 409,
      type: 'idempotency-answer-lost',
      title: 'Answer lost',
      detail:
        'The request with this Idempotency-Key took effect, but the server stopped before its answer was kept. Read the resource to see the result.',
    })
  }
  reply.header('idempotent-replayed', 'true')
  if (prior.contentType) reply.type(prior.contentType)
  return reply.status(prior.status).send(prior.body === null ? null : JSON.stringify(prior.body))
}

const inProgress = () =>
  new Problem({
    status: 409,
    type: 'idempotency-in-progress',
    title: 'Request in progress',
    detail: 'A request with this Idempotency-Key is still being processed. Retry shortly.',
    headers: { 'retry-after': '1' },
  })

function parseBody(payload: unknown): unknown {
  if (typeof payload !== 'string' || !payload.length) return null
  try {
    return JSON.parse(payload)
  } catch {
    return null
  }
}

/** Stores the answer on the claimed key: in the held transaction (`tx`), or on its own. */
async function store(ex: { tx: Tx } | { db: Executor }, claim: Claim, answer: Answer) {
  const target = 'tx' in ex ? ex.tx : ex.db
  const write = () =>
    target
      .update(idempotencyKeys)
      .set(answer)
      .where(and(eq(idempotencyKeys.userId, claim.userId), eq(idempotencyKeys.key, claim.scopedKey)))
  if ('tx' in ex) await asOwner(ex.tx, write)
  else await write()
}

/**
 * The keys table belongs to the owner role: a tenant transaction leaves its role for these statements,
 * then returns to it.
 */
async function asOwner<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  const { rows } = await tx.execute<{ role: string }>(
    sql`select current_setting('role') as role, set_config('role', 'none', true)`,
  )
  const result = await fn()
  await tx.execute(sql`select set_config('role', ${rows[0]?.role ?? 'none'}, true)`)
  return result
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: HeldScope & { userId: string; scopedKey: string; requestHash: string }
  }
}
