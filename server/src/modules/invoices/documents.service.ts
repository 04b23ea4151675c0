import { eq, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type {
  CreateDocumentSchema,
  DocumentKind,
  DocumentListQuerySchema,
  UpdateDocumentSchema,
} from '../../../../contracts/invoices.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { entitlements } from '../../kernel/entitlements/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { Problem, problems } from '../../kernel/http/problem.ts'
import { searchIndex } from '../../kernel/search/index.ts'
import { readInWorkspace, withWorkspace } from '../../kernel/tenancy/index.ts'
import { getBillingClient } from '../clients/index.ts'
import { type FieldDef, loadFieldDefs, validateCustomValues } from '../custom-fields/index.ts'
import {
  auditTransition,
  type Deps,
  type DocumentRow,
  loadDocument,
  loadLines,
  nounOf,
  prefixOf,
  ref,
  serializeDocument,
  serializeSummary,
} from './documents.ts'
import { type LineInput, lineRows, resolveLines, totalsOf } from './lines.ts'
import { countMatching, listPageStatement } from './list.ts'
import {
  documentFromListRow,
  documentListConditions,
  type ListRow,
  listColumns,
  listConditionsWith,
  needsFieldDefs,
} from './list-filters.ts'
import { type Discount, documentLines, documents } from './schema.ts'
import { documentRecords } from './search.ts'
import { loadSettings } from './settings.service.ts'

export type CreateInput = z.output<typeof CreateDocumentSchema>
export type UpdateInput = z.output<typeof UpdateDocumentSchema>
type ListQuery = z.output<typeof DocumentListQuerySchema>

/** The client for a new or changed document: one the actor may see, else a 400 naming `clientId`. */
export async function billingClient(tx: Tx, ctx: ServiceContext, clientId: string) {
  try {
    return await getBillingClient(tx, ctx, clientId)
  } catch (err) {
    if (err instanceof Problem && err.status === 404)
      throw problems.badRequest(`${clientId} is not a client you can bill`, 'clientId')
    throw err
  }
}

function checkDates(issueDate: string | null, dueDate: string | null) {
  if (issueDate && dueDate && dueDate < issueDate)
    throw problems.badRequest('must not be before the issue date', 'dueDate')
}

/** The exchange rate to keep: none in the base currency; given by hand otherwise (required to send). */
function exchangeRateFor(currency: string, base: string, given: string | null | undefined): string | null {
  if (currency === base) {
    if (given && Number(given) !== 1)
      throw problems.badRequest(
        `must be empty or 1 for a document in the base currency ${base}`,
        'exchangeRate',
      )
    return null
  }
  return given ?? null
}

async function customValues(
  tx: Tx,
  kind: DocumentKind,
  given: Record<string, unknown> | undefined,
  before?: Record<string, unknown>,
) {
  if (kind !== 'invoice') {
    if (given && Object.keys(given).length)
      throw problems.badRequest('Custom fields are kept on invoices only.', 'custom')
    return {}
  }
  const r = validateCustomValues(await loadFieldDefs(tx, 'invoice'), given ?? {}, before)
  if (r.errors.length) throw problems.validation(r.errors)
  return r.values
}

/** Writes a draft's lines and totals (replacing any it had), in the caller's transaction. */
async function writeLines(
  tx: Tx,
  workspaceId: string,
  documentId: string,
  inputs: readonly LineInput[],
  currency: string,
  discount: Discount | null,
  shipping: number,
) {
  const lines = await resolveLines(tx, inputs, currency)
  const totals = totalsOf(lines, discount, shipping)
  await tx.delete(documentLines).where(eq(documentLines.documentId, documentId))
  const rows = lineRows(workspaceId, documentId, lines, totals)
  // One statement per 500 lines (a 200-line invoice is one insert).
  for (let i = 0; i < rows.length; i += 500) await tx.insert(documentLines).values(rows.slice(i, i + 500))
  return {
    subtotal: totals.subtotal,
    discountTotal: totals.discount,
    taxTotal: totals.tax,
    total: totals.total,
    count: rows.length,
  }
}

export async function createDocument(
  deps: Deps,
  ctx: ServiceContext,
  kind: 'invoice' | 'quote',
  input: CreateInput,
) {
  assertCan(ctx.actor, 'invoices:write')
  return withWorkspace(ctx, async (tx) => {
    const client = await billingClient(tx, ctx, input.clientId)
    const settings = await loadSettings(tx)
    const currency = input.currency ?? client.currency ?? settings.baseCurrency
    checkDates(input.issueDate ?? null, input.dueDate ?? null)
    if (kind === 'invoice') await entitlements.assertWithin(tx, ctx.workspaceId, 'invoicesPerMonth')
    const id = newId(prefixOf[kind])
    const custom = await customValues(tx, kind, input.custom)
    const [inserted] = await tx
      .insert(documents)
      .values({
        id,
        workspaceId: ctx.workspaceId,
        kind,
        status: 'draft',
        clientId: client.id,
        clientName: client.name,
        currency,
        baseCurrency: settings.baseCurrency,
        exchangeRate: exchangeRateFor(currency, settings.baseCurrency, input.exchangeRate),
        issueDate: input.issueDate ?? null,
        dueDate: input.dueDate ?? null,
        poNumber: input.poNumber,
        notes: input.notes ?? settings.defaultNotes,
        terms: input.terms ?? settings.defaultTerms,
        footer: input.footer ?? settings.defaultFooter,
        discount: (input.discount ?? null) as Discount | null,
        shipping: input.shipping,
        custom,
        createdBy: ctx.actor.userId,
      })
      .returning()
    const t = await writeLines(
      tx,
      ctx.workspaceId,
      id,
      input.lines,
      currency,
      inserted!.discount,
      input.shipping,
    )
    const [row] = await tx
      .update(documents)
      .set({ subtotal: t.subtotal, discountTotal: t.discountTotal, taxTotal: t.taxTotal, total: t.total })
      .where(eq(documents.id, id))
      .returning()
    await searchIndex.update(tx, documentRecords[kind], [id], { created: [id] })
    await auditTransition(tx, ctx, `${kind}.created`, null, row!, row!)
    await deps.events.emit(tx, `${kind}.created`, ctx.workspaceId, ref(row!))
    return serializeDocument(row!, await loadLines(tx, id))
  })
}

/** Sent documents are frozen: only a draft changes; anything else is a 409. */
export function assertDraft(d: DocumentRow) {
  if (d.status !== 'draft')
    throw problems.conflict(
      `This ${nounOf[d.kind].toLowerCase()} has been ${d.kind === 'credit_note' ? 'issued' : 'sent'}: it can no longer change${d.kind === 'invoice' ? ' (issue a credit note or void it)' : ''}.`,
      'status',
    )
}

export async function updateDocument(
  deps: Deps,
  ctx: ServiceContext,
  kind: 'invoice' | 'quote',
  id: string,
  input: UpdateInput,
) {
  assertCan(ctx.actor, 'invoices:write')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadDocument(tx, ctx, kind, id, true)
    assertDraft(before)
    const settings = await loadSettings(tx)
    const client = input.clientId ? await billingClient(tx, ctx, input.clientId) : null
    const currency = input.currency ?? before.currency
    const exchangeRate =
      input.exchangeRate !== undefined || currency !== before.currency
        ? exchangeRateFor(currency, settings.baseCurrency, input.exchangeRate ?? null)
        : before.exchangeRate
    const issueDate = input.issueDate === undefined ? before.issueDate : input.issueDate
    const dueDate = input.dueDate === undefined ? before.dueDate : input.dueDate
    checkDates(issueDate, dueDate)
    const discount = (input.discount === undefined ? before.discount : input.discount) as Discount | null
    const shipping = input.shipping ?? before.shipping
    const custom = input.custom ? await customValues(tx, kind, input.custom, before.custom) : before.custom
    // Lines as given, else the stored ones again (currency, discount and shipping change the totals).
    const inputs: LineInput[] =
      input.lines ??
      (await loadLines(tx, id)).map((l) => ({
        productId: l.productId,
        description: l.description,
        quantity: l.quantity,
        unit: l.unit,
        unitCode: l.unitCode,
        unitPrice: l.unitPrice,
        discount: l.discount,
        taxRateIds: l.taxRateIds,
      }))
    const t = await writeLines(tx, ctx.workspaceId, id, inputs, currency, discount, shipping)
    const [row] = await tx
      .update(documents)
      .set({
        ...(client ? { clientId: client.id, clientName: client.name } : {}),
        currency,
        baseCurrency: settings.baseCurrency,
        exchangeRate,
        issueDate,
        dueDate,
        poNumber: input.poNumber === undefined ? before.poNumber : input.poNumber,
        notes: input.notes === undefined ? before.notes : input.notes,
        terms: input.terms === undefined ? before.terms : input.terms,
        footer: input.footer === undefined ? before.footer : input.footer,
        discount,
        shipping,
        custom,
        subtotal: t.subtotal,
        discountTotal: t.discountTotal,
        taxTotal: t.taxTotal,
        total: t.total,
        updatedAt: sql`now()`,
      })
      .where(eq(documents.id, id))
      .returning()
    await searchIndex.update(tx, documentRecords[kind], [id])
    await auditTransition(tx, ctx, `${kind}.updated`, before, row!, row!)
    await deps.events.emit(tx, `${kind}.updated`, ctx.workspaceId, ref(row!))
    return serializeDocument(row!, await loadLines(tx, id))
  })
}

/** Deletes a draft (owners and admins); a document that left draft is kept for ever (void it). */
export async function deleteDocument(deps: Deps, ctx: ServiceContext, kind: DocumentKind, id: string) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadDocument(tx, ctx, kind, id, true)
    assertCan(ctx.actor, kind === 'credit_note' ? 'invoices:credit' : 'invoices:delete')
    assertDraft(before)
    await tx.delete(documents).where(eq(documents.id, id))
    await searchIndex.update(tx, documentRecords[kind], [id])
    await auditTransition(tx, ctx, `${kind}.deleted`, before, null, before)
    if (kind === 'credit_note')
      await deps.events.emit(tx, 'credit_note.deleted', ctx.workspaceId, {
        ...ref(before),
        invoiceId: before.invoiceId ?? '',
      })
    else await deps.events.emit(tx, `${kind}.deleted`, ctx.workspaceId, ref(before))
  })
}

export async function getDocument(ctx: ServiceContext, kind: DocumentKind, id: string) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    const d = await loadDocument(tx, ctx, kind, id)
    return serializeDocument(d, await loadLines(tx, id))
  })
}

const extraSorts = {
  number: sql`d.number`,
  issued: sql`d.issue_date`,
  due: sql`d.due_date`,
  total: sql`d.total`,
}

/**
 * A page of a document list in one statement (one round trip on PostgreSQL, `readInWorkspace`): the
 * rows come with the page's ids. Custom field filters read their definitions first, in a transaction.
 */
export async function listDocuments(ctx: ServiceContext, kind: DocumentKind, q: ListQuery) {
  assertCan(ctx.actor, 'invoices:read')
  const query = (defs: FieldDef[]) => {
    const { conditions, search } = listConditionsWith(ctx, kind, q, defs)
    const opts = { conditions, search, sort: q.sort, extraSorts, limit: q.limit, cursor: q.cursor }
    return listPageStatement(documentRecords[kind], opts, listColumns)
  }
  const p = needsFieldDefs(kind, q)
    ? await withWorkspace(ctx, async (tx) => {
        const { statement, page } = query(await loadFieldDefs(tx, 'invoice'))
        return page((await tx.execute(statement)).rows as ListRow[])
      })
    : await (async () => {
        const { statement, page } = query([])
        return page(await readInWorkspace<ListRow>(ctx, statement, { prepare: true }))
      })()
  return { data: p.rows.map((r) => serializeSummary(documentFromListRow(r))), nextCursor: p.nextCursor }
}

export async function countDocuments(ctx: ServiceContext, kind: DocumentKind, q: Partial<ListQuery>) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    const { conditions, search } = await documentListConditions(tx, ctx, kind, q)
    return { count: await countMatching(tx, documentRecords[kind], conditions, search) }
  })
}
