import { and, eq, inArray, type SQL, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type {
  CreateRecurringSchema,
  RecurringListQuerySchema,
  UpdateRecurringSchema,
} from '../../../../contracts/invoices-recurring.ts'
import { recurringStatuses } from '../../../../contracts/invoices-recurring.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { type AuditMeta, record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { entitlements } from '../../kernel/entitlements/index.ts'
import type { EventSink } from '../../kernel/events/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import { defineRecordType, type SearchDocument, searchIndex } from '../../kernel/search/index.ts'
import { declaredFilters, listValues, searchText } from '../../kernel/search/list.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { visibleClientCondition } from '../clients/index.ts'
import { trimPercent } from './catalog.service.ts'
import { billingClient } from './documents.service.ts'
import { addDays, today } from './documents.ts'
import { resolveLines, totalsOf } from './lines.ts'
import { listPage } from './list.ts'
import { type Discount, type RecurringLine, recurringProfiles, recurringRuns } from './schema.ts'
import { loadSettings } from './settings.service.ts'

type CreateInput = z.output<typeof CreateRecurringSchema>
type UpdateInput = z.output<typeof UpdateRecurringSchema>
type ListQuery = z.output<typeof RecurringListQuerySchema>
export type ProfileRow = typeof recurringProfiles.$inferSelect
type Frequency = ProfileRow['frequency']

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows

// ---- periods ------------------------------------------------------------------------------------

const monthsOf: Record<Exclude<Frequency, 'weekly'>, number> = { monthly: 1, quarterly: 3, yearly: 12 }

/**
 * The start of period `k` (0 for the first) of a schedule. Months are counted from the start date, so
 * a profile started on the 31st bills on the last day of shorter months and on the 31st again after.
 */
export function periodStart(start: string, frequency: Frequency, interval: number, k: number): string {
  if (frequency === 'weekly') return addDays(start, 7 * interval * k)
  const [y, m, d] = start.split('-').map(Number) as [number, number, number]
  const months = m - 1 + monthsOf[frequency] * interval * k
  const year = y + Math.floor(months / 12)
  const month = months % 12
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const day = Math.min(d, last)
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** The index of the first period starting on or after `day`. */
export function periodIndexFrom(
  p: Pick<ProfileRow, 'startDate' | 'frequency' | 'interval'>,
  day: string,
): number {
  let k = 0
  while (periodStart(p.startDate, p.frequency, p.interval, k) < day) k++
  return k
}

/** The next period's start after `k` periods, or null when the count or end date is reached. */
export function nextAfter(
  p: Pick<ProfileRow, 'startDate' | 'frequency' | 'interval' | 'endDate' | 'count'>,
  k: number,
  generated: number,
) {
  if (p.count !== null && generated >= p.count) return null
  const next = periodStart(p.startDate, p.frequency, p.interval, k)
  if (p.endDate && next > p.endDate) return null
  return next
}

// ---- serialising ------------------------------------------------------------------------------------

export function serializeProfile(p: ProfileRow) {
  return {
    id: p.id,
    name: p.name,
    status: p.status,
    client: { id: p.clientId, name: p.clientName },
    currency: p.currency,
    lines: p.lines,
    discount: p.discount ?? null,
    shipping: p.shipping,
    notes: p.notes,
    terms: p.terms,
    frequency: p.frequency,
    interval: p.interval,
    startDate: p.startDate,
    endDate: p.endDate,
    count: p.count,
    dueDays: p.dueDays,
    autoSend: p.autoSend,
    total: p.total,
    generated: p.generated,
    nextDate: p.nextDate,
    lastInvoiceId: p.lastInvoiceId,
    lastError: p.lastError,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  }
}

const auditView = (p: ProfileRow | null) => {
  if (!p) return null
  const { createdAt: _c, updatedAt: _u, workspaceId: _w, ...rest } = p
  return { ...rest, lines: p.lines.length }
}
const labelOf = (p: ProfileRow) => p.name ?? `Recurring invoice for ${p.clientName}`

export async function audit(
  tx: Tx,
  scope: { workspaceId: string; meta: AuditMeta },
  action: string,
  before: ProfileRow | null,
  after: ProfileRow | null,
) {
  const p = (after ?? before)!
  await record(tx, scope.workspaceId, scope.meta, {
    action,
    targetType: 'recurring_invoice',
    targetId: p.id,
    targetLabel: labelOf(p),
    before: auditView(before),
    after: auditView(after),
  })
}

// ---- the list engine ----------------------------------------------------------------------------------

/** Recurring profiles in the kernel's search-and-list engine: found by name, client and line text. */
export const recurringRecords = defineRecordType({
  name: 'recurring_invoice',
  table: 'invoice_recurring_profiles',
  alias: 'r',
  facets: { table: 'invoice_recurring_facets', recordColumn: 'profile_id' },
  sorts: {
    created: { column: 'created_at', kind: 'timestamp' },
    updated: { column: 'updated_at', kind: 'timestamp' },
  },
  defaultSort: '-created',
  filters: {
    status: { kind: 'enum', column: 'status', values: recurringStatuses },
  },
  async documents(tx: Tx, list: readonly string[]): Promise<SearchDocument[]> {
    const r = await tx.execute(sql`select r.id, r.name, r.client_name, r.frequency, r.lines
      from jsonb_array_elements_text(${JSON.stringify(list)}::jsonb) i(id)
      join invoice_recurring_profiles r on r.id = i.id`)
    return rowsOf<{
      id: string
      name: string | null
      client_name: string
      frequency: string
      lines: RecurringLine[]
    }>(r).map((p) => ({
      id: p.id,
      title: `${p.name ?? ''} ${p.client_name}`.trim(),
      text: p.lines.slice(0, 50).map((l) => l.description),
      facets: [['frequency', p.frequency]],
    }))
  },
})

const visibleProfiles = (ctx: Pick<ServiceContext, 'actor'>): SQL | undefined =>
  visibleClientCondition(ctx, sql`${recurringProfiles.clientId}`)

async function loadProfile(tx: Tx, ctx: Pick<ServiceContext, 'actor'>, id: string, lock = false) {
  const q = tx
    .select()
    .from(recurringProfiles)
    .where(and(eq(recurringProfiles.id, id), visibleProfiles(ctx)))
  const [row] = lock ? await q.for('update') : await q
  if (!row) throw problems.notFound('Recurring invoice')
  return row
}

export async function listProfiles(ctx: ServiceContext, q: ListQuery) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    const errors: FieldError[] = []
    const conditions = declaredFilters(
      recurringRecords,
      { userId: ctx.actor.userId, seesAll: true },
      q,
      errors,
    )
    const vis = visibleClientCondition(ctx, sql`r.client_id`)
    if (vis) conditions.push(vis)
    const clients = listValues(q.client)
    if (clients.length) {
      if (clients.some((c) => !/^cli_[0-9a-f]{32}$/.test(c)))
        errors.push({ field: 'client', message: 'must be client ids' })
      else
        conditions.push(
          sql`r.client_id in (${sql.join(
            clients.map((c) => sql`${c}`),
            sql`, `,
          )})`,
        )
    }
    if (errors.length) throw problems.validation(errors, 'The filter is not valid.')
    const page = await listPage(tx, recurringRecords, {
      conditions,
      search: searchText(q.q) || null,
      sort: q.sort,
      extraSorts: { next: sql`r.next_date` },
      limit: q.limit,
      cursor: q.cursor,
    })
    if (!page.ids.length) return { data: [], nextCursor: page.nextCursor }
    const rows = await tx.select().from(recurringProfiles).where(inArray(recurringProfiles.id, page.ids))
    const byId = new Map(rows.map((r) => [r.id, r]))
    return {
      data: page.ids.flatMap((id) => (byId.has(id) ? [serializeProfile(byId.get(id)!)] : [])),
      nextCursor: page.nextCursor,
    }
  })
}

export async function getProfile(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => serializeProfile(await loadProfile(tx, ctx, id)))
}

// ---- writing ----------------------------------------------------------------------------------------

type Schedule = Pick<
  ProfileRow,
  'startDate' | 'endDate' | 'count' | 'frequency' | 'interval' | 'currency' | 'autoSend'
>

/** The rules a schedule must meet, each naming its field. */
function checkSchedule(s: Schedule, baseCurrency: string, generated: number) {
  const errors: FieldError[] = []
  if (s.endDate !== null && s.count !== null)
    errors.push({ field: 'count', message: 'give either count or endDate, not both' })
  if (s.endDate !== null && s.endDate < s.startDate)
    errors.push({ field: 'endDate', message: 'must not be before the start date' })
  if (generated === 0 && s.startDate < addDays(today(), -366))
    errors.push({ field: 'startDate', message: 'must be at most a year in the past' })
  if (s.count !== null && s.count < generated)
    errors.push({ field: 'count', message: `must be at least ${generated}: that many invoices were written` })
  if (s.autoSend && s.currency !== baseCurrency)
    errors.push({
      field: 'autoSend',
      message: `needs the base currency ${baseCurrency}: an invoice in another currency needs its exchange rate before it is sent`,
    })
  if (errors.length) throw problems.validation(errors)
}

/** Lines as stored: resolved against the catalog and tax rates now, so unknown ones name their field. */
async function storedLines(
  tx: Tx,
  inputs: CreateInput['lines'],
  currency: string,
  discount: Discount | null,
  shipping: number,
) {
  const resolved = await resolveLines(tx, inputs, currency)
  const totals = totalsOf(resolved, discount, shipping)
  const lines: RecurringLine[] = resolved.map((l) => ({
    productId: l.productId,
    description: l.description,
    quantity: trimPercent(l.quantity),
    unit: l.unit,
    unitCode: l.unitCode,
    unitPrice: l.unitPrice,
    discount: l.discount,
    taxRateIds: l.taxes.map((t) => t.id),
  }))
  return { lines, total: totals.total }
}

/** Where a schedule stands after a change: its next period and status. */
function position(
  s: Pick<ProfileRow, 'startDate' | 'frequency' | 'interval' | 'endDate' | 'count' | 'generated' | 'status'>,
  fromDay: string,
) {
  const k = periodIndexFrom(s, fromDay)
  const nextDate = nextAfter(s, k, s.generated)
  const status: ProfileRow['status'] =
    nextDate === null ? 'completed' : s.status === 'paused' ? 'paused' : 'active'
  return { nextDate, status }
}

export async function createProfile(deps: { events: EventSink }, ctx: ServiceContext, input: CreateInput) {
  assertCan(ctx.actor, 'invoices:write')
  return withWorkspace(ctx, async (tx) => {
    await entitlements.assertFeature(tx, ctx.workspaceId, 'recurringInvoices')
    const client = await billingClient(tx, ctx, input.clientId)
    const settings = await loadSettings(tx)
    const currency = input.currency ?? client.currency ?? settings.baseCurrency
    const schedule = {
      startDate: input.startDate,
      endDate: input.endDate ?? null,
      count: input.count ?? null,
      frequency: input.frequency,
      interval: input.interval,
      currency,
      autoSend: input.autoSend,
    }
    checkSchedule(schedule, settings.baseCurrency, 0)
    const discount = (input.discount ?? null) as Discount | null
    const { lines, total } = await storedLines(tx, input.lines, currency, discount, input.shipping)
    const at = position({ ...schedule, generated: 0, status: 'active' }, input.startDate)
    const [row] = await tx
      .insert(recurringProfiles)
      .values({
        id: newId('rec'),
        workspaceId: ctx.workspaceId,
        name: input.name,
        status: at.status,
        clientId: client.id,
        clientName: client.name,
        lines,
        discount,
        shipping: input.shipping,
        notes: input.notes,
        terms: input.terms,
        dueDays: input.dueDays ?? null,
        total,
        nextDate: at.nextDate,
        createdBy: ctx.actor.userId,
        ...schedule,
      })
      .returning()
    await searchIndex.update(tx, recurringRecords, [row!.id], { created: [row!.id] })
    await audit(tx, ctx, 'recurring_invoice.created', null, row!)
    await deps.events.emit(tx, 'recurring_invoice.created', ctx.workspaceId, eventOf(row!))
    return serializeProfile(row!)
  })
}

export const eventOf = (p: ProfileRow) => ({ profileId: p.id, clientId: p.clientId, nextDate: p.nextDate })

export async function updateProfile(
  deps: { events: EventSink },
  ctx: ServiceContext,
  id: string,
  input: UpdateInput,
) {
  assertCan(ctx.actor, 'invoices:write')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadProfile(tx, ctx, id, true)
    await entitlements.assertFeature(tx, ctx.workspaceId, 'recurringInvoices')
    if (before.generated > 0)
      for (const field of ['startDate', 'frequency', 'interval'] as const)
        if (input[field] !== undefined && input[field] !== before[field])
          throw problems.conflict(
            'cannot change once invoices were written: start a new profile instead',
            field,
          )
    const settings = await loadSettings(tx)
    const client = input.clientId ? await billingClient(tx, ctx, input.clientId) : null
    const currency = input.currency ?? before.currency
    const pick = <K extends keyof UpdateInput & keyof ProfileRow>(k: K) =>
      (input[k] === undefined ? before[k] : (input[k] ?? null)) as ProfileRow[K]
    const schedule = {
      startDate: input.startDate ?? before.startDate,
      endDate: pick('endDate'),
      count: pick('count'),
      frequency: input.frequency ?? before.frequency,
      interval: input.interval ?? before.interval,
      currency,
      autoSend: input.autoSend ?? before.autoSend,
    }
    checkSchedule(schedule, settings.baseCurrency, before.generated)
    const discount = pick('discount') as Discount | null
    const shipping = input.shipping ?? before.shipping
    const { lines, total } = await storedLines(tx, input.lines ?? before.lines, currency, discount, shipping)
    // The next period: the first from the start date, else the one after the last written.
    let fromDay = schedule.startDate
    if (before.generated > 0) {
      const [last] = await tx
        .select({ day: sql<string>`max(${recurringRuns.periodStart})::text` })
        .from(recurringRuns)
        .where(eq(recurringRuns.profileId, id))
      fromDay = before.nextDate ?? addDays(last?.day ?? schedule.startDate, 1)
    }
    const at = position({ ...schedule, generated: before.generated, status: before.status }, fromDay)
    const [row] = await tx
      .update(recurringProfiles)
      .set({
        ...(client ? { clientId: client.id, clientName: client.name } : {}),
        name: pick('name'),
        lines,
        discount,
        shipping,
        notes: pick('notes'),
        terms: pick('terms'),
        dueDays: pick('dueDays'),
        total,
        ...schedule,
        ...at,
        updatedAt: sql`now()`,
      })
      .where(eq(recurringProfiles.id, id))
      .returning()
    await searchIndex.update(tx, recurringRecords, [id])
    await audit(tx, ctx, 'recurring_invoice.updated', before, row!)
    await deps.events.emit(tx, 'recurring_invoice.updated', ctx.workspaceId, eventOf(row!))
    return serializeProfile(row!)
  })
}

/**
 * Pauses or resumes a profile. Periods that start while it is paused are skipped: on resume, the
 * next invoice is the first period starting today or later.
 */
export async function setPaused(
  deps: { events: EventSink },
  ctx: ServiceContext,
  id: string,
  paused: boolean,
) {
  assertCan(ctx.actor, 'invoices:write')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadProfile(tx, ctx, id, true)
    if (before.status === 'completed')
      throw problems.conflict('This recurring invoice has completed.', 'status')
    if ((before.status === 'paused') === paused) return serializeProfile(before)
    if (!paused) await entitlements.assertFeature(tx, ctx.workspaceId, 'recurringInvoices')
    const at = paused
      ? { status: 'paused' as const, nextDate: before.nextDate }
      : position(
          { ...before, status: 'active' },
          before.nextDate && before.nextDate > today() ? before.nextDate : today(),
        )
    const [row] = await tx
      .update(recurringProfiles)
      .set({ ...at, updatedAt: sql`now()` })
      .where(eq(recurringProfiles.id, id))
      .returning()
    const action = paused ? 'recurring_invoice.paused' : 'recurring_invoice.resumed'
    await searchIndex.update(tx, recurringRecords, [id])
    await audit(tx, ctx, action, before, row!)
    await deps.events.emit(tx, action, ctx.workspaceId, eventOf(row!))
    return serializeProfile(row!)
  })
}

/** Deletes a profile (owners and admins); the invoices it wrote stay. */
export async function deleteProfile(deps: { events: EventSink }, ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadProfile(tx, ctx, id, true)
    assertCan(ctx.actor, 'invoices:delete')
    await tx.delete(recurringProfiles).where(eq(recurringProfiles.id, id))
    await searchIndex.update(tx, recurringRecords, [id])
    await audit(tx, ctx, 'recurring_invoice.deleted', before, null)
    await deps.events.emit(tx, 'recurring_invoice.deleted', ctx.workspaceId, eventOf(before))
  })
}
