import { and, asc, eq, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type { CreateCustomFieldSchema, UpdateCustomFieldSchema } from '../../../../contracts/clients.ts'
import { assertCan } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import { newId } from '../../kernel/db/ids.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { type FieldDef, validateDefault } from './fields.ts'
import { customFieldRecordType } from './record-types.ts'
import { customFields } from './schema.ts'

type Field = typeof customFields.$inferSelect

/** What a field's definition is: the audit log's before and after. */
const view = (f: Field) => ({
  key: f.key,
  label: f.label,
  type: f.type,
  required: f.required,
  defaultValue: f.defaultValue ?? null,
  options: f.options,
  currency: f.currency,
})

const serialize = (f: Field) => ({
  id: f.id,
  ...view(f),
  position: f.position,
  createdAt: f.createdAt.toISOString(),
})

const CHOICE_TYPES = ['select', 'multi_select']

function check(
  f: Pick<Field, 'type' | 'options' | 'defaultValue' | 'required' | 'key' | 'label' | 'currency'>,
) {
  const errors: FieldError[] = []
  if (CHOICE_TYPES.includes(f.type)) {
    if (!f.options.length)
      errors.push({ field: 'options', message: 'a select field needs at least one option' })
    const lower = f.options.map((o) => o.toLowerCase())
    if (new Set(lower).size !== lower.length)
      errors.push({ field: 'options', message: 'options must be unique' })
  } else if (f.options.length) errors.push({ field: 'options', message: 'only select fields have options' })
  const d = validateDefault({ ...f, defaultValue: f.defaultValue } as FieldDef)
  if (d) errors.push(d)
  if (errors.length) throw problems.validation(errors)
}

/** The fields of a record type, in display order, inside the caller's workspace transaction. */
export async function loadFieldDefs(tx: Tx, recordType: string): Promise<FieldDef[]> {
  return tx
    .select({
      key: customFields.key,
      label: customFields.label,
      type: customFields.type,
      required: customFields.required,
      defaultValue: customFields.defaultValue,
      options: customFields.options,
      currency: customFields.currency,
    })
    .from(customFields)
    .where(eq(customFields.entity, recordType))
    .orderBy(asc(customFields.position), asc(customFields.createdAt))
}

export async function listCustomFields(ctx: ServiceContext, recordType: string) {
  assertCan(ctx.actor, customFieldRecordType(recordType).readPermission)
  return withWorkspace(ctx, async (tx) => {
    const rows = await tx
      .select()
      .from(customFields)
      .where(eq(customFields.entity, recordType))
      .orderBy(asc(customFields.position), asc(customFields.createdAt))
    return { data: rows.map(serialize) }
  })
}

export async function createCustomField(
  ctx: ServiceContext,
  recordType: string,
  input: z.output<typeof CreateCustomFieldSchema>,
) {
  assertCan(ctx.actor, 'custom_fields:write')
  customFieldRecordType(recordType)
  const values = {
    key: input.key,
    label: input.label,
    type: input.type,
    required: input.required,
    defaultValue: input.defaultValue ?? null,
    options: input.options,
    currency: input.type === 'money' ? (input.currency ?? null) : null,
  }
  if (input.currency && input.type !== 'money')
    throw problems.validation([{ field: 'currency', message: 'only money fields have a currency' }])
  check(values)
  return withWorkspace(ctx, async (tx) => {
    const [taken] = await tx
      .select({ id: customFields.id })
      .from(customFields)
      .where(and(eq(customFields.entity, recordType), eq(customFields.key, input.key)))
    if (taken) throw problems.conflict('A custom field with this key already exists.', 'key')
    const [{ next } = { next: 0 }] = await tx
      .select({ next: sql<number>`coalesce(max(${customFields.position}) + 1, 0)::int` })
      .from(customFields)
      .where(eq(customFields.entity, recordType))
    const [row] = await tx
      .insert(customFields)
      .values({
        id: newId('fld'),
        workspaceId: ctx.workspaceId,
        entity: recordType,
        ...values,
        position: Number(next),
      })
      .returning()
    const f = row as Field
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'custom_field.created',
      targetType: 'custom_field',
      targetId: f.id,
      targetLabel: f.label,
      after: view(f),
    })
    return serialize(f)
  })
}

async function findField(tx: Tx, id: string) {
  const [f] = await tx.select().from(customFields).where(eq(customFields.id, id)).for('update')
  if (!f) throw problems.notFound('Custom field')
  return f
}

export async function updateCustomField(
  ctx: ServiceContext,
  id: string,
  input: z.output<typeof UpdateCustomFieldSchema>,
) {
  assertCan(ctx.actor, 'custom_fields:write')
  return withWorkspace(ctx, async (tx) => {
    const before = await findField(tx, id)
    const next = {
      ...before,
      ...input,
      defaultValue: input.defaultValue === undefined ? before.defaultValue : input.defaultValue,
    }
    check(next)
    const [row] = await tx
      .update(customFields)
      .set({ ...input, defaultValue: next.defaultValue, updatedAt: new Date() })
      .where(eq(customFields.id, id))
      .returning()
    const f = row as Field
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'custom_field.updated',
      targetType: 'custom_field',
      targetId: id,
      targetLabel: f.label,
      before: { ...view(before), position: before.position },
      after: { ...view(f), position: f.position },
    })
    return serialize(f)
  })
}

/** Deletes the field and, through its record type, its values on every record and in search and filters. */
export async function deleteCustomField(ctx: ServiceContext, id: string) {
  assertCan(ctx.actor, 'custom_fields:write')
  return withWorkspace(ctx, async (tx) => {
    const before = await findField(tx, id)
    await tx.delete(customFields).where(eq(customFields.id, id))
    await customFieldRecordType(before.entity).removeValues(tx, before.key)
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'custom_field.deleted',
      targetType: 'custom_field',
      targetId: id,
      targetLabel: before.label,
      before: view(before),
    })
  })
}
