import { and, eq, ilike, or, sql } from 'drizzle-orm'
import type {
  Billing,
  BillingStatus,
  OperatorWorkspace,
  PlanFeatures,
  Usage,
} from '../../../../contracts/billing.ts'
import type { Config } from '../../config.ts'
import { assertCan } from '../../kernel/access/index.ts'
import type { AuthState } from '../../kernel/auth/session.ts'
import type { Db, Tx } from '../../kernel/db/index.ts'
import { entitlements } from '../../kernel/entitlements/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { decodeCursor, encodeCursor } from '../../kernel/http/pagination.ts'
import { withWorkspace, workspaces } from '../../kernel/tenancy/index.ts'
import { isOperator } from './operators.ts'
import { defaultPlanRow, listOfferedPlans, type PlanRow, serializePlan } from './plans.ts'
import { plans, workspaceBilling } from './schema.ts'

type Snapshot = Awaited<ReturnType<typeof entitlements.snapshot>>

const usageOf = (s: Snapshot): Usage => s.usage

/** The workspace's billing page: plan, subscription state, limits, usage and the plans offered. */
export async function billingOverview(
  ctx: ServiceContext,
  config: { billingStripe?: unknown },
): Promise<Billing> {
  assertCan(ctx.actor, 'billing:read')
  return withWorkspace(ctx, async (tx) => {
    const snapshot = await entitlements.snapshot(ctx.db, ctx.workspaceId, { tx })
    const [row] = await tx
      .select()
      .from(workspaceBilling)
      .where(eq(workspaceBilling.workspaceId, ctx.workspaceId))
    const plan = await currentPlan(tx, row?.planId ?? null)
    const offered = await listOfferedPlans(tx)
    const interval = row?.interval ?? null
    const status: BillingStatus = row?.status ?? 'free'
    const renews =
      row?.currentPeriodEnd && !row.cancelAtPeriodEnd && (status === 'active' || status === 'trialing')
    const amount = plan && interval ? (interval === 'year' ? plan.yearlyAmount : plan.monthlyAmount) : null
    return {
      plan: plan ? serializePlan(plan) : fallbackPlan(),
      status,
      interval,
      currentPeriodEnd: row?.currentPeriodEnd?.toISOString() ?? null,
      cancelAtPeriodEnd: row?.cancelAtPeriodEnd ?? false,
      trialEndsAt: row?.trialEndsAt?.toISOString() ?? null,
      pastDueSince: row?.pastDueSince?.toISOString() ?? null,
      graceEndsAt: row?.graceEndsAt?.toISOString() ?? null,
      nextInvoice:
        renews && amount !== null && plan
          ? { amount, currency: plan.currency, date: row.currentPeriodEnd!.toISOString() }
          : null,
      paymentMethod: row?.paymentMethodSummary ?? null,
      limits: snapshot.limits,
      features: snapshot.features,
      usage: usageOf(snapshot),
      plans: offered,
      stripeEnabled: !!config.billingStripe,
    }
  })
}

/** The plans a workspace's owner and admins may look at (not archived). */
export async function offeredPlans(ctx: ServiceContext) {
  assertCan(ctx.actor, 'billing:read')
  return { data: await withWorkspace(ctx, (tx) => listOfferedPlans(tx)) }
}

async function currentPlan(tx: Tx, planId: string | null): Promise<PlanRow | null> {
  if (planId) {
    const [p] = await tx.select().from(plans).where(eq(plans.id, planId))
    if (p) return p
  }
  return defaultPlanRow(tx)
}

/** Before any plan is set up (the start syncs one): unlimited, every feature. */
function fallbackPlan() {
  const now = new Date(0).toISOString()
  return {
    id: `plan_${'0'.repeat(32)}`,
    key: 'free',
    name: 'Free',
    description: '',
    currency: 'USD',
    monthlyAmount: null,
    yearlyAmount: null,
    stripePriceMonthly: null,
    stripePriceYearly: null,
    trialDays: 0,
    limits: {
      seats: null,
      clients: null,
      invoicesPerMonth: null,
      storageBytes: null,
      apiCallsPerMonth: null,
    },
    features: { customDomain: true, sso: true, whiteLabel: true, recurringInvoices: true },
    isDefault: true,
    source: 'config' as const,
    archivedAt: null,
    sortOrder: 0,
    createdAt: now,
    updatedAt: now,
  }
}

/** What the session answer carries of billing: the operator flag, the workspace's features and state. */
export async function sessionBilling(
  db: Db,
  config: Pick<Config, 'operatorEmails'>,
  user: AuthState['user'],
  workspaceId: string | null,
): Promise<{ operator: boolean; features: PlanFeatures | null; billingStatus: BillingStatus | null }> {
  const operator = await isOperator(db, config, user)
  if (!workspaceId) return { operator, features: null, billingStatus: null }
  const e = await entitlements.resolve(db, workspaceId)
  return { operator, features: e.features, billingStatus: e.status as BillingStatus }
}

/**
 * The operator's list of workspaces with their plan, state and usage, newest first, by name or slug
 * (`q`). Read as the owner across workspaces; each one's usage is counted inside its own transaction.
 */
export async function operatorWorkspaces(
  db: Db,
  q: { q?: string; cursor?: string; limit: number },
): Promise<{ data: OperatorWorkspace[]; nextCursor: string | null }> {
  const after = decodeCursor(q.cursor)
  const conditions = [
    q.q
      ? or(ilike(workspaces.name, `%${escapeLike(q.q)}%`), ilike(workspaces.slug, `%${escapeLike(q.q)}%`))
      : undefined,
    after
      ? or(
          sql`${workspaces.createdAt} < ${after.t}::timestamptz`,
          and(
            sql`${workspaces.createdAt} = ${after.t}::timestamptz`,
            sql`${workspaces.id}::text < ${after.id}`,
          ),
        )
      : undefined,
  ].filter(Boolean)
  const rows = await operatorRows(db)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(sql`${workspaces.createdAt} desc`, sql`${workspaces.id} desc`)
    .limit(q.limit + 1)
  const more = rows.length > q.limit
  const pageRows = more ? rows.slice(0, q.limit) : rows
  const data: OperatorWorkspace[] = []
  for (const w of pageRows) data.push(await operatorWorkspace(db, w))
  const last = pageRows[pageRows.length - 1]
  return { data, nextCursor: more && last ? encodeCursor(last.createdAt, last.id) : null }
}

/** One workspace as the operator sees it. */
export async function operatorWorkspace(
  db: Db,
  w: {
    id: string
    name: string
    slug: string
    createdAt: Date
    status: BillingStatus | null
    limitOverrides: OperatorWorkspace['limitOverrides'] | null
  },
): Promise<OperatorWorkspace> {
  const s = await entitlements.snapshot(db, w.id)
  return {
    id: w.id,
    name: w.name,
    slug: w.slug,
    plan: { id: s.plan.id ?? `plan_${'0'.repeat(32)}`, key: s.plan.key, name: s.plan.name },
    status: w.status ?? 'free',
    limitOverrides: w.limitOverrides ?? null,
    usage: usageOf(s),
    createdAt: w.createdAt.toISOString(),
  }
}

/** Workspaces with their billing row, as the operator's list and lookup read them. */
const operatorRows = (db: Db) =>
  db
    .select({
      id: workspaces.id,
      name: workspaces.name,
      slug: workspaces.slug,
      createdAt: workspaces.createdAt,
      status: workspaceBilling.status,
      limitOverrides: workspaceBilling.limitOverrides,
    })
    .from(workspaces)
    .leftJoin(workspaceBilling, eq(workspaceBilling.workspaceId, workspaces.id))

/** A workspace for the operator by id, or null. */
export async function findWorkspaceForOperator(db: Db, id: string) {
  const [w] = await operatorRows(db).where(eq(workspaces.id, id))
  return w ?? null
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)
