import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify/sync'
import type { FastifyReply } from 'fastify'
import { assertCan } from '../../kernel/access/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { neutralise } from '../../kernel/http/csv.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { displayValue, type FieldDef } from '../custom-fields/index.ts'
import { loadFieldDefs, queryClients, serializeClient } from './service.ts'

/**
 * Rows per page. Each page is read in its own short transaction (keyset cursor), turned into CSV text
 * at once and its rows dropped.
 */
const PAGE = 250
const ADDRESS = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const

const headerOf = (defs: FieldDef[]) => [
  'id',
  'name',
  'kind',
  'legal_name',
  'email',
  'phone',
  'website',
  'tax_id',
  'status',
  'tags',
  'owner',
  'assignees',
  'currency',
  'language',
  'payment_terms_days',
  ...ADDRESS.map((a) => `billing_${a.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`),
  'primary_contact',
  'primary_contact_email',
  'created_at',
  'updated_at',
  ...defs.map((d) => d.key),
]

const cell = (c: string | number | null | undefined) => (typeof c === 'number' ? String(c) : neutralise(c))

function cellsOf(c: ReturnType<typeof serializeClient>, defs: FieldDef[]): string[] {
  return [
    c.id,
    c.name,
    c.kind,
    c.legalName,
    c.email,
    c.phone,
    c.website,
    c.taxId,
    c.status,
    c.tags.join('; '),
    c.owner?.email,
    c.assignees.map((a) => a.email).join('; '),
    c.currency,
    c.language,
    c.paymentTermsDays,
    ...ADDRESS.map((a) => c.billingAddress?.[a] ?? ''),
    c.primaryContact?.name,
    c.primaryContact?.email,
    c.createdAt,
    c.updatedAt,
    ...defs.map((d) => displayValue(d, c.custom[d.key])),
  ].map(cell)
}

/**
 * `GET /clients/export`: every client of a view as CSV (every field, custom fields as columns, formula
 * cells neutralised). Pages are read as the client reads the file: the response stream holds at most
 * one page of text beyond what the socket takes, so memory stays flat whatever the size. The first
 * page is read before the answer starts, so a failing query still answers with a problem.
 */
export async function exportClients(
  ctx: ServiceContext,
  query: Record<string, unknown> & { sort?: string },
  reply: FastifyReply,
): Promise<FastifyReply> {
  assertCan(ctx.actor, 'clients:export')
  const { sort, ...filter } = query
  const defs = await withWorkspace(ctx, (tx) => loadFieldDefs(tx))
  const header = headerOf(defs)
  const read = async (cursor: string | undefined, first: boolean) => {
    const p = await withWorkspace(ctx, (tx) =>
      queryClients(tx, ctx, { ...filter, sort, limit: PAGE, cursor }, defs),
    )
    const text = stringify(
      p.rows.map((r) => cellsOf(serializeClient(r), defs)),
      { header: first, columns: header },
    )
    return { text, next: p.nextCursor }
  }
  let page: { text: string; next: string | null } | null = await read(undefined, true)
  const body = Readable.from(
    (async function* () {
      while (page) {
        const { text, next } = page
        page = null
        yield text
        if (next) page = await read(next, false)
      }
    })(),
    // Bytes, not objects: one page of text is more than the mark, so the next is read only once the
    // socket has taken this one.
    { objectMode: false },
  )
  reply
    .type('text/csv; charset=utf-8')
    .header(
      'content-disposition',
      `attachment; filename="clients-${new Date().toISOString().slice(0, 10)}.csv"`,
    )
  return reply.send(body)
}
