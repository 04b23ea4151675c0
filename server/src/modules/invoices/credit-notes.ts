import { and, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type { CreateCreditNoteSchema } from '../../../../contracts/invoices.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { searchIndex } from '../../kernel/search/index.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import {
  amounts,
  auditTransition,
  type Deps,
  type DocumentRow,
  loadDocument,
  loadLines,
  ref,
  serializeDocument,
} from './documents.ts'
import { finalise, settleInvoice } from './lifecycle.ts'
import { documentLines, documents, payments } from './schema.ts'
import { documentRecords } from './search.ts'

/** What of an invoice other credit notes (drafts included) already credit: line ids, and its shipping. */
async function alreadyCredited(tx: Tx, invoiceId: string, except?: string) {
  const notes = await tx
    .select({ id: documents.id, shipping: documents.shipping })
    .from(documents)
    .where(
      and(
        eq(documents.kind, 'credit_note'),
        eq(documents.invoiceId, invoiceId),
        except ? ne(documents.id, except) : undefined,
      ),
    )
  const ids = notes.map((n) => n.id)
  const lines = ids.length
    ? await tx
        .select({ id: documentLines.creditedLineId })
        .from(documentLines)
        .where(and(inArray(documentLines.documentId, ids), isNotNull(documentLines.creditedLineId)))
    : []
  return { lines: new Set(lines.map((l) => l.id as string)), shipping: notes.some((n) => n.shipping > 0) }
}

/**
 * A draft credit note against a sent invoice (owners and admins): all of it that is not credited yet
 * (its lines and shipping), or the lines named. Each line copies the invoice line's computed amounts
 * exactly, so crediting every line and the shipping credits the invoice's total to the minor unit.
 */
export async function createCreditNote(
  deps: Deps,
  ctx: ServiceContext,
  input: z.output<typeof CreateCreditNoteSchema>,
) {
  assertCan(ctx.actor, 'invoices:credit')
  return withWorkspace(ctx, async (tx) => {
    let invoice: DocumentRow
    try {
      invoice = await loadDocument(tx, ctx, 'invoice', input.invoiceId, true)
    } catch {
      throw problems.badRequest(`${input.invoiceId} is not an invoice of this workspace`, 'invoiceId')
    }
    if (invoice.status === 'draft' || invoice.status === 'void')
      throw problems.conflict(`A ${invoice.status} invoice cannot be credited.`, 'invoiceId')
    const lines = await loadLines(tx, invoice.id)
    const done = await alreadyCredited(tx, invoice.id)
    const byId = new Map(lines.map((l) => [l.id, l]))
    let chosen = lines.filter((l) => !done.lines.has(l.id))
    let shipping = done.shipping ? 0 : invoice.shipping
    if (input.lineIds) {
      const unknown = input.lineIds.filter((id) => !byId.has(id))
      if (unknown.length) throw problems.badRequest(`${unknown[0]} is not a line of this invoice`, 'lineIds')
      const again = input.lineIds.filter((id) => done.lines.has(id))
      if (again.length) throw problems.conflict(`Line ${again[0]} is already credited.`, 'lineIds')
      if (new Set(input.lineIds).size !== input.lineIds.length)
        throw problems.badRequest('lists a line twice', 'lineIds')
      chosen = input.lineIds.map((id) => byId.get(id)!)
      shipping = 0
    }
    if (!chosen.length && !shipping)
      throw problems.conflict('Everything on this invoice is already credited.', 'lineIds')
    const id = newId('crn')
    const sum = (f: (l: (typeof chosen)[number]) => number) => chosen.reduce((a, l) => a + f(l), 0)
    const [note] = await tx
      .insert(documents)
      .values({
        id,
        workspaceId: ctx.workspaceId,
        kind: 'credit_note',
        status: 'draft',
        clientId: invoice.clientId,
        clientName: invoice.clientName,
        currency: invoice.currency,
        baseCurrency: invoice.baseCurrency,
        exchangeRate: invoice.exchangeRate,
        notes: input.notes,
        shipping,
        subtotal: sum((l) => l.amount - l.lineDiscount),
        discountTotal: sum((l) => l.documentDiscount),
        taxTotal: sum((l) => l.tax),
        total: sum((l) => l.total) + shipping,
        invoiceId: invoice.id,
        createdBy: ctx.actor.userId,
      })
      .returning()
    if (chosen.length)
      await tx.insert(documentLines).values(
        chosen.map((l, i) => ({
          ...l,
          id: newId('ln'),
          documentId: id,
          position: i,
          creditedLineId: l.id,
        })),
      )
    await searchIndex.update(tx, documentRecords.credit_note, [id], { created: [id] })
    await auditTransition(tx, ctx, 'credit_note.created', null, note!, note!)
    await deps.events.emit(tx, 'credit_note.created', ctx.workspaceId, {
      ...ref(note!),
      invoiceId: invoice.id,
    })
    return serializeDocument(note!, await loadLines(tx, id))
  })
}

/**
 * Issues a draft credit note: it gets its number, and its total comes off the invoice's balance; what
 * exceeds the balance (the invoice was paid) is kept as the client's credit.
 */
export async function issueCreditNote(deps: Deps, ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'invoices:credit')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadDocument(tx, ctx, 'credit_note', id, true)
    const invoice = await loadDocument(tx, ctx, 'invoice', before.invoiceId!, true)
    if (invoice.status === 'void') throw problems.conflict('The invoice has been voided.', 'invoiceId')
    const note = await finalise(tx, deps, ctx, before)
    const applied = Math.max(0, Math.min(note.total, invoice.balance))
    const excess = note.total - applied
    const [credited] = await tx
      .update(documents)
      .set({ credited: applied })
      .where(eq(documents.id, note.id))
      .returning()
    await tx
      .update(documents)
      .set({ credited: sql`${documents.credited} + ${applied}` })
      .where(eq(documents.id, invoice.id))
    if (excess > 0)
      await tx.insert(payments).values({
        id: newId('pay'),
        workspaceId: ctx.workspaceId,
        kind: 'payment',
        clientId: note.clientId,
        creditNoteId: note.id,
        method: 'credit_note',
        amount: excess,
        applied: 0,
        credit: excess,
        currency: note.currency,
        paidOn: note.issueDate!,
        reference: note.number,
        createdBy: ctx.actor.userId,
      })
    await settleInvoice(tx, deps.events, ctx, invoice, 'invoice.credited')
    await deps.events.emit(tx, 'credit_note.issued', ctx.workspaceId, {
      ...ref(credited!),
      ...amounts(credited!),
      invoiceId: invoice.id,
      applied,
      keptAsCredit: excess,
    })
    return serializeDocument(credited!, await loadLines(tx, id))
  })
}
