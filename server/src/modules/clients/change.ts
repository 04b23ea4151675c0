import { inArray, sql } from 'drizzle-orm'
import { can } from '../../kernel/access/index.ts'
import { type AuditEntry, recordMany } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { entitlements } from '../../kernel/entitlements/index.ts'
import type { EventSink } from '../../kernel/events/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import { searchIndex } from '../../kernel/search/index.ts'
import { memberships } from '../../kernel/tenancy/index.ts'
import { clients, type contacts } from './schema.ts'
import { clientRecords } from './search.ts'

export type ClientRecord = typeof clients.$inferSelect
type Status = ClientRecord['status']

/** What a new client holds; the change function adds its workspace, times and author (and id if none). */
export type NewClient = Omit<
  typeof clients.$inferInsert,
  'id' | 'workspaceId' | 'sortName' | 'searchText' | 'createdBy' | 'createdAt' | 'updatedAt' | 'archivedAt'
> & { id?: string }
/** A primary contact created with its client. */
export type NewContact = { name: string; email: string | null; phone: string | null }
/** The fields a change may set on an existing client. */
export type ClientPatch = Partial<
  Omit<
    ClientRecord,
    'id' | 'workspaceId' | 'sortName' | 'searchText' | 'createdBy' | 'createdAt' | 'updatedAt'
  >
>

export type ClientChange =
  | { kind: 'create'; values: NewClient; contact?: NewContact | null }
  | { kind: 'update'; before: ClientRecord; patch: ClientPatch }
  | { kind: 'delete'; before: ClientRecord }

/** Who makes the changes, and where its events go (the seed drops them). */
export type ChangeScope = Pick<ServiceContext, 'workspaceId' | 'actor' | 'meta'> & { events: EventSink }

/** The fields an audit entry shows for a client, so diffs read naturally. */
export function auditView(c: Partial<ClientRecord>): Record<string, unknown> {
  return {
    kind: c.kind,
    name: c.name,
    legalName: c.legalName,
    email: c.email,
    phone: c.phone,
    website: c.website,
    taxId: c.taxId,
    billingAddress: c.billingAddress,
    shippingAddress: c.shippingAddress,
    currency: c.currency,
    language: c.language,
    paymentTermsDays: c.paymentTermsDays,
    status: c.status,
    tags: c.tags,
    ownerId: c.ownerId,
    assigneeIds: c.assigneeIds,
    notes: c.notes,
    custom: c.custom,
  }
}

/** A status transition: archiving remembers the status to restore, leaving the archive forgets it. */
export function statusChange(before: ClientRecord, status: Status, now: Date): ClientPatch {
  if (status === before.status) return {}
  if (status === 'archived')
    return {
      status,
      archivedAt: now,
      statusBeforeArchive: before.status === 'archived' ? before.statusBeforeArchive : before.status,
    }
  return { status, archivedAt: null, statusBeforeArchive: null }
}

/** The status `restore` brings back. */
export const restoredStatus = (c: ClientRecord): Status =>
  c.status === 'archived' ? (c.statusBeforeArchive ?? 'active') : c.status

const diff = (before: Record<string, unknown>, after: Record<string, unknown>) =>
  Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]))

/** Owners and assignees must be members of the workspace; one query for every change. */
async function checkMembers(tx: Tx, people: { ownerId?: string | null; assigneeIds?: string[] }[]) {
  const wanted = new Set<string>()
  for (const p of people) {
    if (p.ownerId) wanted.add(p.ownerId)
    for (const a of p.assigneeIds ?? []) wanted.add(a)
  }
  if (!wanted.size) return
  const found = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(inArray(memberships.userId, [...wanted]))
  const ok = new Set(found.map((f) => f.userId))
  const errors = new Map<string, FieldError>()
  for (const p of people) {
    if (p.ownerId && !ok.has(p.ownerId))
      errors.set('ownerId', { field: 'ownerId', message: 'is not a member of this workspace' })
    p.assigneeIds?.forEach((a, i) => {
      if (!ok.has(a))
        errors.set(`assigneeIds.${i}`, {
          field: `assigneeIds.${i}`,
          message: 'is not a member of this workspace',
        })
    })
  }
  if (errors.size) throw problems.validation([...errors.values()])
}

/**
 * The access rules every write follows, whichever path it takes: only owners and admins
 * (`clients:read_all`) give a client to someone else, and a member never makes a client invisible to
 * themselves, since they would lose it.
 */
function checkAccess(
  scope: ChangeScope,
  before: ClientRecord | null,
  next: Pick<ClientRecord, 'ownerId' | 'assigneeIds'>,
) {
  if (can(scope.actor, 'clients:read_all')) return
  const me = scope.actor.userId
  if (before ? next.ownerId !== before.ownerId : next.ownerId !== me)
    throw problems.forbidden(
      before
        ? "Only owners and admins can change a client's owner."
        : 'Only owners and admins can create clients for someone else, or without an owner.',
      'ownerId',
    )
  if (next.ownerId !== me && !next.assigneeIds.includes(me))
    throw problems.forbidden(
      'You would no longer see this client: ask an admin to reassign it.',
      'assigneeIds',
    )
}

const UPDATE_COLUMNS = sql.raw(`kind = v.kind, name = v.name, legal_name = v.legal_name, email = v.email,
  phone = v.phone, website = v.website, tax_id = v.tax_id, billing_address = v.billing_address,
  shipping_address = v.shipping_address, currency = v.currency, language = v.language,
  payment_terms_days = v.payment_terms_days, status = v.status, tags = array(select jsonb_array_elements_text(v.tags)),
  owner_id = v.owner_id, assignee_ids = array(select jsonb_array_elements_text(v.assignee_ids))::uuid[],
  notes = v.notes, custom = v.custom, status_before_archive = v.status_before_archive,
  archived_at = v.archived_at, updated_at = v.updated_at`)
const UPDATE_RECORD = sql.raw(`v(id text, kind text, name text, legal_name text, email text, phone text,
  website text, tax_id text, billing_address jsonb, shipping_address jsonb, currency text, language text,
  payment_terms_days integer, status text, tags jsonb, owner_id uuid, assignee_ids jsonb, notes text,
  custom jsonb, status_before_archive text, archived_at timestamptz, updated_at timestamptz)`)

const row = (c: ClientRecord) => ({
  id: c.id,
  kind: c.kind,
  name: c.name,
  legal_name: c.legalName,
  email: c.email,
  phone: c.phone,
  website: c.website,
  tax_id: c.taxId,
  billing_address: c.billingAddress,
  shipping_address: c.shippingAddress,
  currency: c.currency,
  language: c.language,
  payment_terms_days: c.paymentTermsDays,
  status: c.status,
  tags: c.tags,
  owner_id: c.ownerId,
  assignee_ids: c.assigneeIds,
  notes: c.notes,
  custom: c.custom,
  status_before_archive: c.statusBeforeArchive,
  archived_at: c.archivedAt,
  updated_at: c.updatedAt,
})

const INSERT_CHUNK = 2000
const INSERT_COLUMNS = sql.raw(`id, workspace_id, kind, name, legal_name, email, phone, website, tax_id,
  billing_address, shipping_address, currency, language, payment_terms_days, status, tags, owner_id,
  assignee_ids, notes, custom, status_before_archive, archived_at, created_by, created_at, updated_at`)
const INSERT_RECORD = sql.raw(`v(id text, workspace_id uuid, kind text, name text, legal_name text,
  email text, phone text, website text, tax_id text, billing_address jsonb, shipping_address jsonb,
  currency text, language text, payment_terms_days integer, status text, tags text[], owner_id uuid,
  assignee_ids uuid[], notes text, custom jsonb, status_before_archive text, archived_at timestamptz,
  created_by uuid, created_at timestamptz, updated_at timestamptz)`)

type NewRow = typeof clients.$inferInsert
const insertRow = (c: NewRow) => ({
  id: c.id,
  workspace_id: c.workspaceId,
  kind: c.kind,
  name: c.name,
  legal_name: c.legalName ?? null,
  email: c.email ?? null,
  phone: c.phone ?? null,
  website: c.website ?? null,
  tax_id: c.taxId ?? null,
  billing_address: c.billingAddress ?? null,
  shipping_address: c.shippingAddress ?? null,
  currency: c.currency ?? null,
  language: c.language ?? null,
  payment_terms_days: c.paymentTermsDays ?? null,
  status: c.status,
  tags: c.tags ?? [],
  owner_id: c.ownerId ?? null,
  assignee_ids: c.assigneeIds ?? [],
  notes: c.notes ?? '',
  custom: c.custom ?? {},
  status_before_archive: c.statusBeforeArchive ?? null,
  archived_at: c.archivedAt ?? null,
  created_by: c.createdBy ?? null,
  created_at: c.createdAt,
  updated_at: c.updatedAt,
})

export type ChangeResult = { created: string[]; updated: string[]; deleted: string[] }

/**
 * The one write path of clients. The service, bulk actions, the import and the demo seed all call it,
 * so every client change follows the same access rules, writes the same audit entries and events, and
 * updates the search index, in the caller's transaction. Input is already validated (custom values
 * included); updates that change nothing are skipped.
 */
export async function applyClientChanges(
  tx: Tx,
  scope: ChangeScope,
  changes: ClientChange[],
): Promise<ChangeResult> {
  const creating = changes.reduce((n, c) => n + (c.kind === 'create' ? 1 : 0), 0)
  // The plan's client limit, for the whole batch before any row: all of it or none.
  if (creating) await entitlements.assertWithin(tx, scope.workspaceId, 'clients', creating)
  const now = new Date()
  const inserts: (typeof clients.$inferInsert)[] = []
  const newContacts: (typeof contacts.$inferInsert)[] = []
  const updates: { before: ClientRecord; next: ClientRecord; keys: string[] }[] = []
  const deletes: ClientRecord[] = []
  for (const c of changes) {
    if (c.kind === 'create') {
      const v = c.values
      const values = {
        ...v,
        id: v.id ?? newId('cli'),
        workspaceId: scope.workspaceId,
        ownerId: v.ownerId === undefined ? scope.actor.userId : v.ownerId,
        assigneeIds: [...new Set(v.assigneeIds ?? [])],
        tags: [...new Set(v.tags ?? [])],
        custom: v.custom ?? {},
        archivedAt: v.status === 'archived' ? now : null,
        createdBy: scope.actor.userId,
        createdAt: now,
        updatedAt: now,
      }
      checkAccess(scope, null, values)
      inserts.push(values)
      if (c.contact)
        newContacts.push({
          ...c.contact,
          id: newId('con'),
          workspaceId: scope.workspaceId,
          clientId: values.id,
          isPrimary: true,
        })
    } else if (c.kind === 'update') {
      const next = { ...c.before, ...c.patch, updatedAt: now }
      if (c.patch.assigneeIds) next.assigneeIds = [...new Set(c.patch.assigneeIds)]
      if (c.patch.tags) next.tags = [...new Set(c.patch.tags)]
      const keys = diff(auditView(c.before), auditView(next))
      if (!keys.length) continue
      checkAccess(scope, c.before, next)
      updates.push({ before: c.before, next, keys })
    } else deletes.push(c.before)
  }
  await checkMembers(tx, [
    ...inserts,
    ...updates
      .filter((u) => u.keys.includes('ownerId') || u.keys.includes('assigneeIds'))
      .map((u) => ({
        ownerId: u.keys.includes('ownerId') ? u.next.ownerId : undefined,
        assigneeIds: u.keys.includes('assigneeIds')
          ? u.next.assigneeIds.filter((a) => !u.before.assigneeIds.includes(a))
          : undefined,
      })),
  ])

  // New rows as one JSON parameter per statement: a few thousand rows cost one parse and one plan.
  for (let i = 0; i < inserts.length; i += INSERT_CHUNK)
    await tx.execute(sql`insert into clients (${INSERT_COLUMNS})
      select ${INSERT_COLUMNS} from jsonb_to_recordset(${JSON.stringify(inserts.slice(i, i + INSERT_CHUNK).map(insertRow))}::jsonb) as ${INSERT_RECORD}`)
  for (let i = 0; i < newContacts.length; i += INSERT_CHUNK)
    await tx.execute(sql`insert into contacts (id, workspace_id, client_id, name, email, phone, is_primary)
      select v.id, v."workspaceId", v."clientId", v.name, v.email, v.phone, v."isPrimary"
      from jsonb_to_recordset(${JSON.stringify(newContacts.slice(i, i + INSERT_CHUNK))}::jsonb)
        as v(id text, "workspaceId" uuid, "clientId" text, name text, email text, phone text, "isPrimary" boolean)`)
  if (updates.length)
    await tx.execute(sql`update clients c set ${UPDATE_COLUMNS}
      from jsonb_to_recordset(${JSON.stringify(updates.map((u) => row(u.next)))}::jsonb) as ${UPDATE_RECORD}
      where c.id = v.id`)
  if (deletes.length)
    await tx.delete(clients).where(
      inArray(
        clients.id,
        deletes.map((d) => d.id),
      ),
    )
  const result: ChangeResult = {
    created: inserts.map((c) => c.id),
    updated: updates.map((u) => u.next.id),
    deleted: deletes.map((d) => d.id),
  }
  await searchIndex.update(tx, clientRecords, [...result.updated, ...result.deleted], {
    created: result.created,
  })

  const audit: AuditEntry[] = []
  const events = {
    created: [] as { clientId: string; name: string }[],
    updated: [] as { clientId: string; fields: string[] }[],
    archived: [] as { clientId: string }[],
    restored: [] as { clientId: string }[],
    deleted: [] as { clientId: string; name: string }[],
  }
  for (const c of inserts) {
    audit.push({
      action: 'client.created',
      targetType: 'client',
      targetId: c.id,
      targetLabel: c.name,
      after: auditView(c as ClientRecord),
    })
    events.created.push({ clientId: c.id as string, name: c.name })
  }
  for (const { before, next, keys } of updates) {
    // Archiving and restoring read as such; any other change is an update.
    const action =
      keys.length === 1 &&
      keys[0] === 'status' &&
      (next.status === 'archived' || before.status === 'archived')
        ? next.status === 'archived'
          ? 'client.archived'
          : 'client.restored'
        : 'client.updated'
    const b = auditView(before)
    const a = auditView(next)
    audit.push({
      action,
      targetType: 'client',
      targetId: next.id,
      targetLabel: next.name,
      before: Object.fromEntries(keys.map((k) => [k, b[k]])),
      after: Object.fromEntries(keys.map((k) => [k, a[k]])),
    })
    if (action === 'client.archived') events.archived.push({ clientId: next.id })
    else if (action === 'client.restored') events.restored.push({ clientId: next.id })
    else events.updated.push({ clientId: next.id, fields: keys })
  }
  for (const d of deletes) {
    audit.push({
      action: 'client.deleted',
      targetType: 'client',
      targetId: d.id,
      targetLabel: d.name,
      before: auditView(d),
    })
    events.deleted.push({ clientId: d.id, name: d.name })
  }
  await recordMany(tx, scope.workspaceId, scope.meta, audit)
  const ws = scope.workspaceId
  await scope.events.emitMany(tx, 'client.created', ws, events.created)
  await scope.events.emitMany(tx, 'client.updated', ws, events.updated)
  await scope.events.emitMany(tx, 'client.archived', ws, events.archived)
  await scope.events.emitMany(tx, 'client.restored', ws, events.restored)
  await scope.events.emitMany(tx, 'client.deleted', ws, events.deleted)
  return result
}
