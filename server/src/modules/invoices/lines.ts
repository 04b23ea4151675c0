import { inArray } from 'drizzle-orm'
import type { z } from 'zod'
import type { LineInputSchema } from '../../../../contracts/invoices.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import { trimPercent } from './catalog.service.ts'
import { type Discount, type documentLines, type LineTax, products, taxRates } from './schema.ts'
import { computeTotals, type DocumentTotals, type TaxInput, TotalsError } from './totals.ts'

export type LineInput = z.output<typeof LineInputSchema>
export type LineRow = typeof documentLines.$inferInsert

type TaxRate = typeof taxRates.$inferSelect

const taxInput = (t: TaxRate): TaxInput => ({
  id: t.id,
  name: t.name,
  percent: trimPercent(t.percent),
  inclusive: t.inclusive,
  compound: t.compound,
  categoryCode: t.categoryCode,
  exemptionReason: t.exemptionReason,
})

/** A line as the totals see it, with its taxes resolved (rates as they are now, or as frozen). */
export type ResolvedLine = {
  productId: string | null
  description: string
  quantity: string
  unit: string | null
  unitCode: string
  unitPrice: number
  discount: Discount | null
  taxes: TaxInput[]
}

/**
 * Lines as given, completed from the catalog (description, unit, price and default taxes of a product
 * when the line leaves them out) and checked: unknown products and tax rates, a product priced in
 * another currency without a price of its own, a line without text or price each name their field.
 */
export async function resolveLines(
  tx: Tx,
  inputs: readonly LineInput[],
  currency: string,
  opts: { allowArchivedTaxes?: boolean } = {},
): Promise<ResolvedLine[]> {
  const productIds = [...new Set(inputs.flatMap((l) => (l.productId ? [l.productId] : [])))]
  const catalog = productIds.length
    ? new Map(
        (await tx.select().from(products).where(inArray(products.id, productIds))).map((p) => [p.id, p]),
      )
    : new Map()
  const errors: FieldError[] = []
  const wanted = new Set<string>()
  for (const l of inputs) for (const id of l.taxRateIds ?? []) wanted.add(id)
  for (const p of catalog.values()) for (const id of p.taxRateIds) wanted.add(id)
  const rates = wanted.size
    ? new Map(
        (
          await tx
            .select()
            .from(taxRates)
            .where(inArray(taxRates.id, [...wanted]))
        ).map((t) => [t.id, t]),
      )
    : new Map<string, TaxRate>()
  const lines = inputs.map((l, i): ResolvedLine | null => {
    const at = `lines.${i}`
    const p = l.productId ? catalog.get(l.productId) : undefined
    if (l.productId && !p) {
      errors.push({ field: `${at}.productId`, message: `${l.productId} is not a product of this workspace` })
      return null
    }
    const description = l.description?.trim() || p?.name || ''
    if (!description) errors.push({ field: `${at}.description`, message: 'is required without a product' })
    let unitPrice = l.unitPrice
    if (unitPrice === undefined && p) {
      if (p.currency !== currency)
        errors.push({
          field: `${at}.unitPrice`,
          message: `is required: the product is priced in ${p.currency}, the document is in ${currency}`,
        })
      else unitPrice = p.unitPrice
    }
    if (unitPrice === undefined) {
      if (!p) errors.push({ field: `${at}.unitPrice`, message: 'is required without a product' })
      return null
    }
    const ids = l.taxRateIds ?? p?.taxRateIds ?? []
    if (new Set(ids).size !== ids.length)
      errors.push({ field: `${at}.taxRateIds`, message: 'lists a tax rate twice' })
    const taxes: TaxInput[] = []
    for (const id of ids) {
      const t = rates.get(id)
      if (!t || (t.archivedAt && !opts.allowArchivedTaxes))
        errors.push({ field: `${at}.taxRateIds`, message: `${id} is not a tax rate of this workspace` })
      else taxes.push(taxInput(t))
    }
    return {
      productId: l.productId ?? null,
      description,
      quantity: l.quantity,
      unit: l.unit ?? p?.unit ?? null,
      unitCode: l.unitCode ?? p?.unitCode ?? 'C62',
      unitPrice,
      discount: (l.discount ?? null) as Discount | null,
      taxes,
    }
  })
  if (errors.length) throw problems.validation(errors)
  return lines as ResolvedLine[]
}

/** The totals of resolved lines; an impossible total (negative, too large) is a 400 naming its field. */
export function totalsOf(
  lines: readonly ResolvedLine[],
  discount: Discount | null,
  shipping: number,
): DocumentTotals {
  try {
    return computeTotals({ lines, discount, shipping })
  } catch (err) {
    if (err instanceof TotalsError) throw problems.badRequest(err.message, err.field || 'lines')
    throw err
  }
}

/** The rows of a document's lines with their computed amounts and a frozen copy of their taxes. */
export function lineRows(
  workspaceId: string,
  documentId: string,
  lines: readonly ResolvedLine[],
  totals: DocumentTotals,
): LineRow[] {
  return lines.map((l, i) => {
    const t = totals.lines[i]!
    return {
      id: newId('ln'),
      workspaceId,
      documentId,
      position: i,
      productId: l.productId,
      description: l.description,
      quantity: l.quantity,
      unit: l.unit,
      unitCode: l.unitCode,
      unitPrice: l.unitPrice,
      discount: l.discount,
      taxRateIds: l.taxes.map((x) => x.id),
      taxes: l.taxes.map(
        (x, k): LineTax => ({
          taxRateId: x.id,
          name: x.name,
          percent: x.percent,
          inclusive: x.inclusive,
          compound: x.compound,
          categoryCode: x.categoryCode,
          exemptionReason: x.exemptionReason,
          amount: t.taxes[k]!.amount,
        }),
      ),
      amount: t.amount,
      lineDiscount: t.lineDiscount,
      documentDiscount: t.documentDiscount,
      net: t.net,
      tax: t.tax,
      total: t.total,
      creditedLineId: null,
    }
  })
}

/** Stored lines back as inputs to recompute (a converted quote), with their frozen taxes. */
export function frozenLines(rows: readonly (typeof documentLines.$inferSelect)[]): ResolvedLine[] {
  return rows.map((r) => ({
    productId: r.productId,
    description: r.description,
    quantity: trimPercent(r.quantity),
    unit: r.unit,
    unitCode: r.unitCode,
    unitPrice: r.unitPrice,
    discount: r.discount ?? null,
    taxes: r.taxes.map((t) => ({
      id: t.taxRateId,
      name: t.name,
      percent: t.percent,
      inclusive: t.inclusive,
      compound: t.compound,
      categoryCode: t.categoryCode,
      exemptionReason: t.exemptionReason,
    })),
  }))
}
