import { and, eq, type SQL, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type { CreateClientSchema, UpdateClientSchema } from '../../../../contracts/clients.ts'
import { assertCan, can } from '../../kernel/access/index.ts'
import { type AuditEntry, auditLogs } from '../../kernel/audit/index.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { EventSink } from '../../kernel/events/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { decodeCursor, page } from '../../kernel/http/pagination.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import { memberRefs, readInWorkspace, withWorkspace } from '../../kernel/tenancy/index.ts'
import {
  type FieldDef,
  loadFieldDefs as loadRecordFieldDefs,
  validateCustomValues,
} from '../custom-fields/index.ts'
import {
  applyClientChanges,
  type ChangeScope,
  type ClientPatch,
  restoredStatus,
  statusChange,
} from './change.ts'
import {
  decodeListCursor,
  encodeListCursor,
  filterConditions,
  parseSort,
  SEARCH_LIMIT,
  type Sort,
  searchDepth,
  searchFrom,
} from './query.ts'
import { type Address, clients } from './schema.ts'

/** The kernel services the module's writes use (the seed passes a no-op event sink). */
export type ClientDeps = { events: EventSink }
export type CreateClientInput = z.output<typeof CreateClientSchema>
export type UpdateClientInput = z.output<typeof UpdateClientSchema>

type UserRef = { id: string; name: string; email: string }

/** A client as the list and detail queries return it (snake_case from raw SQL). */
type ClientRow = {
  id: string
  kind: 'company' | 'person'
  name: string
  legal_name: string | null
  email: string | null
  phone: string | null
  website: string | null
  tax_id: string | null
  billing_address: Address | null
  shipping_address: Address | null
  currency: string | null
  language: string | null
  payment_terms_days: number | null
  status: 'lead' | 'active' | 'archived'
  tags: string[]
  owner_id: string | null
  assignee_ids: string[]
  notes: string
  custom: Record<string, unknown>
  archived_at: Date | string | null
  created_at: Date | string
  updated_at: Date | string
  owner: UserRef | null
  assignees: UserRef[]
  primary_contact: { id: string; name: string; email: string | null } | null
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString()

export function serializeClient(r: ClientRow) {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    legalName: r.legal_name,
    email: r.email,
    phone: r.phone,
    website: r.website,
    taxId: r.tax_id,
    billingAddress: r.billing_address,
    shippingAddress: r.shipping_address,
    currency: r.currency,
    language: r.language,
    paymentTermsDays: r.payment_terms_days,
    status: r.status,
    tags: r.tags,
    owner: r.owner,
    assignees: r.assignees ?? [],
    notes: r.notes,
    custom: r.custom,
    primaryContact: r.primary_contact,
    archivedAt: r.archived_at ? iso(r.archived_at) : null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  }
}
export type ClientView = ReturnType<typeof serializeClient>

const COLUMNS = sql`c.id, c.kind, c.name, c.legal_name, c.email, c.phone, c.website, c.tax_id,
  c.billing_address, c.shipping_address, c.currency, c.language, c.payment_terms_days, c.status, c.tags,
  c.owner_id, c.assignee_ids, c.notes, c.custom, c.archived_at, c.created_at, c.updated_at, c.sort_name,
  (select json_build_object('id', k.id, 'name', k.name, 'email', k.email)
     from contacts k where k.client_id = c.id and k.is_primary) as primary_contact`

// Inside a transaction one statement returns a page with its owners, assignees and primary contacts,
// evaluated only for the rows the page returns.
const SELECT = sql`${COLUMNS},
  (select json_build_object('id', u.id, 'name', u.name, 'email', u.email) from users u where u.id = c.owner_id) as owner,
  (select coalesce(json_agg(json_build_object('id', u.id, 'name', u.name, 'email', u.email) order by u.name), '[]'::json)
     from users u where u.id = any(c.assignee_ids)) as assignees`

/**
 * The list and detail reads (outside any transaction) take owners and assignees from the workspace's
 * member references instead (`memberRefs`, cached per workspace): two lookups per row fewer.
 */
async function withPeople<R extends Omit<ClientRow, 'owner' | 'assignees'>>(
  ctx: ServiceContext,
  rows: R[],
): Promise<(R & Pick<ClientRow, 'owner' | 'assignees'>)[]> {
  const ids = rows.flatMap((r) => (r.owner_id ? [r.owner_id, ...r.assignee_ids] : r.assignee_ids))
  const refs = rows.length ? await memberRefs(ctx.db, ctx.workspaceId, ids) : new Map<string, UserRef>()
  return rows.map((r) => ({
    ...r,
    owner: (r.owner_id && refs.get(r.owner_id)) || null,
    assignees: r.assignee_ids
      .flatMap((id) => refs.get(id) ?? [])
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  }))
}

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows

/** The workspace's custom client fields, in display order. */
export function loadFieldDefs(tx: Tx): Promise<FieldDef[]> {
  return loadRecordFieldDefs(tx, 'client')
}

const needsDefs = (filter: Record<string, unknown>, sort?: string) =>
  Object.keys(filter).some((k) => k.startsWith('cf.')) || Boolean(sort?.replace(/^-/, '').startsWith('cf.'))

/** The member-visibility rule as a condition: owners and admins see all, members their own. */
export function visibleTo(ctx: ServiceContext): SQL | undefined {
  if (can(ctx.actor, 'clients:read_all')) return undefined
  return sql`c.id in (select f.client_id from client_facets f where f.key = 'access' and f.value = ${ctx.actor.userId})`
}

/** One client as the API shows it, if the actor may see it. */
function clientById(ctx: ServiceContext, id: string, columns = SELECT): SQL {
  const vis = visibleTo(ctx)
  return sql`select ${columns} from clients c where c.id = ${id}${vis ? sql` and ${vis}` : sql``}`
}

async function fetchClient(tx: Tx, ctx: ServiceContext, id: string): Promise<ClientRow> {
  const row = rowsOf<ClientRow>(await tx.execute(clientById(ctx, id)))[0]
  // Another workspace's client, a client the member may not see, and no client at all look the same.
  if (!row) throw problems.notFound('Client')
  return row
}

/** The client if the actor may see it (404 otherwise), for the module's other services. */
export async function getVisibleClient(tx: Tx, ctx: ServiceContext, id: string) {
  const vis = visibleTo(ctx)
  const r = await tx.execute(
    sql`select c.id, c.name from clients c where c.id = ${id}${vis ? sql` and ${vis}` : sql``}`,
  )
  const row = rowsOf<{ id: string; name: string }>(r)[0]
  if (!row) throw problems.notFound('Client')
  return row
}

export async function getClient(ctx: ServiceContext, id: string): Promise<ClientView> {
  assertCan(ctx.actor, 'clients:read')
  const rows = await readInWorkspace<ClientRow>(ctx, clientById(ctx, id, COLUMNS), { prepare: true })
  const [row] = await withPeople(ctx, rows)
  if (!row) throw problems.notFound('Client')
  return serializeClient(row)
}

type ListQuery = Record<string, unknown> & { sort?: string; limit: number; cursor?: string }

/** A whole number written into the statement's text. */
function count(n: number): SQL {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a row count: ${n}`)
  return sql.raw(String(n))
}

/** Runs one page of a client view. Shared by the list, export and bulk actions. */
/** A page of a client view as one statement, and how to read its rows (built before any query runs). */
export function clientPageQuery(ctx: ServiceContext, q: ListQuery, fieldDefs: FieldDef[], columns = SELECT) {
  const { conditions, search } = filterConditions(ctx, q, fieldDefs)
  const sort = parseSort(q.sort, fieldDefs, search !== null)
  const sortKey = sort?.key ?? 'relevance'
  const cursor = decodeListCursor(q.cursor, sortKey)
  const where = [...conditions]
  let order: SQL
  const dir = sort?.desc ? sql.raw('desc') : sql.raw('asc')
  if (!sort) order = sql`s.score desc, c.id`
  else if (sort.facet) order = sql`sf.value ${dir} nulls last, c.id ${dir}`
  else order = sql`${sort.column} ${dir}, c.id ${dir}`
  let offset = 0
  if (cursor && 'o' in cursor) offset = cursor.o
  let from = searchFrom(search, sort ? SEARCH_LIMIT : searchDepth(conditions, offset + q.limit + 1))
  if (sort?.facet)
    from = sql`${from} left join client_facets sf on sf.client_id = c.id and sf.key = ${sort.facet}`
  if (cursor && sort && !('o' in cursor)) {
    const value = sort.key.endsWith('name') ? sql`${cursor.v}` : sql`${cursor.v}::timestamptz`
    where.push(sql`(${sort.column}, c.id) ${sql.raw(sort.desc ? '<' : '>')} (${value}, ${cursor.id})`)
  }
  const whereSql = where.length ? sql` where ${sql.join(where, sql` and `)}` : sql``
  // Page size and offset are written into the text (both validated integers): a prepared statement
  // planned for a parameter LIMIT would assume a tenth of the rows are wanted.
  const statement = sql`select ${columns} from ${from}${whereSql} order by ${order} limit ${count(q.limit + 1)}${offset ? sql` offset ${count(offset)}` : sql``}`
  const page = (rows: (ClientRow & { sort_name: string })[]) => {
    const more = rows.length > q.limit
    const data = more ? rows.slice(0, q.limit) : rows
    const last = data[data.length - 1]
    let nextCursor: string | null = null
    if (more && last) {
      if (!sort || sort.kind === 'offset') nextCursor = encodeListCursor({ s: sortKey, o: offset + q.limit })
      else {
        const v = sort.key.endsWith('name')
          ? last.sort_name
          : iso(sort.key.endsWith('updated') ? last.updated_at : last.created_at)
        nextCursor = encodeListCursor({ s: sortKey, v, id: last.id })
      }
    }
    return { rows: data, nextCursor }
  }
  return { statement, page }
}

export async function queryClients(
  tx: Tx,
  ctx: ServiceContext,
  q: ListQuery,
  defs?: FieldDef[],
): Promise<{ rows: ClientRow[]; nextCursor: string | null }> {
  const fieldDefs = defs ?? (needsDefs(q, q.sort) ? await loadFieldDefs(tx) : [])
  const { statement, page } = clientPageQuery(ctx, q, fieldDefs)
  return page(rowsOf<ClientRow & { sort_name: string }>(await tx.execute(statement)))
}

export async function listClients(ctx: ServiceContext, q: ListQuery) {
  assertCan(ctx.actor, 'clients:read')
  // Without custom-field filters or sorts, a page is one read-only statement: one round trip.
  const p = needsDefs(q, q.sort)
    ? await withWorkspace(ctx, (tx) => queryClients(tx, ctx, q))
    : await (async () => {
        const { statement, page } = clientPageQuery(ctx, q, [], COLUMNS)
        const read = page(
          await readInWorkspace<ClientRow & { sort_name: string }>(ctx, statement, { prepare: true }),
        )
        return { rows: await withPeople(ctx, read.rows), nextCursor: read.nextCursor }
      })()
  return { data: p.rows.map(serializeClient), nextCursor: p.nextCursor }
}

export async function countClients(ctx: ServiceContext, filter: Record<string, unknown>) {
  assertCan(ctx.actor, 'clients:read')
  return withWorkspace(ctx, async (tx) => ({ count: await countMatching(tx, ctx, filter) }))
}

export async function countMatching(tx: Tx, ctx: ServiceContext, filter: Record<string, unknown>) {
  const defs = needsDefs(filter) ? await loadFieldDefs(tx) : []
  const { conditions, search } = filterConditions(ctx, filter, defs)
  const from = searchFrom(search, SEARCH_LIMIT)
  const whereSql = conditions.length ? sql` where ${sql.join(conditions, sql` and `)}` : sql``
  const r = await tx.execute(sql`select count(*)::int as n from ${from}${whereSql}`)
  return Number(rowsOf<{ n: number }>(r)[0]?.n ?? 0)
}

/** Yields every client of a view, a page at a time, each page in its own short transaction. */
export async function* iterateClients(ctx: ServiceContext, filter: Record<string, unknown>, sort?: string) {
  assertCan(ctx.actor, 'clients:export')
  let cursor: string | undefined
  for (;;) {
    const p = await withWorkspace(ctx, (tx) =>
      queryClients(tx, ctx, { ...filter, sort, limit: 1000, cursor }),
    )
    for (const r of p.rows) yield serializeClient(r)
    if (!p.nextCursor) return
    cursor = p.nextCursor
  }
}

// ---- writes -------------------------------------------------------------------------------------

function throwFieldErrors(errors: FieldError[]) {
  if (errors.length) throw problems.validation(errors)
}

const scopeOf = (deps: ClientDeps, ctx: ServiceContext): ChangeScope => ({ ...ctx, events: deps.events })

export async function createClient(deps: ClientDeps, ctx: ServiceContext, input: CreateClientInput) {
  assertCan(ctx.actor, 'clients:write')
  return withWorkspace(ctx, async (tx) => {
    const custom = validateCustomValues(await loadFieldDefs(tx), input.custom)
    throwFieldErrors(custom.errors)
    const { created } = await applyClientChanges(tx, scopeOf(deps, ctx), [
      { kind: 'create', values: { ...input, custom: custom.values } },
    ])
    return serializeClient(await fetchClient(tx, ctx, created[0] as string))
  })
}

async function loadForWrite(tx: Tx, ctx: ServiceContext, id: string) {
  await getVisibleClient(tx, ctx, id)
  const [row] = await tx.select().from(clients).where(eq(clients.id, id)).for('update')
  if (!row) throw problems.notFound('Client')
  return row
}

export async function updateClient(
  deps: ClientDeps,
  ctx: ServiceContext,
  id: string,
  input: UpdateClientInput,
) {
  assertCan(ctx.actor, 'clients:write')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadForWrite(tx, ctx, id)
    const { status, custom: given, ...rest } = input
    const patch: ClientPatch = { ...rest, ...(status ? statusChange(before, status, new Date()) : {}) }
    if (given) {
      const r = validateCustomValues(await loadFieldDefs(tx), given, before.custom)
      throwFieldErrors(r.errors)
      patch.custom = r.values
    }
    await applyClientChanges(tx, scopeOf(deps, ctx), [{ kind: 'update', before, patch }])
    return serializeClient(await fetchClient(tx, ctx, id))
  })
}

export async function setArchived(deps: ClientDeps, ctx: ServiceContext, id: string, archived: boolean) {
  assertCan(ctx.actor, 'clients:write')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadForWrite(tx, ctx, id)
    const patch = statusChange(before, archived ? 'archived' : restoredStatus(before), new Date())
    await applyClientChanges(tx, scopeOf(deps, ctx), [{ kind: 'update', before, patch }])
    return serializeClient(await fetchClient(tx, ctx, id))
  })
}

export async function deleteClient(deps: ClientDeps, ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'clients:read')
  return withWorkspace(ctx, async (tx) => {
    const before = await loadForWrite(tx, ctx, id)
    assertCan(ctx.actor, 'clients:delete')
    await applyClientChanges(tx, scopeOf(deps, ctx), [{ kind: 'delete', before }])
  })
}

// ---- activity -----------------------------------------------------------------------------------

export async function clientActivity(ctx: ServiceContext, id: string, q: { limit: number; cursor?: string }) {
  assertCan(ctx.actor, 'clients:read')
  const cursor = decodeCursor(q.cursor)
  return withWorkspace(ctx, async (tx) => {
    await fetchClient(tx, ctx, id)
    const conditions = [eq(auditLogs.targetType, 'client'), eq(auditLogs.targetId, id)]
    if (cursor)
      conditions.push(
        sql`(${auditLogs.createdAt}, ${auditLogs.id}) < (${new Date(cursor.t).toISOString()}::timestamptz, ${cursor.id}::uuid)`,
      )
    const rows = await tx
      .select()
      .from(auditLogs)
      .where(and(...conditions))
      .orderBy(sql`${auditLogs.createdAt} desc, ${auditLogs.id} desc`)
      .limit(q.limit + 1)
    const p = page(rows, q.limit)
    return {
      data: p.data.map((r) => ({
        id: r.id,
        action: r.action,
        actor: { id: r.actorId, label: r.actorLabel },
        label: r.targetLabel,
        changes: {
          before: (r.before as Record<string, unknown> | null) ?? null,
          after: (r.after as Record<string, unknown> | null) ?? null,
        },
        createdAt: r.createdAt.toISOString(),
      })),
      nextCursor: p.nextCursor,
    }
  })
}

export async function listTags(ctx: ServiceContext, q: { q?: string; limit?: number } = {}) {
  assertCan(ctx.actor, 'clients:read')
  return withWorkspace(ctx, async (tx) => {
    const vis = visibleTo(ctx)
    const r = await tx.execute(sql`select f.value as tag, count(*)::int as count from client_facets f
      where f.key = 'tag'${q.q ? sql` and starts_with(f.value, ${q.q})` : sql``}${vis ? sql` and f.client_id in (select c.id from clients c where ${vis})` : sql``}
      group by f.value order by count(*) desc, f.value limit ${q.limit ?? 200}`)
    return {
      data: rowsOf<{ tag: string; count: number }>(r).map((t) => ({ tag: t.tag, count: Number(t.count) })),
    }
  })
}

export type { AuditEntry, Sort }
