import type { FastifyInstance, FastifyRequest } from 'fastify'
import { heldScope } from '../db/held.ts'
import type { Database } from '../db/index.ts'
import { withWorkspace } from '../tenancy/index.ts'
import { type EntitlementsRegistry, entitlements, periodOf, quotaExceeded } from './index.ts'

/** Paths a workspace still reaches over its API-call limit: what it needs to see and change its plan. */
const EXEMPT = /^\/api\/v1\/(billing|me|operator|session)(\/|\?|$)/

type Seen = { period: string; stored: number; since: number; loadedAt: number; loading: boolean }

/**
 * Meters `apiCallsPerMonth`: every `/api/v1` request made in a workspace (signed-in session; API keys
 * when they come) counts one. Counting is an in-memory increment; the counts are written once a second
 * in one upsert for every workspace (the billing provider's `addUsage`). Over the limit, requests are
 * answered 402 — decided from what is cached, so a request never waits on the database for it: the
 * stored count is read again in the background every `refreshMs`, and the limit comes from the
 * entitlements cache (loaded in the background on a miss). A workspace may pass its limit by the calls
 * of one refresh interval.
 */
export function registerApiCallMetering(
  app: FastifyInstance,
  database: Database,
  opts: { flushMs?: number; refreshMs?: number; registry?: EntitlementsRegistry } = {},
): { flush(): Promise<void> } {
  const registry = opts.registry ?? entitlements
  const flushMs = opts.flushMs ?? 1_000
  const refreshMs = opts.refreshMs ?? 5_000
  let pending = new Map<string, number>()
  const seen = new Map<string, Seen>()

  const refresh = (workspaceId: string, s: Seen) => {
    if (s.loading) return
    s.loading = true
    const meter = registry.meter('apiCallsPerMonth')
    void (async () => {
      await registry.resolve(database.db, workspaceId)
      const stored = meter
        ? await withWorkspace({ db: database.db, workspaceId }, (tx) => meter.count(tx, workspaceId))
        : 0
      s.stored = stored
      s.since = pending.get(workspaceId) ?? 0
      s.loadedAt = performance.now()
    })()
      .catch((err) => app.log.warn({ err: String(err), workspaceId }, 'api call usage not refreshed'))
      .finally(() => {
        s.loading = false
      })
  }

  const count = (req: FastifyRequest) => {
    if (!registry.hasProvider) return
    const workspaceId = req.auth?.workspace?.id
    if (!workspaceId || !req.url.startsWith('/api/v1/')) return
    const period = periodOf()
    let s = seen.get(workspaceId)
    if (!s || s.period !== period) {
      if (seen.size >= 10_000) seen.clear()
      s = { period, stored: 0, since: 0, loadedAt: -Infinity, loading: false }
      seen.set(workspaceId, s)
    }
    const cached = registry.peek(workspaceId)
    // Outside the request's scope: its reads must not become the transaction an Idempotency-Key
    // request holds for its answer (kernel/db/held.ts).
    if (!cached || performance.now() - s.loadedAt > refreshMs) heldScope.exit(() => refresh(workspaceId, s))
    const allowed = cached?.limits.apiCallsPerMonth ?? null
    if (allowed !== null && s.loadedAt > -Infinity && !EXEMPT.test(req.url)) {
      const used = s.stored + s.since
      if (used >= allowed) throw quotaExceeded('apiCallsPerMonth', allowed, used, 1)
    }
    s.since++
    pending.set(workspaceId, (pending.get(workspaceId) ?? 0) + 1)
  }

  app.addHook('preHandler', async (req) => count(req))

  const flush = async () => {
    if (!pending.size) return
    const taken = pending
    pending = new Map()
    const period = periodOf()
    const rows = [...taken].map(([workspaceId, value]) => ({
      workspaceId,
      meter: 'apiCallsPerMonth' as const,
      period,
      value,
    }))
    try {
      await registry.addUsage(database.db, rows)
      // What was written is now in the stored count the next refresh reads.
      for (const [workspaceId, n] of taken) {
        const s = seen.get(workspaceId)
        if (s) {
          s.stored += n
          s.since = Math.max(0, s.since - n)
        }
      }
    } catch (err) {
      for (const [k, v] of taken) pending.set(k, (pending.get(k) ?? 0) + v)
      app.log.warn({ err: String(err) }, 'api call usage not written; retrying')
    }
  }
  const timer = setInterval(() => void flush(), flushMs)
  timer.unref()
  app.addHook('onClose', async () => {
    clearInterval(timer)
    await flush()
  })
  return { flush }
}
