import { sql } from 'drizzle-orm'
import type { LimitOverrides, PlanFeatures, PlanLimits } from '../../../../contracts/billing.ts'
import { featureKeys, limitKeys } from '../../../../contracts/billing.ts'
import type { Executor } from '../../kernel/db/index.ts'
import type { Entitlements, EntitlementsProvider } from '../../kernel/entitlements/index.ts'
import { fullFeatures, fullLimits } from './plans.ts'
import { addUsage } from './usage.ts'

type Row = {
  id: string
  key: string
  name: string
  limits: PlanLimits | string
  features: PlanFeatures | string
  overrides: LimitOverrides | string | null
  status: string | null
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v)

/** A plan's limits with the operator's overrides for one workspace laid over them. */
export function applyOverrides(
  limits: PlanLimits,
  features: PlanFeatures,
  overrides: LimitOverrides | null,
): { limits: PlanLimits; features: PlanFeatures } {
  if (!overrides) return { limits, features }
  const l = { ...limits }
  for (const k of limitKeys) {
    const v = overrides[k]
    if (v !== undefined && v !== null) l[k] = v
  }
  const f = { ...features }
  for (const k of featureKeys) {
    const v = overrides.features?.[k]
    if (v !== undefined && v !== null) f[k] = v
  }
  return { limits: l, features: f }
}

/**
 * One statement: the workspace's plan (its own, else the default) and overrides. It runs in the
 * caller's transaction when there is one: `workspace_billing`'s row-level security shows the
 * workspace its own row, and the application role reads `plans`.
 */
export async function resolveEntitlements(db: Executor, workspaceId: string): Promise<Entitlements | null> {
  const r = await db.execute(sql`
    select p.id, p.key, p.name, p.limits, p.features, wb.limit_overrides as overrides, wb.status
      from (select 1) one
      left join workspace_billing wb on wb.workspace_id = ${workspaceId}
      join plans p on p.id = coalesce(wb.plan_id, (select d.id from plans d where d.is_default limit 1))`)
  const row = (r.rows as Row[])[0]
  if (!row) return null
  const { limits, features } = applyOverrides(
    fullLimits(json(row.limits)),
    fullFeatures(json(row.features)),
    row.overrides ? json(row.overrides) : null,
  )
  return {
    plan: { id: row.id, key: row.key, name: row.name },
    status: row.status ?? 'free',
    limits,
    features,
  }
}

const UNLIMITED_FALLBACK: Entitlements = {
  plan: { id: null, key: 'free', name: 'Free' },
  status: 'free',
  limits: fullLimits({}),
  features: Object.fromEntries(featureKeys.map((k) => [k, true])) as PlanFeatures,
}

/** The provider the billing module installs in the kernel's entitlements. */
export const billingEntitlements: EntitlementsProvider = {
  resolve: async (db, workspaceId) => (await resolveEntitlements(db, workspaceId)) ?? UNLIMITED_FALLBACK,
  addUsage,
}
