import { createHash } from 'node:crypto'
import { eq, getTableColumns, inArray, sql } from 'drizzle-orm'
import { assertCan } from '../../kernel/access/index.ts'
import { type AuditMeta, record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { entitlements } from '../../kernel/entitlements/index.ts'
import { type Events, noEvents } from '../../kernel/events/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import type { Jobs } from '../../kernel/jobs/index.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import type { FieldDef } from '../custom-fields/index.ts'
import { applyClientChanges, type ClientChange } from './change.ts'
import { autoMap, checkMapping, decodeCsv, type ImportedRow, mapRow, parseCsv } from './csv-import.ts'
import { clientImports, clients, contacts, type ImportRowError } from './schema.ts'
import { loadFieldDefs } from './service.ts'

export const IMPORT_QUEUE = 'clients.import'
export const MAX_IMPORT_ROWS = 200_000
export const BATCH = 2000
export const KEPT_ERRORS = 10_000
/** Rows checked between two turns of the event loop. */
const SLICE = 250

type ImportRecord = typeof clientImports.$inferSelect
export type ImportJob = { importId: string; workspaceId: string; userId: string; meta: AuditMeta }
export type Scope = Pick<ServiceContext, 'db' | 'workspaceId' | 'meta' | 'actor'>
type Duplicates = 'skip' | 'update' | 'create'

type ImportView = Omit<ImportRecord, 'content' | 'fileHash'>
const { content: _content, fileHash: _hash, ...viewColumns } = getTableColumns(clientImports)

const serialize = (i: ImportView) => ({
  id: i.id,
  filename: i.filename,
  status: i.status,
  headers: i.headers,
  sample: i.sample,
  mapping: i.mapping,
  duplicates: i.duplicates,
  totalRows: i.totalRows,
  processedRows: i.processedRows,
  created: i.created,
  updated: i.updated,
  skipped: i.skipped,
  failed: i.failed,
  errors: i.errors.slice(0, 100),
  createdAt: i.createdAt.toISOString(),
  finishedAt: i.finishedAt?.toISOString() ?? null,
})

export async function uploadImport(ctx: ServiceContext, filename: string, body: Buffer) {
  assertCan(ctx.actor, 'clients:import')
  const content = decodeCsv(body)
  const rows = parseCsv(content)
  const headers = (rows[0] ?? []).map((h) => h.trim())
  if (!headers.length || rows.length < 2)
    throw problems.badRequest('The file has no rows under its header line.', 'file')
  if (rows.length - 1 > MAX_IMPORT_ROWS)
    throw problems.badRequest(`A file may hold at most ${MAX_IMPORT_ROWS} rows; split it.`, 'file')
  return withWorkspace(ctx, async (tx) => {
    const defs = await loadFieldDefs(tx)
    const [row] = await tx
      .insert(clientImports)
      .values({
        id: newId('imp'),
        workspaceId: ctx.workspaceId,
        userId: ctx.actor.userId,
        filename: filename.slice(0, 200),
        content,
        fileHash: createHash('sha256').update(content).digest('hex'),
        headers,
        sample: rows.slice(1, 6),
        mapping: autoMap(headers, defs),
        totalRows: rows.length - 1,
      })
      .returning()
    return serialize(row as ImportRecord)
  })
}

async function findImport(tx: Tx, ctx: Scope, id: string) {
  const [i] = await tx.select().from(clientImports).where(eq(clientImports.id, id))
  // Imports are private to the person who uploaded them.
  if (!i || i.userId !== ctx.actor.userId) throw problems.notFound('Import')
  return i
}

export async function getImport(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'clients:import')
  return withWorkspace(ctx, async (tx) => {
    // Progress is polled: read everything but the file.
    const [i] = await tx.select(viewColumns).from(clientImports).where(eq(clientImports.id, id))
    if (!i || i.userId !== ctx.actor.userId) throw problems.notFound('Import')
    return serialize(i)
  })
}

type Outcome = { created: number; updated: number; skipped: number; errors: ImportRowError[] }

const keyOf = (c: { email: string | null; name: string }) =>
  c.email ? `e:${c.email}` : `n:${c.name.toLowerCase()}`

type Checked = { errors: ImportRowError[]; valid: { line: number; row: ImportedRow }[] }
type RowOptions = { mapping: Record<string, string | null>; duplicates: Duplicates; defs: FieldDef[] }

/**
 * Maps and validates rows [from, to) of a file, a slice at a time, letting other work (the previous
 * batch's statements) run in between: this needs no database, so the job checks the next batch while
 * the database writes the current one.
 */
export async function checkRows(
  rows: string[][],
  from: number,
  to: number,
  opts: RowOptions,
): Promise<Checked> {
  const out: Checked = { errors: [], valid: [] }
  for (let i = from; i < to; i++) {
    if (i > from && (i - from) % SLICE === 0) await new Promise((resolve) => setImmediate(resolve))
    const r = mapRow(rows[i] as string[], opts.mapping, opts.defs)
    // Line numbers as a spreadsheet shows them: the header is line 1.
    if (!r.ok) for (const e of r.errors) out.errors.push({ row: i + 1, field: e.field, message: e.message })
    else out.valid.push({ line: i + 1, row: r.value })
  }
  return out
}

/**
 * What earlier batches of a run have done: the keys of the clients they found or created (so a file
 * that names a client twice does not create it twice) and the contact emails they used, whether or not
 * their transactions have committed yet.
 */
export type RunMemory = { seen: Map<string, string>; contacts: Set<string> }
export const newMemory = (): RunMemory => ({ seen: new Map(), contacts: new Set() })

/**
 * Processes checked rows of a file. With `write` false it only predicts (the dry run); with true it
 * creates and updates clients. `planned` is called once the batch knows what it will write (and has
 * locked the clients it updates), before it writes: the next batch may plan from then on.
 */
export async function processRows(
  tx: Tx,
  ctx: Scope,
  events: Events | null,
  checked: Checked,
  opts: RowOptions & { write: boolean },
  memory: RunMemory,
  planned?: () => void,
): Promise<Outcome> {
  const { seen } = memory
  const out: Outcome = { created: 0, updated: 0, skipped: 0, errors: [...checked.errors] }
  const { valid } = checked
  // Existing clients with the same email (or, without email, the same name).
  const emails = [...new Set(valid.map((v) => v.row.client.email).filter((e): e is string => !!e))]
  const names = [
    ...new Set(valid.filter((v) => !v.row.client.email).map((v) => v.row.client.name.toLowerCase())),
  ]
  if (opts.duplicates !== 'create' && (emails.length || names.length)) {
    // One index probe per value: a new workspace's statistics would otherwise steer a list lookup into
    // reading every client of the workspace for each batch.
    const r = await tx.execute(sql`
      select m.id, m.email, m.name from jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb) e(v)
        cross join lateral (select c.id, c.email, c.name from clients c where c.email = e.v limit 1) m
      union all
      select m.id, m.email, m.name from jsonb_array_elements_text(${JSON.stringify(names)}::jsonb) n(v)
        cross join lateral (select c.id, c.email, c.name from clients c where c.sort_name = n.v limit 1) m`)
    const found = (r as unknown as { rows: { id: string; email: string | null; name: string }[] }).rows
    for (const f of found) if (!seen.has(keyOf(f))) seen.set(keyOf(f), f.id)
  }
  const contactEmails = [...new Set(valid.map((v) => v.row.contact?.email).filter((e): e is string => !!e))]
  // One statement for the batch: at worst one pass over contacts, never one per value.
  const takenContacts = new Set(
    contactEmails.length
      ? (
          await tx
            .select({ email: contacts.email })
            .from(contacts)
            .where(inArray(contacts.email, contactEmails))
        ).map((c) => c.email)
      : [],
  )

  const changes: ClientChange[] = []
  const updates: { id: string; row: ImportedRow }[] = []
  for (const v of valid) {
    const c = v.row.client
    const key = keyOf(c)
    const existing = opts.duplicates === 'create' ? undefined : seen.get(key)
    const ce = v.row.contact?.email
    if (ce && (takenContacts.has(ce) || memory.contacts.has(ce)) && !existing) {
      out.errors.push({
        row: v.line,
        field: 'contact.email',
        message: 'another contact in this workspace already uses this email',
      })
      continue
    }
    if (existing) {
      if (opts.duplicates === 'skip') out.skipped++
      else {
        out.updated++
        updates.push({ id: existing, row: v.row })
      }
      continue
    }
    out.created++
    const id = newId('cli')
    seen.set(key, id)
    if (ce) {
      takenContacts.add(ce)
      memory.contacts.add(ce)
    }
    changes.push({ kind: 'create', values: { ...c, id }, contact: v.row.contact })
  }
  if (!opts.write) {
    planned?.()
    return out
  }

  // Updates change only what the row gives; custom values merge into the client's.
  const current = updates.length
    ? await tx
        .select()
        .from(clients)
        .where(
          inArray(
            clients.id,
            updates.map((u) => u.id),
          ),
        )
        .for('update')
    : []
  const byId = new Map(current.map((c) => [c.id, c]))
  for (const u of updates) {
    const before = byId.get(u.id)
    if (!before) continue
    const patch: Record<string, unknown> = {}
    for (const k of u.row.given)
      if (k !== 'cf' && k !== 'contact') patch[k] = u.row.client[k as keyof typeof u.row.client]
    changes.push({
      kind: 'update',
      before,
      patch: { ...patch, custom: { ...before.custom, ...u.row.client.custom } },
    })
  }
  planned?.()
  await applyClientChanges(tx, { ...ctx, events: events ?? noEvents }, changes)
  return out
}

type ImportOptions = { mapping: Record<string, string | null>; duplicates: Duplicates }

/** An import that has not run yet, its workspace's fields, and the checked mapping. */
async function prepare(tx: Tx, ctx: Scope, id: string, input: ImportOptions) {
  const i = await findImport(tx, ctx, id)
  if (i.status !== 'uploaded' && i.status !== 'checked')
    throw problems.conflict('This import has already run: upload the file again to start over.')
  const defs = await loadFieldDefs(tx)
  checkMapping(input.mapping, i.headers, defs)
  return { i, defs }
}

/** The dry run: what the import would do, with every bad row and why, writing nothing but the result. */
export async function checkImport(
  ctx: ServiceContext,
  id: string,
  input: { mapping: Record<string, string | null>; duplicates: Duplicates },
) {
  assertCan(ctx.actor, 'clients:import')
  return withWorkspace(ctx, async (tx) => {
    const { i, defs } = await prepare(tx, ctx, id, input)
    const opts = { mapping: input.mapping, duplicates: input.duplicates, defs, write: false }
    const rows = parseCsv(i.content)
    const memory = newMemory()
    const total: Outcome = { created: 0, updated: 0, skipped: 0, errors: [] }
    for (let from = 1; from < rows.length; from += BATCH) {
      const checked = await checkRows(rows, from, Math.min(from + BATCH, rows.length), opts)
      const o = await processRows(tx, ctx, null, checked, opts, memory)
      total.created += o.created
      total.updated += o.updated
      total.skipped += o.skipped
      total.errors.push(...o.errors)
    }
    const failedRows = new Set(total.errors.map((e) => e.row)).size
    const [row] = await tx
      .update(clientImports)
      .set({
        status: 'checked',
        mapping: input.mapping,
        duplicates: input.duplicates,
        created: total.created,
        updated: total.updated,
        skipped: total.skipped,
        failed: failedRows,
        errors: total.errors.slice(0, KEPT_ERRORS),
      })
      .where(eq(clientImports.id, id))
      .returning(viewColumns)
    return serialize(row as ImportView)
  })
}

/** Queues the import; the good rows are written by a background job, the bad ones reported. */
export async function runImport(
  jobs: Jobs,
  ctx: ServiceContext,
  id: string,
  input: { mapping: Record<string, string | null>; duplicates: Duplicates },
) {
  assertCan(ctx.actor, 'clients:import')
  return withWorkspace(ctx, async (tx) => {
    const { i, defs } = await prepare(tx, ctx, id, input)
    // Under a client limit the whole file is checked up front: an import that would pass the limit is
    // refused (402) before it is queued, never stopped half-way.
    if ((await entitlements.resolve(tx, ctx.workspaceId)).limits.clients !== null) {
      const opts = { mapping: input.mapping, duplicates: input.duplicates, defs, write: false }
      const rows = parseCsv(i.content)
      const memory = newMemory()
      let creating = 0
      for (let from = 1; from < rows.length; from += BATCH) {
        const checked = await checkRows(rows, from, Math.min(from + BATCH, rows.length), opts)
        creating += (await processRows(tx, ctx, null, checked, opts, memory)).created
      }
      await entitlements.assertWithin(tx, ctx.workspaceId, 'clients', creating)
    }
    const [row] = await tx
      .update(clientImports)
      .set({
        status: 'queued',
        mapping: input.mapping,
        duplicates: input.duplicates,
        processedRows: 0,
        created: 0,
        updated: 0,
        skipped: 0,
        failed: 0,
        errors: [],
      })
      .where(eq(clientImports.id, id))
      .returning(viewColumns)
    const job: ImportJob = {
      importId: id,
      workspaceId: ctx.workspaceId,
      userId: ctx.actor.userId,
      meta: ctx.meta,
    }
    await jobs.send(IMPORT_QUEUE, job, tx)
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'client_import.started',
      targetType: 'client_import',
      targetId: id,
      targetLabel: (row as ImportView).filename,
      after: { rows: (row as ImportView).totalRows, duplicates: input.duplicates },
    })
    return serialize(row as ImportView)
  })
}

/** Every row error with the row's original cells, as CSV rows, for fixing the file. */
export async function importErrorRows(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'clients:import')
  return withWorkspace(ctx, async (tx) => {
    const i = await findImport(tx, ctx, id)
    const rows = parseCsv(i.content)
    return {
      filename: i.filename.replace(/\.csv$/i, ''),
      header: ['row', 'field', 'error', ...i.headers],
      rows: i.errors.map((e) => [String(e.row), e.field, e.message, ...(rows[e.row - 1] ?? [])]),
    }
  })
}
