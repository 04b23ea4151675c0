import { and, asc, eq, isNull, ne, notInArray, sql } from 'drizzle-orm'
import {
  featureKeys,
  type LimitOverrides,
  limitKeys,
  type Plan,
  type PlanFeatures,
  type PlanInput,
  type PlanLimits,
  type PlanUpdate,
} from '../../../../contracts/billing.ts'
import { type AuditMeta, record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Db, Executor, Tx } from '../../kernel/db/index.ts'
import { entitlements } from '../../kernel/entitlements/index.ts'
import type { EventSink } from '../../kernel/events/index.ts'
import { problems } from '../../kernel/http/problem.ts'
import { enterWorkspace } from '../../kernel/tenancy/index.ts'
import './events.ts'
import { plans, workspaceBilling } from './schema.ts'

export type PlanRow = typeof plans.$inferSelect

export const serializePlan = (p: PlanRow): Plan => ({
  id: p.id,
  key: p.key,
  name: p.name,
  description: p.description,
  currency: p.currency,
  monthlyAmount: p.monthlyAmount,
  yearlyAmount: p.yearlyAmount,
  stripePriceMonthly: p.stripePriceMonthly,
  stripePriceYearly: p.stripePriceYearly,
  trialDays: p.trialDays,
  limits: fullLimits(p.limits),
  features: fullFeatures(p.features),
  isDefault: p.isDefault,
  source: p.source,
  archivedAt: p.archivedAt?.toISOString() ?? null,
  sortOrder: p.sortOrder,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
})

/** Every limit key present: a key left out is unlimited. */
export const fullLimits = (l: Partial<PlanLimits> | null | undefined): PlanLimits =>
  Object.fromEntries(limitKeys.map((k) => [k, l?.[k] ?? null])) as PlanLimits

/** Every feature key present: a feature left out is off. */
export const fullFeatures = (f: Partial<PlanFeatures> | null | undefined): PlanFeatures =>
  Object.fromEntries(featureKeys.map((k) => [k, f?.[k] ?? false])) as PlanFeatures

/** The plan of an installation that does not bill: free, unlimited, every feature. */
export const BUILT_IN_FREE: PlanInput = {
  key: 'free',
  name: 'Free',
  description: 'Everything, without limits.',
  limits: {},
  features: Object.fromEntries(featureKeys.map((k) => [k, true])) as PlanFeatures,
  isDefault: true,
}

const valuesOf = (input: PlanInput | PlanUpdate) => ({
  ...(input.name !== undefined ? { name: input.name } : {}),
  ...(input.description !== undefined ? { description: input.description } : {}),
  ...(input.currency !== undefined ? { currency: input.currency } : {}),
  ...(input.monthlyAmount !== undefined ? { monthlyAmount: input.monthlyAmount } : {}),
  ...(input.yearlyAmount !== undefined ? { yearlyAmount: input.yearlyAmount } : {}),
  ...(input.stripePriceMonthly !== undefined ? { stripePriceMonthly: input.stripePriceMonthly } : {}),
  ...(input.stripePriceYearly !== undefined ? { stripePriceYearly: input.stripePriceYearly } : {}),
  ...(input.trialDays !== undefined ? { trialDays: input.trialDays } : {}),
  ...(input.limits !== undefined ? { limits: fullLimits(input.limits) } : {}),
  ...(input.features !== undefined ? { features: fullFeatures(input.features) } : {}),
  ...(input.sortOrder !== undefined ? { sortOrder: input.sortOrder } : {}),
})

/** Makes `id` the one default plan (the others lose the mark first: a unique index holds one). */
async function makeDefault(tx: Tx, id: string) {
  await tx
    .update(plans)
    .set({ isDefault: false })
    .where(and(eq(plans.isDefault, true), ne(plans.id, id)))
  await tx.update(plans).set({ isDefault: true, archivedAt: null }).where(eq(plans.id, id))
}

/**
 * Brings the `plans` table to the plans file, at start (every node may; an advisory lock makes them
 * take turns): each plan of the file is written by its key as a `config` plan; config plans no longer
 * in the file are archived (workspaces on them keep them); the default is the file's `isDefault` plan,
 * else its first plan without a Stripe price, else its first. Without a file, a `free` plan (unlimited,
 * every feature) is made the default when there is none, so an installation that does not bill
 * behaves as it always has.
 */
export async function syncPlans(db: Db, file: { plans: PlanInput[] } | null): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('atrium.billing.plans'))`)
    if (!file) {
      const [current] = await tx.select({ id: plans.id }).from(plans).where(eq(plans.isDefault, true))
      if (current) return
      const [free] = await tx.select().from(plans).where(eq(plans.key, BUILT_IN_FREE.key))
      if (free) await makeDefault(tx, free.id)
      else await tx.insert(plans).values({ ...insertValues(BUILT_IN_FREE, 'config', 0), isDefault: true })
      return
    }
    const ids: string[] = []
    for (const [i, p] of file.plans.entries()) {
      const [row] = await tx
        .insert(plans)
        .values(insertValues(p, 'config', p.sortOrder ?? i))
        .onConflictDoUpdate({
          target: plans.key,
          set: {
            ...insertValues(p, 'config', p.sortOrder ?? i),
            id: sql`${plans.id}`,
            isDefault: sql`${plans.isDefault}`,
            archivedAt: null,
            createdAt: sql`${plans.createdAt}`,
            updatedAt: new Date(),
          },
        })
        .returning({ id: plans.id })
      ids.push(row!.id)
    }
    await tx
      .update(plans)
      .set({ archivedAt: new Date(), isDefault: false })
      .where(and(eq(plans.source, 'config'), notInArray(plans.id, ids), isNull(plans.archivedAt)))
    const chosen =
      file.plans.findIndex((p) => p.isDefault) >= 0
        ? file.plans.findIndex((p) => p.isDefault)
        : Math.max(
            0,
            file.plans.findIndex((p) => !p.stripePriceMonthly && !p.stripePriceYearly),
          )
    await makeDefault(tx, ids[chosen]!)
  })
  entitlements.invalidate()
}

const insertValues = (p: PlanInput, source: 'config' | 'operator', sortOrder: number) => ({
  id: newId('plan'),
  key: p.key,
  name: p.name,
  description: p.description ?? '',
  currency: p.currency ?? 'USD',
  monthlyAmount: p.monthlyAmount ?? null,
  yearlyAmount: p.yearlyAmount ?? null,
  stripePriceMonthly: p.stripePriceMonthly ?? null,
  stripePriceYearly: p.stripePriceYearly ?? null,
  trialDays: p.trialDays ?? 0,
  limits: fullLimits(p.limits),
  features: fullFeatures(p.features),
  isDefault: false,
  source,
  sortOrder,
})

/** Every plan (archived ones last), for the operator. */
export async function listAllPlans(db: Executor): Promise<Plan[]> {
  const rows = await db
    .select()
    .from(plans)
    .orderBy(sql`${plans.archivedAt} is not null`, asc(plans.sortOrder), asc(plans.createdAt))
  return rows.map(serializePlan)
}

/** The plans a workspace may move to: not archived, in the operator's order. */
export async function listOfferedPlans(db: Executor): Promise<Plan[]> {
  const rows = await db
    .select()
    .from(plans)
    .where(isNull(plans.archivedAt))
    .orderBy(asc(plans.sortOrder), asc(plans.createdAt))
  return rows.map(serializePlan)
}

export async function findPlanByKey(db: Executor, key: string, opts: { archived?: boolean } = {}) {
  const [p] = await db
    .select()
    .from(plans)
    .where(opts.archived ? eq(plans.key, key) : and(eq(plans.key, key), isNull(plans.archivedAt)))
  return p ?? null
}

/** A new plan made in the operator area. */
export async function createPlan(db: Db, input: PlanInput): Promise<Plan> {
  const row = await db.transaction(async (tx) => {
    if (await findPlanByKey(tx, input.key, { archived: true }))
      throw problems.conflict(`A plan with the key "${input.key}" already exists.`, 'key')
    const [made] = await tx
      .insert(plans)
      .values(insertValues(input, 'operator', input.sortOrder ?? 0))
      .returning()
    if (input.isDefault) await makeDefault(tx, made!.id)
    const [row] = await tx.select().from(plans).where(eq(plans.id, made!.id))
    return row!
  })
  entitlements.invalidate()
  return serializePlan(row)
}

/**
 * Changes a plan made in the operator area (plans from the plans file are read-only: 409). Archiving
 * stops offering it; workspaces on it keep it. The default plan cannot be archived.
 */
export async function updatePlan(db: Db, id: string, input: PlanUpdate): Promise<Plan> {
  const row = await db.transaction(async (tx) => {
    const [before] = await tx.select().from(plans).where(eq(plans.id, id)).for('update')
    if (!before) throw problems.notFound('Plan')
    if (before.source === 'config')
      throw problems.conflict('This plan comes from the plans file (PLANS_FILE): change it there.', 'id')
    if (input.archived && (before.isDefault || input.isDefault))
      throw problems.conflict(
        'The default plan cannot be archived: make another plan the default first.',
        'archived',
      )
    if (input.isDefault === false && before.isDefault)
      throw problems.conflict('Make another plan the default instead.', 'isDefault')
    await tx
      .update(plans)
      .set({
        ...valuesOf(input),
        ...(input.archived !== undefined ? { archivedAt: input.archived ? new Date() : null } : {}),
        updatedAt: new Date(),
      })
      .where(eq(plans.id, id))
    if (input.isDefault) await makeDefault(tx, id)
    const [row] = await tx.select().from(plans).where(eq(plans.id, id))
    return row!
  })
  entitlements.invalidate()
  return serializePlan(row)
}

/** The default plan, or null when none is set up yet (then every workspace is unlimited). */
export async function defaultPlanRow(db: Executor): Promise<PlanRow | null> {
  const [p] = await db.select().from(plans).where(eq(plans.isDefault, true))
  return p ?? null
}

export type PlanSource = 'operator' | 'owner' | 'stripe'

/**
 * Puts a workspace on a plan without Stripe (the operator capping a tenant, an owner moving to a free
 * plan), and/or sets the operator's limit overrides (`null` clears them), in the caller's transaction
 * entered in that workspace. Audited in the workspace, and emitted (with `events`), as `billing.plan_changed` / `billing.limits_changed`.
 * Nothing is deleted: a plan below the current use only blocks new items.
 */
export async function setWorkspacePlan(
  tx: Tx,
  meta: AuditMeta,
  workspaceId: string,
  change: { plan?: PlanRow; limitOverrides?: LimitOverrides | null },
  source: PlanSource,
  events?: EventSink,
): Promise<void> {
  await enterWorkspace(tx, workspaceId)
  const [before] = await tx
    .select()
    .from(workspaceBilling)
    .where(eq(workspaceBilling.workspaceId, workspaceId))
    .for('update')
  let current = before
  if (!current) {
    const fallback = change.plan ?? (await defaultPlanRow(tx))
    if (!fallback) throw problems.conflict('No plan is set up yet.', 'planKey')
    ;[current] = await tx.insert(workspaceBilling).values({ workspaceId, planId: fallback.id }).returning()
  }
  const previousPlanId = before?.planId ?? (await defaultPlanRow(tx))?.id ?? null
  const set: Partial<typeof workspaceBilling.$inferInsert> = { updatedAt: new Date() }
  if (change.plan) set.planId = change.plan.id
  if (change.limitOverrides !== undefined) set.limitOverrides = change.limitOverrides
  await tx.update(workspaceBilling).set(set).where(eq(workspaceBilling.workspaceId, workspaceId))
  if (change.plan && change.plan.id !== previousPlanId)
    await record(tx, workspaceId, meta, {
      action: 'billing.plan_changed',
      targetType: 'workspace_billing',
      targetId: workspaceId,
      targetLabel: change.plan.name,
      before: { plan: previousPlanId },
      after: { plan: change.plan.id, planKey: change.plan.key, source },
    })
  if (change.plan && change.plan.id !== previousPlanId)
    await events?.emit(tx, 'billing.plan_changed', workspaceId, {
      planKey: change.plan.key,
      planName: change.plan.name,
      previousPlanId,
      source,
    })
  if (change.limitOverrides !== undefined)
    await record(tx, workspaceId, meta, {
      action: 'billing.limits_changed',
      targetType: 'workspace_billing',
      targetId: workspaceId,
      before: { limitOverrides: current?.limitOverrides ?? null },
      after: { limitOverrides: change.limitOverrides, source },
    })
  if (change.limitOverrides !== undefined)
    await events?.emit(tx, 'billing.limits_changed', workspaceId, {
      limitOverrides: change.limitOverrides,
      source,
    })
  entitlements.invalidate(workspaceId)
}
