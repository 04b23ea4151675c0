import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type {
  CreateProductSchema,
  CreateTaxRateSchema,
  ProductListQuerySchema,
  UpdateProductSchema,
  UpdateTaxRateSchema,
} from '../../../../contracts/invoices.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import { searchIndex } from '../../kernel/search/index.ts'
import { declaredFilters, facetCondition, searchText } from '../../kernel/search/list.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { listPage } from './list.ts'
import { products, taxRates } from './schema.ts'
import { productRecords } from './search.ts'

type Product = typeof products.$inferSelect
type TaxRate = typeof taxRates.$inferSelect

export function serializeProduct(p: Product) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    unit: p.unit,
    unitCode: p.unitCode,
    unitPrice: p.unitPrice,
    currency: p.currency,
    taxRateIds: p.taxRateIds,
    archivedAt: p.archivedAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  }
}

/** "19.5000" → "19.5": percentages as people write them. */
export const trimPercent = (p: string) => (p.includes('.') ? p.replace(/0+$/, '').replace(/\.$/, '') : p)

export function serializeTaxRate(t: TaxRate) {
  return {
    id: t.id,
    name: t.name,
    percent: trimPercent(t.percent),
    inclusive: t.inclusive,
    compound: t.compound,
    categoryCode: t.categoryCode as 'S',
    exemptionReason: t.exemptionReason,
    archivedAt: t.archivedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
  }
}

const productAudit = (p: Partial<Product>) => ({
  name: p.name,
  description: p.description,
  unit: p.unit,
  unitCode: p.unitCode,
  unitPrice: p.unitPrice,
  currency: p.currency,
  taxRateIds: p.taxRateIds,
  archivedAt: p.archivedAt?.toISOString() ?? null,
})

/**
 * The tax rates with these ids, in the order given; an id that is not an active rate of the workspace
 * is a 400 naming `field` (`lines.3.taxRateIds`).
 */
export async function loadTaxRates(
  tx: Tx,
  ids: readonly string[],
  field: string,
  opts: { allowArchived?: boolean } = {},
): Promise<TaxRate[]> {
  if (!ids.length) return []
  if (new Set(ids).size !== ids.length) throw problems.badRequest('lists a tax rate twice', field)
  const rows = await tx
    .select()
    .from(taxRates)
    .where(inArray(taxRates.id, [...ids]))
  const byId = new Map(rows.map((r) => [r.id, r]))
  return ids.map((id) => {
    const r = byId.get(id)
    if (!r || (r.archivedAt && !opts.allowArchived))
      throw problems.badRequest(`${id} is not a tax rate of this workspace`, field)
    return r
  })
}

// ---- products ------------------------------------------------------------------------------------

type ProductQuery = z.output<typeof ProductListQuerySchema>

export async function listProducts(ctx: ServiceContext, q: ProductQuery) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    const errors: FieldError[] = []
    const conditions = declaredFilters(productRecords, { userId: ctx.actor.userId, seesAll: true }, q, errors)
    if (errors.length) throw problems.validation(errors, 'The filter is not valid.')
    if (q.archived !== 'all')
      conditions.push(
        ...facetCondition(productRecords, 'state', [q.archived === 'true' ? 'archived' : 'active']),
      )
    const page = await listPage(tx, productRecords, {
      conditions,
      search: searchText(q.q) || null,
      sort: q.sort,
      limit: q.limit,
      cursor: q.cursor,
    })
    const rows = page.ids.length ? await tx.select().from(products).where(inArray(products.id, page.ids)) : []
    const byId = new Map(rows.map((r) => [r.id, r]))
    return {
      data: page.ids.flatMap((id) => (byId.has(id) ? [serializeProduct(byId.get(id)!)] : [])),
      nextCursor: page.nextCursor,
    }
  })
}

async function fetchProduct(tx: Tx, id: string, lock = false) {
  const q = tx.select().from(products).where(eq(products.id, id))
  const [row] = lock ? await q.for('update') : await q
  if (!row) throw problems.notFound('Product')
  return row
}

export async function getProduct(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => serializeProduct(await fetchProduct(tx, id)))
}

export async function createProduct(ctx: ServiceContext, input: z.output<typeof CreateProductSchema>) {
  assertCan(ctx.actor, 'products:write')
  return withWorkspace(ctx, async (tx) => {
    await loadTaxRates(tx, input.taxRateIds, 'taxRateIds')
    const [row] = await tx
      .insert(products)
      .values({ id: newId('prd'), workspaceId: ctx.workspaceId, createdBy: ctx.actor.userId, ...input })
      .returning()
    await searchIndex.update(tx, productRecords, [row!.id], { created: [row!.id] })
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'product.created',
      targetType: 'product',
      targetId: row!.id,
      targetLabel: row!.name,
      after: productAudit(row!),
    })
    return serializeProduct(row!)
  })
}

async function changeProduct(
  ctx: ServiceContext,
  id: string,
  action: string,
  patch: (before: Product, tx: Tx) => Promise<Partial<typeof products.$inferInsert>>,
) {
  assertCan(ctx.actor, 'products:write')
  return withWorkspace(ctx, async (tx) => {
    const before = await fetchProduct(tx, id, true)
    const values = await patch(before, tx)
    const [after] = await tx
      .update(products)
      .set({ ...values, updatedAt: sql`now()` })
      .where(eq(products.id, id))
      .returning()
    await searchIndex.update(tx, productRecords, [id])
    await record(tx, ctx.workspaceId, ctx.meta, {
      action,
      targetType: 'product',
      targetId: id,
      targetLabel: after!.name,
      before: productAudit(before),
      after: productAudit(after!),
    })
    return serializeProduct(after!)
  })
}

export const updateProduct = (ctx: ServiceContext, id: string, input: z.output<typeof UpdateProductSchema>) =>
  changeProduct(ctx, id, 'product.updated', async (_b, tx) => {
    if (input.taxRateIds) await loadTaxRates(tx, input.taxRateIds, 'taxRateIds')
    return input
  })

export const setProductArchived = (ctx: ServiceContext, id: string, archived: boolean) =>
  changeProduct(ctx, id, archived ? 'product.archived' : 'product.restored', async () => ({
    archivedAt: archived ? (sql`coalesce(archived_at, now())` as never) : null,
  }))

// ---- tax rates -----------------------------------------------------------------------------------

export async function listTaxRates(ctx: ServiceContext, q: { archived: 'true' | 'false' | 'all' }) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    const cond =
      q.archived === 'all'
        ? undefined
        : q.archived === 'true'
          ? sql`archived_at is not null`
          : isNull(taxRates.archivedAt)
    const rows = await tx
      .select()
      .from(taxRates)
      .where(and(eq(taxRates.workspaceId, ctx.workspaceId), cond))
      .orderBy(taxRates.createdAt, taxRates.id)
    return { data: rows.map(serializeTaxRate) }
  })
}

async function fetchTaxRate(tx: Tx, id: string) {
  const [row] = await tx.select().from(taxRates).where(eq(taxRates.id, id)).for('update')
  if (!row) throw problems.notFound('Tax rate')
  return row
}

export async function getTaxRate(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    const [row] = await tx.select().from(taxRates).where(eq(taxRates.id, id))
    if (!row) throw problems.notFound('Tax rate')
    return serializeTaxRate(row)
  })
}

export async function createTaxRate(ctx: ServiceContext, input: z.output<typeof CreateTaxRateSchema>) {
  assertCan(ctx.actor, 'invoices:settings')
  return withWorkspace(ctx, async (tx) => {
    const [row] = await tx
      .insert(taxRates)
      .values({ id: newId('tax'), workspaceId: ctx.workspaceId, ...input })
      .returning()
    const view = serializeTaxRate(row!)
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'tax_rate.created',
      targetType: 'tax_rate',
      targetId: row!.id,
      targetLabel: row!.name,
      after: view,
    })
    return view
  })
}

/**
 * Changes a tax rate. Documents already sent keep the rate they were sent with (their lines hold a
 * copy); drafts take the new one the next time they are saved.
 */
export async function updateTaxRate(
  ctx: ServiceContext,
  id: string,
  input: z.output<typeof UpdateTaxRateSchema> & { archived?: boolean },
) {
  assertCan(ctx.actor, 'invoices:settings')
  return withWorkspace(ctx, async (tx) => {
    const before = await fetchTaxRate(tx, id)
    const { archived, ...rest } = input
    const [after] = await tx
      .update(taxRates)
      .set({
        ...rest,
        ...(archived === undefined
          ? {}
          : { archivedAt: archived ? sql`coalesce(archived_at, now())` : null }),
        updatedAt: sql`now()`,
      })
      .where(eq(taxRates.id, id))
      .returning()
    const action =
      archived === undefined ? 'tax_rate.updated' : archived ? 'tax_rate.archived' : 'tax_rate.restored'
    await record(tx, ctx.workspaceId, ctx.meta, {
      action,
      targetType: 'tax_rate',
      targetId: id,
      targetLabel: after!.name,
      before: serializeTaxRate(before),
      after: serializeTaxRate(after!),
    })
    return serializeTaxRate(after!)
  })
}
