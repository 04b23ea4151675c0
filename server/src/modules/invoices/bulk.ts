import { sql } from 'drizzle-orm'
import type { z } from 'zod'
import {
  DocumentFilterSchema,
  INVOICE_BULK_MAX,
  type InvoiceBulkSchema,
} from '../../../../contracts/invoice-lists.ts'
import { assertCan, type Permission } from '../../kernel/access/index.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { type FieldError, Problem, problems } from '../../kernel/http/problem.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import { searchFrom } from '../../kernel/search/list.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { deleteDocument } from './documents.service.ts'
import { type Deps, loadDocument, visibleDocuments } from './documents.ts'
import { sendDocument, voidInvoice } from './lifecycle.ts'
import { countMatching } from './list.ts'
import { documentListConditions } from './list-filters.ts'
import { recordPayment } from './payments.ts'
import { documentRecords } from './search.ts'

export type InvoiceBulkInput = z.output<typeof InvoiceBulkSchema>
export type BulkDeps = Deps & { jobs: Pick<Jobs, 'send'>; appUrl: string }

const permissionOf: Record<InvoiceBulkInput['action'], Permission> = {
  send: 'invoices:write',
  markSent: 'invoices:write',
  recordPayment: 'payments:write',
  void: 'invoices:void',
  delete: 'invoices:delete',
}

/** A filter as the list reads it; bad values name `filter.<parameter>`. */
export function parseFilter(raw: Record<string, string>, prefix = 'filter.') {
  const r = DocumentFilterSchema.safeParse(raw)
  if (r.success) return r.data
  throw problems.validation(
    r.error.issues.map((i) => ({ field: `${prefix}${i.path.join('.')}`, message: i.message })),
    'The filter is not valid.',
  )
}

function checkInput(input: InvoiceBulkInput) {
  const errors: FieldError[] = []
  if (!input.ids === !input.filter) errors.push({ field: 'ids', message: 'give either ids or filter' })
  if (input.filter && input.expectedCount === undefined)
    errors.push({ field: 'expectedCount', message: 'is required with filter: the count the user confirmed' })
  if (input.action === 'recordPayment') {
    if (!input.method) errors.push({ field: 'method', message: 'is required for recordPayment' })
    if (!input.paidOn) errors.push({ field: 'paidOn', message: 'is required for recordPayment' })
  }
  if (input.action === 'void' && !input.reason)
    errors.push({ field: 'reason', message: 'is required for void' })
  if (errors.length) throw problems.validation(errors)
}

/**
 * The invoices a filter matches, oldest first, after checking the count the user confirmed: a view
 * that changed since is a 409, and more than `INVOICE_BULK_MAX` a 400 asking to narrow it.
 */
async function matchingIds(tx: Tx, ctx: ServiceContext, input: InvoiceBulkInput): Promise<string[]> {
  const filter = parseFilter(input.filter ?? {})
  const type = documentRecords.invoice
  const { conditions, search } = await documentListConditions(tx, ctx, 'invoice', filter).catch((err) => {
    if (err instanceof Problem && err.errors)
      throw problems.validation(
        err.errors.map((e) => ({ ...e, field: `filter.${e.field}` })),
        'The filter is not valid.',
      )
    throw err
  })
  const count = await countMatching(tx, type, conditions, search)
  if (count !== input.expectedCount)
    throw problems.conflict(
      `The view now matches ${count} invoices, not ${input.expectedCount}: review it and try again.`,
      'expectedCount',
    )
  if (count > INVOICE_BULK_MAX)
    throw problems.badRequest(
      `matches ${count} invoices; act on at most ${INVOICE_BULK_MAX} at once (narrow the filter)`,
      'filter',
    )
  const r = await tx.execute(
    sql`select d.id from ${searchFrom(type, search, 1000)} where ${sql.join(conditions, sql` and `)}
      order by d.created_at, d.id limit ${INVOICE_BULK_MAX}`,
  )
  return (r as unknown as { rows: { id: string }[] }).rows.map((x) => x.id)
}

/**
 * The named invoices the actor may see, in the order given. The others are only counted in the
 * answer (`notFound`): it never repeats an id that is not the caller's to see.
 */
async function visibleIds(tx: Tx, ctx: ServiceContext, named: string[]): Promise<string[]> {
  const vis = visibleDocuments(ctx)
  const r = await tx.execute(
    sql`select d.id from invoice_documents d where d.kind = 'invoice' and d.id in (${sql.join(
      named.map((i) => sql`${i}`),
      sql`, `,
    )})${vis ? sql` and ${vis}` : sql``}`,
  )
  const seen = new Set((r as unknown as { rows: { id: string }[] }).rows.map((x) => x.id))
  return named.filter((i) => seen.has(i))
}

/** One invoice's action, through the function its single route calls. */
async function actOn(deps: BulkDeps, ctx: ServiceContext, input: InvoiceBulkInput, id: string) {
  switch (input.action) {
    case 'send':
      return sendDocument(deps, ctx, 'invoice', id, {
        jobs: deps.jobs,
        appUrl: deps.appUrl,
        options: { email: true },
      })
    case 'markSent':
      return sendDocument(deps, ctx, 'invoice', id)
    case 'recordPayment': {
      const balance = await withWorkspace(
        ctx,
        async (tx) => (await loadDocument(tx, ctx, 'invoice', id)).balance,
      )
      if (balance <= 0) throw problems.conflict('Nothing is due on this invoice.', 'balance')
      return recordPayment(deps, ctx, {
        invoiceId: id,
        clientId: null,
        method: input.method!,
        amount: balance,
        paidOn: input.paidOn!,
        reference: input.reference || null,
        notes: null,
        keepExcessAsCredit: false,
      })
    }
    case 'void':
      return voidInvoice(deps, ctx, id, input.reason!)
    case 'delete':
      return deleteDocument(deps, ctx, 'invoice', id)
  }
}

/**
 * Applies one action to invoices named by id or matched by a filter (the count the user confirmed
 * must still hold). Each invoice goes through its single route's service function in its own
 * transaction, with that function's permission, visibility and audit; an invoice it refuses is
 * reported with the status and reason the single route would have answered, and the others go on.
 */
export async function bulkInvoices(deps: BulkDeps, ctx: ServiceContext, input: InvoiceBulkInput) {
  assertCan(ctx.actor, permissionOf[input.action])
  checkInput(input)
  const named = input.ids ? [...new Set(input.ids)] : null
  const ids = await withWorkspace(ctx, (tx) =>
    named ? visibleIds(tx, ctx, named) : matchingIds(tx, ctx, input),
  )
  const succeeded: string[] = []
  const failed: { id: string; status: number; reason: string; field: string | null }[] = []
  for (const id of ids) {
    try {
      await actOn(deps, ctx, input, id)
      succeeded.push(id)
    } catch (err) {
      if (!(err instanceof Problem) || err.status >= 500) throw err
      failed.push({
        id,
        status: err.status,
        reason: err.detail ?? err.title,
        field: err.errors?.[0]?.field ?? null,
      })
    }
  }
  return {
    action: input.action,
    matched: ids.length,
    notFound: named ? named.length - ids.length : 0,
    succeeded,
    failed,
  }
}
