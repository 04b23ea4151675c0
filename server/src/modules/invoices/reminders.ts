import { and, eq, inArray, sql } from 'drizzle-orm'
import { type AuditMeta, record } from '../../kernel/audit/index.ts'
import type { Database, Tx } from '../../kernel/db/index.ts'
import type { EventSink } from '../../kernel/events/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import { MAIL_QUEUE, type MailMessage } from '../../kernel/mail/index.ts'
import { withWorkspace, workspaces } from '../../kernel/tenancy/index.ts'
import { billingClient } from './documents.service.ts'
import { addDays, amounts, ref, today } from './documents.ts'
import { payUrlOf } from './online-pay.ts'
import * as fmt from './render/format.ts'
import { renderDocumentEmail } from './render/lazy.ts'
import { renderableIn } from './render.service.ts'
import { documents, invoiceReminders, type ReminderSchedule } from './schema.ts'
import { loadSettings } from './settings.service.ts'
import { setViewToken, viewUrl } from './view-links.ts'

export const REMINDERS_QUEUE = 'invoices.reminders'

const OPEN = ['sent', 'viewed', 'partially_paid', 'overdue']
const SYSTEM: AuditMeta = {
  actorId: null,
  actorLabel: 'system',
  ipAddress: null,
  userAgent: null,
  requestId: null,
}
const NOBODY = '00000000-0000-0000-0000-000000000000'
const DAY_MS = 86_400_000

/** A schedule as offsets in days from the due date, ascending (negative before it). */
export const offsetsOf = (s: ReminderSchedule) =>
  [...new Set([...s.daysBefore.map((d) => -d), ...s.daysAfter])].sort((a, b) => a - b)

/**
 * The reminder due for an invoice today is the latest offset of the schedule reached (due date + offset
 * ≤ today), unless that one or a later one went out already: offsets missed earlier (the schedule was
 * turned on late, the job did not run) are not sent after the fact.
 */
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS)

function wordingOf(number: string, workspaceName: string, dueIn: number, due: string) {
  const when =
    dueIn > 0
      ? `is due in ${dueIn} day${dueIn === 1 ? '' : 's'}, on ${due}`
      : dueIn === 0
        ? 'is due today'
        : `was due on ${due}, ${-dueIn} day${dueIn === -1 ? '' : 's'} ago`
  return {
    subject: `${dueIn >= 0 ? 'Reminder' : 'Overdue'}: invoice ${number} – ${workspaceName}`,
    intro: `A friendly reminder: invoice ${number} ${when}. If you have already paid, thank you, and please disregard this message.`,
    preview: `Invoice ${number} ${when}`,
  }
}

export type ReminderDeps = {
  database: Pick<Database, 'db'>
  events: EventSink
  jobs: Pick<Jobs, 'send'>
  appUrl: string
}

/**
 * Sends one invoice's reminder for `offset`, in the caller's workspace transaction: the row
 * `(invoice_id, offset_days)` is taken first (its primary key refuses a second), then the email —
 * the branded invoice email with reminder wording, the amount due and a fresh view link — is put on
 * the mail queue in the same transaction, so it leaves once, exactly when the row commits.
 */
async function remind(
  tx: Tx,
  deps: ReminderDeps,
  ctx: ServiceContext,
  id: string,
  offset: number,
  day: string,
) {
  const [d] = await tx.select().from(documents).where(eq(documents.id, id)).for('update')
  if (!d || !OPEN.includes(d.status) || d.balance <= 0 || !d.dueDate || !d.number) return false
  const client = await billingClient(tx, ctx, d.clientId).catch(() => null)
  if (!client?.email) return false
  const [taken] = await tx
    .insert(invoiceReminders)
    .values({ workspaceId: ctx.workspaceId, invoiceId: id, offsetDays: offset, sentTo: client.email })
    .onConflictDoNothing()
    .returning()
  if (!taken) return false
  const token = await setViewToken(tx, id)
  const [ws] = await tx
    .select({ name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.id, ctx.workspaceId))
  const renderable = await renderableIn(tx, ctx, 'invoice', id)
  renderable.payUrl = await payUrlOf(tx, deps.appUrl, token, 'invoice')
  const due = fmt.date(d.dueDate, fmt.safeLocale(renderable.locale))
  const email = await renderDocumentEmail(
    renderable,
    { workspaceName: ws?.name ?? '', brandColor: renderable.brandColor, logoUrl: null },
    viewUrl(deps.appUrl, token),
    wordingOf(d.number, ws?.name ?? '', daysBetween(day, d.dueDate), due),
  )
  const msg: MailMessage = { to: client.email, subject: email.subject, text: email.text, html: email.html }
  await deps.jobs.send(MAIL_QUEUE, msg, tx)
  await tx.update(documents).set({ lastReminderAt: sql`now()` }).where(eq(documents.id, id))
  await record(tx, ctx.workspaceId, ctx.meta, {
    action: 'invoice.reminder_sent',
    targetType: 'invoice',
    targetId: id,
    targetLabel: d.number,
    before: null,
    after: { offsetDays: offset, to: client.email, balance: d.balance, dueDate: d.dueDate },
  })
  await deps.events.emit(tx, 'invoice.reminder_sent', ctx.workspaceId, {
    ...ref(d),
    ...amounts(d),
    offsetDays: offset,
    to: client.email,
  })
  return true
}

/**
 * The scheduled run: open invoices (sent, viewed, partially paid, overdue, with a balance) of the
 * workspaces whose reminder schedule is on get the reminder due today, at most once per invoice and
 * offset. The workspaces with open invoices are found as the owner across workspaces
 * (`invoice_documents` has row-level security enabled, not forced); each one's schedule is then read,
 * the reminders due chosen in SQL (the latest offset reached, none sent at or after it), and each
 * reminder taken, inside that workspace's transactions. Returns how many were sent.
 */
export async function sendInvoiceReminders(
  deps: ReminderDeps,
  opts: { today?: string; batch?: number } = {},
) {
  const day = opts.today ?? today()
  // The widest schedule allowed: 90 days before the due date to 365 after.
  const open = and(
    eq(documents.kind, 'invoice'),
    inArray(documents.status, OPEN),
    sql`${documents.dueDate} between ${addDays(day, -365)}::date and ${addDays(day, 90)}::date`,
  )
  const spaces = await deps.database.db
    .selectDistinct({ id: documents.workspaceId })
    .from(documents)
    .where(open)
  let sent = 0
  for (const { id: workspaceId } of spaces) {
    const ctx: ServiceContext = {
      db: deps.database.db,
      workspaceId,
      actor: { userId: NOBODY, role: 'owner' },
      meta: SYSTEM,
    }
    const due = await withWorkspace(ctx, async (tx) => {
      const settings = await loadSettings(tx)
      const offsets = offsetsOf(settings.reminders)
      if (!settings.reminders.enabled || !offsets.length) return []
      const list = sql`${`{${offsets.join(',')}}`}::int[]`
      const r = await tx.execute(sql`select d.id, o.off
        from invoice_documents d
        cross join lateral (select max(x) as off from unnest(${list}) x where d.due_date + x <= ${day}::date) o
        where d.kind = 'invoice' and d.status in ('sent', 'viewed', 'partially_paid', 'overdue')
          and d.due_date between ${addDays(day, -365)}::date and ${addDays(day, -offsets[0]!)}::date
          and d.total - d.paid - d.credited > 0 and o.off is not null
          and not exists (select 1 from invoice_reminders r where r.invoice_id = d.id and r.offset_days >= o.off)
        order by d.due_date, d.id
        limit ${opts.batch ?? 1000}`)
      return (r as unknown as { rows: { id: string; off: number | string }[] }).rows.map((x) => ({
        id: x.id,
        offset: Number(x.off),
      }))
    })
    // One transaction per reminder: a failing one (a render error) leaves the others sent.
    for (const r of due)
      if (await withWorkspace(ctx, (tx) => remind(tx, deps, ctx, r.id, r.offset, day))) sent++
  }
  return sent
}
