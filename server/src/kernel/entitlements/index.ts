import { sql } from 'drizzle-orm'
import {
  type FeatureKey,
  featureKeys,
  type LimitKey,
  limitKeys,
  type PlanFeatures,
  type PlanLimits,
} from '../../../../contracts/billing.ts'
import type { Executor, Tx } from '../db/index.ts'
import { Problem } from '../http/problem.ts'
import { withWorkspace } from '../tenancy/index.ts'

export type { FeatureKey, LimitKey, PlanFeatures, PlanLimits }

/**
 * A metered quantity a module declares in its definition (`meters`): its key (one of the plan limits),
 * a label for people, and how to count the workspace's current use. `count` runs inside the
 * workspace's transaction (row-level security applies), as one query.
 */
export type MeterDefinition = {
  key: LimitKey
  label: string
  count(tx: Executor, workspaceId: string): Promise<number>
}

/** What a workspace may do: its plan, its limits (null = unlimited) and features. */
export type Entitlements = {
  plan: { id: string | null; key: string; name: string }
  status: string
  limits: PlanLimits
  features: PlanFeatures
}

/**
 * Decides the limits of a workspace. The billing module installs one (its definition's
 * `entitlements`); without a provider every workspace is unlimited with every feature, so an
 * installation without billing behaves as it always has.
 */
export type EntitlementsProvider = {
  /** Reads the workspace's entitlements, in the caller's transaction (tenant role) or on the pool. */
  resolve(db: Executor, workspaceId: string): Promise<Entitlements>
  /** Adds counted usage (API calls), batched: one statement for many workspaces. */
  addUsage?(
    db: Executor,
    rows: { workspaceId: string; meter: LimitKey; period: string; value: number }[],
  ): Promise<void>
}

export const UPGRADE_URL = '/settings/billing'

const unlimited: PlanLimits = Object.fromEntries(limitKeys.map((k) => [k, null])) as PlanLimits
const allFeatures: PlanFeatures = Object.fromEntries(featureKeys.map((k) => [k, true])) as PlanFeatures
const UNLIMITED: Entitlements = {
  plan: { id: null, key: 'unlimited', name: 'Unlimited' },
  status: 'free',
  limits: unlimited,
  features: allFeatures,
}

/** A 402 answer carrying the limit, the allowance, the use and where to upgrade. */
export class QuotaProblem extends Problem {
  readonly extensions: Record<string, unknown>
  constructor(opts: { type: string; title: string; detail: string }, extensions: Record<string, unknown>) {
    super({ status: 402, ...opts })
    this.extensions = extensions
  }
  override toJSON(instance?: string) {
    return { ...super.toJSON(instance), ...this.extensions }
  }
}

const LABELS: Record<LimitKey, string> = {
  seats: 'seats',
  clients: 'clients',
  invoicesPerMonth: 'invoices this month',
  storageBytes: 'bytes of storage',
  apiCallsPerMonth: 'API calls this month',
}

export function quotaExceeded(meter: LimitKey, allowed: number, usage: number, adding: number): QuotaProblem {
  return new QuotaProblem(
    {
      type: 'quota-exceeded',
      title: 'Plan limit reached',
      detail: `This workspace's plan allows ${allowed} ${LABELS[meter]}; it uses ${usage}${adding > 1 ? ` and this adds ${adding}` : ''}. Upgrade the plan (${UPGRADE_URL}) or remove some first.`,
    },
    { limit: meter, allowed, usage, adding, upgradeUrl: UPGRADE_URL },
  )
}

export function featureNotInPlan(feature: FeatureKey): QuotaProblem {
  return new QuotaProblem(
    {
      type: 'feature-not-in-plan',
      title: 'Not in this plan',
      detail: `This workspace's plan does not include ${feature}. Upgrade the plan (${UPGRADE_URL}).`,
    },
    { feature, upgradeUrl: UPGRADE_URL },
  )
}

/** `YYYY-MM` of a date, in UTC: the period of monthly meters. */
export const periodOf = (d = new Date()) => d.toISOString().slice(0, 7)

/** The start of the calendar month (UTC) of a date. */
export const monthStart = (d = new Date()) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1))

type Cached = { value: Entitlements; until: number }

/**
 * The kernel's entitlements: the meters the modules declare, the provider billing installs, and the
 * checks every module asks before it creates something metered. Limits are cached per workspace for
 * `cacheMs` (a few seconds) and forgotten on every change this process makes; other nodes see a change
 * within `cacheMs`.
 */
export class EntitlementsRegistry {
  private meters = new Map<LimitKey, MeterDefinition>()
  private provider: EntitlementsProvider | null = null
  private cache = new Map<string, Cached>()
  cacheMs = 5_000

  install(
    meters: readonly { module: string; meter: MeterDefinition }[],
    provider: EntitlementsProvider | null,
  ) {
    const seen = new Map<string, string>()
    for (const { module, meter } of meters) {
      const taken = seen.get(meter.key)
      if (taken && taken !== module)
        throw new Error(`meter "${meter.key}" is declared by both ${taken} and ${module}`)
      seen.set(meter.key, module)
    }
    this.meters = new Map(meters.map((m) => [m.meter.key, m.meter]))
    this.provider = provider
    this.cache.clear()
  }

  setProvider(provider: EntitlementsProvider | null): void {
    this.provider = provider
    this.cache.clear()
  }

  get hasProvider(): boolean {
    return this.provider !== null
  }

  meter(key: LimitKey): MeterDefinition | undefined {
    return this.meters.get(key)
  }

  /** Forgets cached limits: one workspace's, or everyone's (a plan changed). */
  invalidate(workspaceId?: string): void {
    if (workspaceId) this.cache.delete(workspaceId)
    else this.cache.clear()
  }

  /** The cached entitlements, if fresh; never waits. */
  peek(workspaceId: string): Entitlements | null {
    if (!this.provider) return UNLIMITED
    const hit = this.cache.get(workspaceId)
    return hit && hit.until > performance.now() ? hit.value : null
  }

  /** The workspace's entitlements (cached for `cacheMs`). */
  async resolve(db: Executor, workspaceId: string): Promise<Entitlements> {
    const hit = this.peek(workspaceId)
    if (hit) return hit
    const value = (await this.provider?.resolve(db, workspaceId)) ?? UNLIMITED
    if (this.cache.size >= 10_000) this.cache.clear()
    this.cache.set(workspaceId, { value, until: performance.now() + this.cacheMs })
    return value
  }

  /**
   * Throws a 402 `quota-exceeded` problem when adding `adding` of `meter` would pass the workspace's
   * limit. Run it inside the creating transaction, before the insert: it takes a transaction-scoped
   * advisory lock on (workspace, meter), so two concurrent creates cannot both take the last slot.
   * Unlimited meters cost no query once the limits are cached.
   */
  async assertWithin(tx: Tx, workspaceId: string, meter: LimitKey, adding = 1): Promise<void> {
    if (adding <= 0) return
    const { limits } = await this.resolve(tx, workspaceId)
    const allowed = limits[meter]
    if (allowed === null || allowed === undefined) return
    const def = this.meters.get(meter)
    if (!def) return
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${workspaceId}), hashtext(${meter}))`)
    const used = await def.count(tx, workspaceId)
    if (used + adding > allowed) throw quotaExceeded(meter, allowed, used, adding)
  }

  /** Throws a 402 `feature-not-in-plan` problem when the workspace's plan lacks the feature. */
  async assertFeature(db: Executor, workspaceId: string, feature: FeatureKey): Promise<void> {
    const { features } = await this.resolve(db, workspaceId)
    if (!features[feature]) throw featureNotInPlan(feature)
  }

  /** Whether a feature is on (no throw): for choices such as skipping a recurring run. */
  async hasFeature(db: Executor, workspaceId: string, feature: FeatureKey): Promise<boolean> {
    return (await this.resolve(db, workspaceId)).features[feature]
  }

  /** The plan, limits, features and every meter's use against its limit. */
  async snapshot(
    db: Executor,
    workspaceId: string,
    opts: { tx?: Tx } = {},
  ): Promise<Entitlements & { usage: Record<LimitKey, { used: number; allowed: number | null }> }> {
    const count = async (tx: Tx) => {
      const e = await this.resolve(tx, workspaceId)
      const usage = {} as Record<LimitKey, { used: number; allowed: number | null }>
      for (const key of limitKeys) {
        const def = this.meters.get(key)
        usage[key] = { used: def ? await def.count(tx, workspaceId) : 0, allowed: e.limits[key] ?? null }
      }
      return { ...e, usage }
    }
    if (opts.tx) return count(opts.tx)
    return withWorkspace({ db: db as never, workspaceId }, count)
  }

  /** The provider's usage sink (API calls), or none. */
  async addUsage(
    db: Executor,
    rows: { workspaceId: string; meter: LimitKey; period: string; value: number }[],
  ): Promise<void> {
    if (rows.length && this.provider?.addUsage) await this.provider.addUsage(db, rows)
  }
}

/** The one registry of the process, installed from the module list at start-up (like permissions). */
export const entitlements = new EntitlementsRegistry()
