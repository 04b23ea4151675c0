import { sql } from 'drizzle-orm'
import type { z } from 'zod'
import type { DocumentExportQuerySchema } from '../../../../contracts/invoice-lists.ts'
import type { DocumentKind } from '../../../../contracts/invoices.ts'
import { fromMinorUnits } from '../../../../contracts/money.ts'
import { assertCan } from '../../kernel/access/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { listValues } from '../../kernel/search/list.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { type DocumentRow, loadDocuments, prefixOf } from './documents.ts'
import { countMatching, listPage } from './list.ts'
import { documentListConditions } from './list-filters.ts'
import type { RenderableDocument } from './render/document.ts'
import { renderableDocument } from './render.service.ts'
import { documentRecords } from './search.ts'

export type ExportQuery = z.output<typeof DocumentExportQuerySchema>

/** Rows read per transaction while streaming an export. */
export const exportLimits = { page: 500 }

/**
 * The documents of a list's filter and sort, one page per transaction, as the reader pulls them: an
 * export of any size holds one page in memory. The filter is checked (400 naming the parameter)
 * before the first row; ids come from the kernel list engine, as the list's do.
 */
export async function* iterateDocuments(
  ctx: ServiceContext,
  kind: DocumentKind,
  q: ExportQuery,
): AsyncGenerator<DocumentRow> {
  assertCan(ctx.actor, 'invoices:read')
  let cursor: string | undefined
  for (;;) {
    const rows = await withWorkspace(ctx, async (tx) => {
      const { conditions, search } = await documentListConditions(tx, ctx, kind, q)
      const page = await listPage(tx, documentRecords[kind], {
        conditions,
        search,
        sort: q.sort ?? (search ? undefined : 'created'),
        extraSorts: documentSorts,
        limit: exportLimits.page,
        cursor,
      })
      cursor = page.nextCursor ?? undefined
      return loadDocuments(tx, page.ids)
    })
    yield* rows
    if (!cursor) return
  }
}

/** The sorts a document list offers beyond the record type's keyset sorts (offset-paged), as the list's. */
const documentSorts = {
  number: sql`d.number`,
  issued: sql`d.issue_date`,
  due: sql`d.due_date`,
  total: sql`d.total`,
}

export const csvHeader = [
  'id',
  'number',
  'status',
  'client_id',
  'client',
  'currency',
  'issue_date',
  'due_date',
  'po_number',
  'subtotal',
  'discount',
  'tax',
  'shipping',
  'total',
  'paid',
  'credited',
  'balance',
  'sent_at',
  'created_at',
]

/** A document as a CSV row: amounts as plain numbers with the currency's digits (12.50 EUR, 1250 JPY). */
export function csvRow(d: DocumentRow): (string | null)[] {
  const money = (minor: number) => fromMinorUnits(minor, d.currency)
  const balance = d.kind === 'invoice' && d.status !== 'void' ? d.balance : 0
  return [
    d.id,
    d.number,
    d.status,
    d.clientId,
    d.clientName,
    d.currency,
    d.issueDate,
    d.dueDate,
    d.poNumber,
    money(d.subtotal),
    money(d.discountTotal),
    money(d.taxTotal),
    money(d.shipping),
    money(d.total),
    money(d.paid),
    money(d.credited),
    money(balance),
    d.sentAt?.toISOString() ?? null,
    d.createdAt.toISOString(),
  ]
}

/** The CSV rows of an export, pulled page by page. */
export async function* csvRows(ctx: ServiceContext, kind: DocumentKind, q: ExportQuery) {
  for await (const d of iterateDocuments(ctx, kind, q)) yield csvRow(d)
}

// ---- PDFs as one ZIP ----------------------------------------------------------------------------

/** The most documents one ZIP holds (each is rendered as the download goes, ~90 a second a core). */
export const ZIP_MAX = 500

/**
 * The ids a ZIP download holds: those of `ids` the actor may see and the filter keeps, or every
 * document of the list's filter; more than `ZIP_MAX` is a 400 asking to narrow it.
 */
export async function zipSelection(
  ctx: ServiceContext,
  kind: DocumentKind,
  q: ExportQuery & { ids?: string },
): Promise<string[]> {
  assertCan(ctx.actor, 'invoices:read')
  return withWorkspace(ctx, async (tx) => {
    const { ids, ...filter } = q
    const { conditions, search } = await documentListConditions(tx, ctx, kind, filter)
    if (ids) {
      const list = [...new Set(listValues(ids))]
      const id = new RegExp(`^${prefixOf[kind]}_[0-9a-f]{32}$`)
      if (!list.length || list.length > 200 || list.some((i) => !id.test(i)))
        throw problems.badRequest(`must be up to 200 ids starting with ${prefixOf[kind]}_`, 'ids')
      conditions.push(
        sql`d.id in (${sql.join(
          list.map((i) => sql`${i}`),
          sql`, `,
        )})`,
      )
    }
    const type = documentRecords[kind]
    const count = await countMatching(tx, type, conditions, search)
    if (count > ZIP_MAX)
      throw problems.badRequest(
        `matches ${count} documents; download at most ${ZIP_MAX} at once (narrow the filter)`,
        ids ? 'ids' : 'filter',
      )
    const page = await listPage(tx, type, {
      conditions,
      search,
      sort: q.sort ?? (search ? undefined : 'created'),
      extraSorts: documentSorts,
      limit: ZIP_MAX,
      cursor: undefined,
    })
    return page.ids
  })
}

/** A file name for a document in the archive: its number, else the draft's id; made unique. */
function entryName(number: string | null, id: string, taken: Set<string>): string {
  const base = number ? number.replace(/[^\w.-]+/g, '-') : `draft-${id}`
  let name = `${base}.pdf`
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}.pdf`
  taken.add(name)
  return name
}

/**
 * The PDFs of `ids` as a ZIP stream: each document is rendered (a sent one from its frozen snapshot,
 * by `renderableDocument`, as its single PDF route does), written into the archive and handed to the
 * reader before the next is rendered, so memory holds one PDF whatever the archive's size. PDFs are
 * stored, not deflated again (they are compressed already).
 */
export async function* zipPdfs(
  ctx: ServiceContext,
  kind: DocumentKind,
  ids: readonly string[],
  render: (doc: RenderableDocument) => Promise<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const chunks: Uint8Array[] = []
  let failure: Error | null = null
  // fflate is loaded by the first ZIP asked for, not with the server.
  const { Zip, ZipPassThrough } = await import('fflate')
  const zip = new Zip((err, chunk) => {
    if (err) failure = err
    else chunks.push(chunk)
  })
  const taken = new Set<string>()
  const flush = function* () {
    if (failure) throw failure
    while (chunks.length) yield chunks.shift() as Uint8Array
  }
  for (const id of ids) {
    const doc = await renderableDocument(ctx, kind, id)
    const pdf = await render(doc)
    const entry = new ZipPassThrough(entryName(doc.number, id, taken))
    // The document's own date, not the clock: the same selection downloads as the same bytes.
    entry.mtime = new Date(`${doc.issueDate}T12:00:00Z`)
    zip.add(entry)
    entry.push(pdf, true)
    yield* flush()
  }
  zip.end()
  yield* flush()
}
