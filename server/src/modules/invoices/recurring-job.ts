import { and, asc, eq, lte, sql } from 'drizzle-orm'
import type { AuditMeta } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Database, Tx } from '../../kernel/db/index.ts'
import { entitlements } from '../../kernel/entitlements/index.ts'
import type { EventSink } from '../../kernel/events/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { Problem } from '../../kernel/http/problem.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import { searchIndex } from '../../kernel/search/index.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { billingClient } from './documents.service.ts'
import { addDays, auditTransition, ref, today } from './documents.ts'
import { enqueueDocumentEmail } from './email.ts'
import { finalise } from './lifecycle.ts'
import { lineRows, resolveLines, totalsOf } from './lines.ts'
import { audit, eventOf, nextAfter, type ProfileRow, periodIndexFrom, recurringRecords } from './recurring.ts'
import { documentLines, documents, recurringProfiles, recurringRuns } from './schema.ts'
import { documentRecords } from './search.ts'
import { loadSettings } from './settings.service.ts'
import { setViewToken } from './view-links.ts'

/** The scheduled job of recurring invoices: each due period of each active profile becomes an invoice. */

export const RECURRING_QUEUE = 'invoices.recurring'

const SYSTEM: AuditMeta = {
  actorId: null,
  actorLabel: 'system',
  ipAddress: null,
  userAgent: null,
  requestId: null,
}
const NOBODY = '00000000-0000-0000-0000-000000000000'

export type GenerateDeps = {
  database: Pick<Database, 'db'>
  events: EventSink
  jobs: Pick<Jobs, 'send'>
  appUrl: string
}

/**
 * Writes one period's invoice of a profile, in one workspace transaction: the profile is locked, the
 * period's row in `invoice_recurring_runs` is taken (its primary key refuses a second one), and the
 * invoice, its lines, audit entries and events, and with auto-send its number and email, commit with
 * it or not at all. Returns false when the profile has nothing due.
 */
async function generateOne(
  deps: GenerateDeps,
  workspaceId: string,
  profileId: string,
  day: string,
  hook?: (period: string) => void,
): Promise<boolean> {
  return withWorkspace({ db: deps.database.db, workspaceId }, async (tx) => {
    const [p] = await tx
      .select()
      .from(recurringProfiles)
      .where(eq(recurringProfiles.id, profileId))
      .for('update')
    if (p?.status !== 'active' || !p.nextDate || p.nextDate > day) return false
    const period = p.nextDate
    const k = periodIndexFrom(p, period)
    const ctx: ServiceContext = {
      db: deps.database.db,
      workspaceId,
      actor: { userId: p.createdBy ?? NOBODY, role: 'owner' },
      meta: SYSTEM,
    }
    const [run] = await tx
      .insert(recurringRuns)
      .values({ workspaceId, profileId, periodStart: period, seq: p.generated + 1 })
      .onConflictDoNothing()
      .returning()
    let invoiceId: string | null = null
    if (run) {
      invoiceId = await writeInvoice(tx, deps, ctx, p, period)
      await tx
        .update(recurringRuns)
        .set({ invoiceId })
        .where(and(eq(recurringRuns.profileId, profileId), eq(recurringRuns.periodStart, period)))
    }
    hook?.(period)
    const generated = run ? p.generated + 1 : p.generated
    const nextDate = nextAfter(p, k + 1, generated)
    const [after] = await tx
      .update(recurringProfiles)
      .set({
        generated,
        nextDate,
        status: nextDate === null ? 'completed' : 'active',
        ...(invoiceId ? { lastInvoiceId: invoiceId } : {}),
        lastError: null,
        updatedAt: sql`now()`,
      })
      .where(eq(recurringProfiles.id, profileId))
      .returning()
    if (after!.status === 'completed') {
      await searchIndex.update(tx, recurringRecords, [profileId])
      await audit(tx, ctx, 'recurring_invoice.completed', p, after!)
      await deps.events.emit(tx, 'recurring_invoice.completed', workspaceId, eventOf(after!))
    }
    return true
  })
}

async function writeInvoice(tx: Tx, deps: GenerateDeps, ctx: ServiceContext, p: ProfileRow, period: string) {
  // Over the plan (no recurring invoices, or the month's invoices used up) the period is not written:
  // the whole transaction rolls back, the reason goes to `last_error`, and a later run tries again.
  await entitlements.assertFeature(tx, ctx.workspaceId, 'recurringInvoices')
  await entitlements.assertWithin(tx, ctx.workspaceId, 'invoicesPerMonth')
  const client = await billingClient(tx, ctx, p.clientId)
  const settings = await loadSettings(tx)
  const lines = await resolveLines(tx, p.lines, p.currency, { allowArchivedTaxes: true })
  const totals = totalsOf(lines, p.discount ?? null, p.shipping)
  const id = newId('inv')
  const [draft] = await tx
    .insert(documents)
    .values({
      id,
      workspaceId: ctx.workspaceId,
      kind: 'invoice',
      status: 'draft',
      clientId: client.id,
      clientName: client.name,
      currency: p.currency,
      baseCurrency: settings.baseCurrency,
      issueDate: period,
      dueDate: addDays(period, p.dueDays ?? client.paymentTermsDays ?? settings.paymentTermsDays),
      notes: p.notes ?? settings.defaultNotes,
      terms: p.terms ?? settings.defaultTerms,
      footer: settings.defaultFooter,
      discount: p.discount ?? null,
      shipping: p.shipping,
      subtotal: totals.subtotal,
      discountTotal: totals.discount,
      taxTotal: totals.tax,
      total: totals.total,
      createdBy: p.createdBy,
    })
    .returning()
  await tx.insert(documentLines).values(lineRows(ctx.workspaceId, id, lines, totals))
  await searchIndex.update(tx, documentRecords.invoice, [id], { created: [id] })
  await auditTransition(tx, ctx, 'invoice.created', null, draft!, draft!)
  await deps.events.emit(tx, 'invoice.created', ctx.workspaceId, ref(draft!))
  let doc = draft!
  if (p.autoSend) {
    doc = await finalise(tx, deps, ctx, draft!)
    const token = await setViewToken(tx, id)
    if (client.email) await enqueueDocumentEmail(tx, deps.jobs, ctx, deps.appUrl, doc, token, { email: true })
  }
  await deps.events.emit(tx, 'invoice.generated', ctx.workspaceId, {
    ...ref(doc),
    profileId: p.id,
    periodStart: period,
  })
  return id
}

/**
 * The scheduled run: every active profile whose next period has started gets its invoices, one
 * period per transaction, oldest first, until it is caught up. A profile that fails (its client gone,
 * a line that no longer resolves) keeps its place and the reason in `last_error`; the others go on.
 * Runs may overlap or crash at any point: the period rows make each period's invoice exist once, and
 * the next run picks up where the last commit left off. Returns how many invoices were written.
 */
export async function generateDueInvoices(
  deps: GenerateDeps,
  opts: { today?: string; batch?: number; hook?: (profileId: string, period: string) => void } = {},
): Promise<number> {
  const day = opts.today ?? today()
  const due = await deps.database.db
    .select({ id: recurringProfiles.id, workspaceId: recurringProfiles.workspaceId })
    .from(recurringProfiles)
    .where(and(eq(recurringProfiles.status, 'active'), lte(recurringProfiles.nextDate, day)))
    .orderBy(asc(recurringProfiles.nextDate))
    .limit(opts.batch ?? 200)
  let written = 0
  let failure: unknown = null
  for (const { id, workspaceId } of due) {
    try {
      while (await generateOne(deps, workspaceId, id, day, opts.hook && ((period) => opts.hook!(id, period))))
        written++
    } catch (err) {
      const message =
        err instanceof Problem
          ? [err.detail, ...(err.errors ?? []).map((e) => `${e.field}: ${e.message}`)].join(' ')
          : 'The invoice could not be written; it will be tried again.'
      await withWorkspace({ db: deps.database.db, workspaceId }, (tx) =>
        tx
          .update(recurringProfiles)
          .set({ lastError: message.slice(0, 1000) })
          .where(eq(recurringProfiles.id, id)),
      )
      if (!(err instanceof Problem)) failure ??= err
    }
  }
  if (failure) throw failure
  return written
}
