import { type SQL, sql } from 'drizzle-orm'
import type { ClientBalance, InvoiceSummary } from '../../../../contracts/invoice-summary.ts'
import { currencyDigits } from '../../../../contracts/money.ts'
import { assertCan } from '../../kernel/access/index.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { getVisibleClient, visibleClientCondition } from '../clients/index.ts'
import { today } from './documents.ts'
import { loadSettings } from './settings.service.ts'

/**
 * What is owed and paid, per currency, for one client or the whole workspace. Outstanding: the open
 * balance of invoices that left draft and are not paid or void; overdue: the part of it past its due
 * date (the list's `overdue` filter); paid: what payments applied to invoices in the period, refunds
 * subtracting; credit: the client's credit (`payments.ts`). A member counts only the clients they see.
 */

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows
const OPEN = sql`('sent', 'viewed', 'partially_paid', 'overdue')`

/**
 * A decimal text (a numeric sum) shifted by `shift` decimal places and rounded half away from zero:
 * an amount in the document currency's minor units times a rate, read as the base currency's.
 */
export function shiftRound(text: string | null, shift: number): number {
  if (!text) return 0
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim())
  if (!m) return 0
  const [, sign, int = '0', frac = ''] = m
  const digits = int + frac
  const point = int.length + shift
  let whole: bigint
  let next: number
  if (point <= 0) {
    whole = 0n
    next = point === 0 ? Number(digits[0] ?? '0') : 0
  } else {
    const padded = digits.padEnd(point, '0')
    whole = BigInt(padded.slice(0, point))
    next = Number(padded[point] ?? '0')
  }
  if (next >= 5) whole += 1n
  const n = Number(whole)
  return sign && n !== 0 ? -n : n
}

const rateTo = (base: string, alias: 'd') =>
  sql`case when ${sql.identifier(alias)}.currency = ${base} then 1::numeric when ${sql.identifier(alias)}.base_currency = ${base} then ${sql.identifier(alias)}.exchange_rate end`

type OpenRow = {
  currency: string
  n: number
  amount: string
  overdue_n: number
  overdue: string
  amount_base: string | null
  overdue_base: string | null
  missing: boolean
}

async function openInvoices(tx: Tx, where: SQL[], base: string, day: string): Promise<OpenRow[]> {
  const rate = rateTo(base, 'd')
  const late = sql`d.due_date < ${day}::date`
  return rowsOf<OpenRow>(
    await tx.execute(sql`
      select d.currency,
        count(*)::int as n,
        sum(d.balance)::text as amount,
        (count(*) filter (where ${late}))::int as overdue_n,
        coalesce(sum(d.balance) filter (where ${late}), 0)::text as overdue,
        sum(d.balance * ${rate})::text as amount_base,
        sum(d.balance * ${rate}) filter (where ${late})::text as overdue_base,
        coalesce(bool_or(${rate} is null), false) as missing
      from invoice_documents d
      where d.kind = 'invoice' and d.status in ${OPEN} and d.balance > 0 and ${sql.join(where, sql` and `)}
      group by d.currency
      order by d.currency`),
  )
}

type PaidRow = { currency: string; amount: string; amount_base: string | null; missing: boolean }

async function paidBetween(tx: Tx, where: SQL[], base: string, from: string, to: string) {
  const rate = rateTo(base, 'd')
  return rowsOf<PaidRow>(
    await tx.execute(sql`
      select p.currency,
        coalesce(sum(p.applied), 0)::text as amount,
        sum(p.applied * ${rate})::text as amount_base,
        coalesce(bool_or(${rate} is null and p.applied <> 0), false) as missing
      from invoice_payments p
      left join invoice_documents d on d.id = p.invoice_id
      where p.applied <> 0 and p.paid_on >= ${from}::date and p.paid_on < ${to}::date
        and ${sql.join(where, sql` and `)}
      group by p.currency
      order by p.currency`),
  )
}

const num = (v: string | number | null | undefined) => Number(v ?? 0)

/** The first day of this year and of the next, or of this month and the next (UTC). */
function period(day: string, unit: 'year' | 'month'): [string, string] {
  const y = Number(day.slice(0, 4))
  const m = Number(day.slice(5, 7))
  if (unit === 'year') return [`${y}-01-01`, `${y + 1}-01-01`]
  const pad = (n: number) => String(n).padStart(2, '0')
  return [`${y}-${pad(m)}-01`, m === 12 ? `${y + 1}-01-01` : `${y}-${pad(m + 1)}-01`]
}

/** A client's outstanding, overdue, paid this year and credit, per currency (404 for one not seen). */
export async function clientBalance(ctx: ServiceContext, clientId: string): Promise<ClientBalance> {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    await getVisibleClient(tx, ctx, clientId)
    const day = today()
    const base = (await loadSettings(tx)).baseCurrency
    const [from, to] = period(day, 'year')
    const open = await openInvoices(tx, [sql`d.client_id = ${clientId}`], base, day)
    const paid = await paidBetween(tx, [sql`p.client_id = ${clientId}`], base, from, to)
    const credit = rowsOf<{ currency: string; amount: string }>(
      await tx.execute(sql`
        select currency, sum(credit)::text as amount from invoice_payments
        where client_id = ${clientId} group by currency`),
    )
    const byCurrency = new Map<string, ClientBalance['currencies'][number]>()
    const entry = (currency: string) => {
      let e = byCurrency.get(currency)
      if (!e) {
        e = {
          currency,
          outstanding: 0,
          outstandingCount: 0,
          overdue: 0,
          overdueCount: 0,
          paidThisYear: 0,
          credit: 0,
        }
        byCurrency.set(currency, e)
      }
      return e
    }
    for (const r of open)
      Object.assign(entry(r.currency), {
        outstanding: num(r.amount),
        outstandingCount: num(r.n),
        overdue: num(r.overdue),
        overdueCount: num(r.overdue_n),
      })
    for (const r of paid) if (num(r.amount) !== 0) entry(r.currency).paidThisYear = num(r.amount)
    for (const r of credit) if (num(r.amount) !== 0) entry(r.currency).credit = num(r.amount)
    return {
      clientId,
      asOf: day,
      currencies: [...byCurrency.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1)),
    }
  })
}

/**
 * The workspace's outstanding, overdue and paid this month, per currency and in the base currency
 * (each invoice converted at its stored rate; currencies without one are named in `unconverted`).
 */
export async function workspaceSummary(ctx: ServiceContext): Promise<InvoiceSummary> {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    const day = today()
    const base = (await loadSettings(tx)).baseCurrency
    const [from, to] = period(day, 'month')
    const docVis = visibleClientCondition(ctx, sql`d.client_id`) ?? sql`true`
    const payVis = visibleClientCondition(ctx, sql`p.client_id`) ?? sql`true`
    const open = await openInvoices(tx, [docVis], base, day)
    const paid = await paidBetween(tx, [payVis], base, from, to)
    const shift = (currency: string) => currencyDigits(base) - currencyDigits(currency)
    const rows = new Map<string, InvoiceSummary['currencies'][number]>()
    const entry = (currency: string) => {
      let e = rows.get(currency)
      if (!e) {
        e = { currency, outstanding: 0, outstandingCount: 0, overdue: 0, overdueCount: 0, paidThisMonth: 0 }
        rows.set(currency, e)
      }
      return e
    }
    const inBase = {
      currency: base,
      outstanding: 0,
      overdue: 0,
      paidThisMonth: 0,
      unconverted: new Set<string>(),
    }
    for (const r of open) {
      Object.assign(entry(r.currency), {
        outstanding: num(r.amount),
        outstandingCount: num(r.n),
        overdue: num(r.overdue),
        overdueCount: num(r.overdue_n),
      })
      inBase.outstanding += shiftRound(r.amount_base, shift(r.currency))
      inBase.overdue += shiftRound(r.overdue_base, shift(r.currency))
      if (r.missing) inBase.unconverted.add(r.currency)
    }
    for (const r of paid) {
      if (num(r.amount) === 0) continue
      entry(r.currency).paidThisMonth = num(r.amount)
      inBase.paidThisMonth += shiftRound(r.amount_base, shift(r.currency))
      if (r.missing) inBase.unconverted.add(r.currency)
    }
    return {
      asOf: day,
      baseCurrency: base,
      currencies: [...rows.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1)),
      base: { ...inBase, unconverted: [...inBase.unconverted].sort() },
    }
  })
}
