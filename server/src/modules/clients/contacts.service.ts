import { and, asc, eq, ne } from 'drizzle-orm'
import type { z } from 'zod'
import type { CreateContactSchema, UpdateContactSchema } from '../../../../contracts/clients.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { problems } from '../../kernel/http/problem.ts'
import { searchIndex } from '../../kernel/search/index.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { contacts } from './schema.ts'
import { clientRecords } from './search.ts'
import { type ClientDeps, getVisibleClient } from './service.ts'

type Contact = typeof contacts.$inferSelect

const serialize = (c: Contact) => ({
  id: c.id,
  clientId: c.clientId,
  name: c.name,
  email: c.email,
  phone: c.phone,
  role: c.role,
  isPrimary: c.isPrimary,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
})

const view = (c: Partial<Contact>) => ({
  name: c.name,
  email: c.email,
  phone: c.phone,
  role: c.role,
  isPrimary: c.isPrimary,
})

async function assertEmailFree(tx: Tx, email: string | null | undefined, except?: string) {
  if (!email) return
  const [taken] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.email, email), except ? ne(contacts.id, except) : undefined))
  // Contacts sign in to the client portal by email, so an address belongs to one contact per workspace.
  if (taken) throw problems.conflict('Another contact in this workspace already uses this email.', 'email')
}

async function clearPrimary(tx: Tx, clientId: string, except?: string) {
  await tx
    .update(contacts)
    .set({ isPrimary: false, updatedAt: new Date() })
    .where(
      and(
        eq(contacts.clientId, clientId),
        eq(contacts.isPrimary, true),
        except ? ne(contacts.id, except) : undefined,
      ),
    )
}

export async function listContacts(ctx: ServiceContext, clientId: string) {
  assertCan(ctx.actor, 'clients:read')
  return withWorkspace(ctx, async (tx) => {
    await getVisibleClient(tx, ctx, clientId)
    const rows = await tx
      .select()
      .from(contacts)
      .where(eq(contacts.clientId, clientId))
      .orderBy(asc(contacts.createdAt), asc(contacts.id))
    return { data: rows.map(serialize) }
  })
}

export async function createContact(
  deps: ClientDeps,
  ctx: ServiceContext,
  clientId: string,
  input: z.output<typeof CreateContactSchema>,
) {
  assertCan(ctx.actor, 'clients:write')
  return withWorkspace(ctx, async (tx) => {
    const client = await getVisibleClient(tx, ctx, clientId)
    await assertEmailFree(tx, input.email)
    const existing = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(eq(contacts.clientId, clientId))
      .limit(1)
    // The first contact of a client becomes its primary contact.
    const isPrimary = input.isPrimary || existing.length === 0
    if (isPrimary) await clearPrimary(tx, clientId)
    const [row] = await tx
      .insert(contacts)
      .values({ id: newId('con'), workspaceId: ctx.workspaceId, clientId, ...input, isPrimary })
      .returning()
    const c = row as Contact
    await searchIndex.update(tx, clientRecords, [clientId])
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'client.contact_added',
      targetType: 'client',
      targetId: clientId,
      targetLabel: client.name,
      after: { contactId: c.id, ...view(c) },
    })
    await deps.events.emit(tx, 'contact.created', ctx.workspaceId, { clientId, contactId: c.id })
    return serialize(c)
  })
}

async function findContact(tx: Tx, clientId: string, contactId: string) {
  const [c] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, contactId), eq(contacts.clientId, clientId)))
    .for('update')
  if (!c) throw problems.notFound('Contact')
  return c
}

export async function updateContact(
  deps: ClientDeps,
  ctx: ServiceContext,
  clientId: string,
  contactId: string,
  input: z.output<typeof UpdateContactSchema>,
) {
  assertCan(ctx.actor, 'clients:write')
  return withWorkspace(ctx, async (tx) => {
    const client = await getVisibleClient(tx, ctx, clientId)
    const before = await findContact(tx, clientId, contactId)
    if (input.email !== undefined && input.email !== before.email)
      await assertEmailFree(tx, input.email, contactId)
    if (input.isPrimary === true) await clearPrimary(tx, clientId, contactId)
    const [row] = await tx
      .update(contacts)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(contacts.id, contactId))
      .returning()
    const c = row as Contact
    await searchIndex.update(tx, clientRecords, [clientId])
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'client.contact_updated',
      targetType: 'client',
      targetId: clientId,
      targetLabel: client.name,
      before: { contactId, ...view(before) },
      after: { contactId, ...view(c) },
    })
    await deps.events.emit(tx, 'contact.updated', ctx.workspaceId, { clientId, contactId })
    return serialize(c)
  })
}

export async function deleteContact(
  deps: ClientDeps,
  ctx: ServiceContext,
  clientId: string,
  contactId: string,
) {
  assertCan(ctx.actor, 'clients:write')
  return withWorkspace(ctx, async (tx) => {
    const client = await getVisibleClient(tx, ctx, clientId)
    const before = await findContact(tx, clientId, contactId)
    await tx.delete(contacts).where(eq(contacts.id, contactId))
    await searchIndex.update(tx, clientRecords, [clientId])
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'client.contact_removed',
      targetType: 'client',
      targetId: clientId,
      targetLabel: client.name,
      before: { contactId, ...view(before) },
    })
    await deps.events.emit(tx, 'contact.deleted', ctx.workspaceId, { clientId, contactId })
  })
}
