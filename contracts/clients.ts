import { z } from 'zod'
import {
  clientKinds,
  clientStatuses,
  customFieldTypes,
  duplicateModes,
  importTargets,
} from './client-values.ts'
import { DayOrTimeInputSchema, IdSchema, TimestampSchema } from './common.ts'
import type { PermissionDefaults, PermissionsOf } from './permissions.ts'

/** A member sees and edits only the clients they own or are assigned to; `clients:read_all` sees every one. */
export const clientPermissions = {
  'clients:read': ['owner', 'admin', 'member'],
  'clients:read_all': ['owner', 'admin'],
  'clients:write': ['owner', 'admin', 'member'],
  'clients:delete': ['owner', 'admin'],
  'clients:import': ['owner', 'admin'],
  'clients:export': ['owner', 'admin', 'member'],
} as const satisfies PermissionDefaults

declare module './permissions.ts' {
  interface PermissionMap extends PermissionsOf<typeof clientPermissions> {}
}

export { clientKinds, clientStatuses, customFieldTypes, duplicateModes, importTargets }

/** Type-prefixed ids, so a human can tell a client from a contact in a URL or a log line. */
export const prefixedId = (prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9a-f]{32}$`), `must be an id starting with ${prefix}_`)
    .meta({ example: `${prefix}_01937a5e6c1b7d2e8f90a1b2c3d4e5f6` })

export const ClientIdSchema = prefixedId('cli')
export const ContactIdSchema = prefixedId('con')
export const CustomFieldIdSchema = prefixedId('fld')
export const ViewIdSchema = prefixedId('view')
export const ImportIdSchema = prefixedId('imp')

export const ClientStatusSchema = z.enum(clientStatuses)
export const ClientKindSchema = z.enum(clientKinds)

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`)
const optionalText = (max: number) =>
  text(max)
    .nullish()
    .transform((v) => (v ? v : null))

export const AddressInputSchema = z.object({
  line1: optionalText(200),
  line2: optionalText(200),
  city: optionalText(100),
  region: optionalText(100),
  postalCode: optionalText(20),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 two-letter country code')
    .nullish()
    .transform((v) => v ?? null),
})

const addressLine = z.string().nullable()
export const AddressSchema = z
  .object({
    line1: addressLine,
    line2: addressLine,
    city: addressLine,
    region: addressLine,
    postalCode: addressLine,
    country: addressLine,
  })
  .meta({ id: 'Address' })

export const CurrencySchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code')
export const LanguageSchema = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a language tag such as en or pt-BR')
export const TagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(40, 'must be at most 40 characters')
  .regex(/^[^,]+$/, 'may not contain commas')

/** Custom field values are keyed by the field's key; their type is checked against the field definition. */
export const CustomValuesSchema = z
  .record(z.string().max(40), z.unknown())
  .describe('Values of the workspace’s custom fields, by field key.')
  .meta({ example: { industry: 'software', budget: 1500000 } })

/** A bare domain (`example.com/path`) gets `https://`; anything with a scheme is left to the URL check. */
export const withScheme = (v: string) =>
  /^[a-z][a-z0-9+.-]*:(?!\d)/i.test(v) || !/^[^\s/:@]+\.[^\s/:@]{2,}(?::\d+)?(?:[/?#]\S*)?$/.test(v)
    ? v
    : `https://${v}`

const clientFields = {
  kind: ClientKindSchema,
  name: text(200).min(1, 'is required'),
  legalName: optionalText(200),
  email: z
    .email('must be an email address')
    .max(254)
    .toLowerCase()
    .nullish()
    .or(z.literal('').transform(() => null))
    .transform((v) => v ?? null),
  phone: optionalText(40),
  website: z
    .string()
    .trim()
    .max(500, 'must be at most 500 characters')
    .transform(withScheme)
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL or a domain such as example.com' }))
    .describe('An http(s) URL; a bare domain such as `example.com` is stored as `https://example.com`.')
    .nullish()
    .or(z.literal('').transform(() => null))
    .transform((v) => v ?? null),
  taxId: optionalText(50),
  billingAddress: AddressInputSchema.nullish().transform((v) => v ?? null),
  shippingAddress: AddressInputSchema.nullish().transform((v) => v ?? null),
  currency: CurrencySchema.nullish().transform((v) => v ?? null),
  language: LanguageSchema.nullish().transform((v) => v ?? null),
  paymentTermsDays: z
    .number()
    .int()
    .min(0)
    .max(365)
    .nullish()
    .transform((v) => v ?? null),
  status: ClientStatusSchema,
  tags: z.array(TagSchema).max(50),
  ownerId: IdSchema.nullish(),
  assigneeIds: z.array(IdSchema).max(50),
  notes: text(20000)
    .nullish()
    .transform((v) => v ?? ''),
  custom: CustomValuesSchema,
}

export const CreateClientSchema = z
  .object({
    ...clientFields,
    kind: clientFields.kind.default('company'),
    status: clientFields.status.default('active'),
    tags: clientFields.tags.default([]),
    assigneeIds: clientFields.assigneeIds.default([]),
    custom: clientFields.custom.default({}),
  })
  .strict()
  .meta({
    example: {
      kind: 'company',
      name: 'Northwind Traders',
      email: 'billing@northwind.example',
      currency: 'EUR',
      status: 'active',
      tags: ['retail'],
      custom: { industry: 'retail' },
    },
  })

export const UpdateClientSchema = z
  .object(clientFields)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' })
  .meta({ example: { status: 'active', tags: ['retail', 'priority'] } })

export const UserRefSchema = z.object({ id: IdSchema, name: z.string(), email: z.string() })

export const ClientSchema = z
  .object({
    id: ClientIdSchema,
    kind: ClientKindSchema,
    name: z.string(),
    legalName: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    website: z.string().nullable(),
    taxId: z.string().nullable(),
    billingAddress: AddressSchema.nullable(),
    shippingAddress: AddressSchema.nullable(),
    currency: z.string().nullable(),
    language: z.string().nullable(),
    paymentTermsDays: z.number().int().nullable(),
    status: ClientStatusSchema,
    tags: z.array(z.string()),
    owner: UserRefSchema.nullable(),
    assignees: z.array(UserRefSchema),
    notes: z.string(),
    custom: z.record(z.string(), z.unknown()),
    primaryContact: z
      .object({ id: ContactIdSchema, name: z.string(), email: z.string().nullable() })
      .nullable(),
    archivedAt: TimestampSchema.nullable(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'Client' })

// ---- list, filters, sort ------------------------------------------------------------------------

export const clientSorts = ['-created', 'created', '-updated', 'updated', 'name', '-name'] as const

const csv = (inner: z.ZodType<string, string>) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(inner).max(20))

const day = DayOrTimeInputSchema

/**
 * The filters of a client view, as query parameters, so a URL keeps and shares the view. Custom field
 * filters are `cf.<key>=<value>` (equality; comma-separated values match any) or `cf.<key>.min` /
 * `cf.<key>.max` for numbers, money and dates.
 */
export const ClientFilterSchema = z
  .object({
    q: z
      .string()
      .trim()
      .max(100)
      .optional()
      .describe('Search: name, legal name, email, contacts, tags, text fields; typo-tolerant.'),
    status: csv(ClientStatusSchema).optional().describe('Comma-separated statuses.'),
    tag: csv(TagSchema)
      .optional()
      .describe('Comma-separated tags; a client must have all of them (or any one, with `tagMatch=any`).'),
    tagMatch: z
      .enum(['all', 'any'])
      .optional()
      .describe('Whether a client needs `all` the given tags (the default) or `any` one of them.'),
    owner: csv(z.string().regex(/^(me|none|[0-9a-f-]{36})$/))
      .optional()
      .describe('Owner user ids, `me` or `none`.'),
    assignee: csv(z.string().regex(/^(me|[0-9a-f-]{36})$/))
      .optional()
      .describe('Assignee user ids or `me`.'),
    createdFrom: day.optional(),
    createdTo: day.optional(),
    updatedFrom: day.optional(),
    updatedTo: day.optional(),
  })
  .catchall(z.union([z.string(), z.array(z.string())]))

export const ClientListQuerySchema = ClientFilterSchema.extend({
  sort: z
    .string()
    .regex(/^-?(created|updated|name|cf\.[a-z][a-z0-9_]{0,39})$/, 'is not a sort order')
    .optional()
    .describe(
      '`name`, `created`, `updated` or `cf.<key>`; a leading `-` sorts descending. Default `-created`, or relevance when searching.',
    ),
  limit: z.coerce.number().int().min(1).max(200).default(25),
  cursor: z.string().max(500).optional(),
})

export const ClientListSchema = z
  .object({ data: z.array(ClientSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ClientPage' })

// ---- bulk ---------------------------------------------------------------------------------------

export const BulkActionSchema = z
  .object({
    action: z
      .enum(['tag', 'untag', 'assign', 'unassign', 'setOwner', 'status', 'archive', 'restore', 'delete'])
      .describe('`setOwner` gives the clients to `userId` (null: no owner; owners and admins only).'),
    /** Either explicit ids or the filter of the current view ("all matching"). */
    ids: z.array(ClientIdSchema).min(1).max(1000).optional(),
    filter: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
    tags: z.array(TagSchema).min(1).max(20).optional(),
    userId: IdSchema.nullable().optional().describe('The member to assign, unassign or make owner.'),
    status: ClientStatusSchema.optional(),
    /** For delete on a filter: the count the user confirmed; the request fails if the match changed. */
    expectedCount: z.number().int().min(0).optional(),
  })
  .strict()
  .meta({
    example: { action: 'tag', ids: ['cli_01937a5e6c1b7d2e8f90a1b2c3d4e5f6'], tags: ['vip'] },
  })

export const BulkResultSchema = z.object({ affected: z.number().int() }).meta({ id: 'BulkResult' })

export const BulkRunIdSchema = prefixedId('blk')
/** A bulk action over more clients than one request handles, running as a job. */
export const BulkRunSchema = z
  .object({
    id: BulkRunIdSchema,
    action: z.string(),
    status: z.enum(['queued', 'running', 'completed', 'failed']),
    total: z.number().int().describe('Clients the view matched when the action started.'),
    processed: z.number().int(),
    affected: z.number().int().describe('Clients the action changed so far.'),
    createdAt: TimestampSchema,
    finishedAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'BulkRun' })
export const BulkAcceptedSchema = z.object({ run: BulkRunSchema }).meta({ id: 'BulkAccepted' })
export const CountSchema = z.object({ count: z.number().int() })

// ---- contacts -----------------------------------------------------------------------------------

const contactFields = {
  name: text(200).min(1, 'is required'),
  email: z
    .email('must be an email address')
    .max(254)
    .toLowerCase()
    .nullish()
    .or(z.literal('').transform(() => null))
    .transform((v) => v ?? null),
  phone: optionalText(40),
  role: optionalText(100),
  isPrimary: z.boolean(),
}

export const CreateContactSchema = z
  .object({ ...contactFields, isPrimary: contactFields.isPrimary.default(false) })
  .strict()
  .meta({
    example: { name: 'Ada Lovelace', email: 'ada@northwind.example', role: 'CFO', isPrimary: true },
  })
export const UpdateContactSchema = z
  .object(contactFields)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' })

export const ContactSchema = z
  .object({
    id: ContactIdSchema,
    clientId: ClientIdSchema,
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    role: z.string().nullable(),
    isPrimary: z.boolean(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'Contact' })

// ---- custom fields ------------------------------------------------------------------------------

export const CustomFieldTypeSchema = z.enum(customFieldTypes)

export const FieldKeySchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must start with a letter and hold only lowercase letters, digits and _')

const OptionsSchema = z.array(text(60).min(1)).max(100)

export const CreateCustomFieldSchema = z
  .object({
    key: FieldKeySchema,
    label: text(80).min(1, 'is required'),
    type: CustomFieldTypeSchema,
    required: z.boolean().default(false),
    defaultValue: z.unknown().optional(),
    options: OptionsSchema.default([]).describe('Choices of select and multi-select fields.'),
    currency: CurrencySchema.optional().describe(
      'Currency of a money field (values are integer minor units).',
    ),
  })
  .strict()
  .meta({
    example: { key: 'industry', label: 'Industry', type: 'select', options: ['retail', 'software'] },
  })

export const UpdateCustomFieldSchema = z
  .object({
    label: text(80).min(1),
    required: z.boolean(),
    defaultValue: z.unknown(),
    options: OptionsSchema,
    position: z.number().int().min(0).max(1000),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' })

export const CustomFieldSchema = z
  .object({
    id: CustomFieldIdSchema,
    key: z.string(),
    label: z.string(),
    type: CustomFieldTypeSchema,
    required: z.boolean(),
    defaultValue: z.unknown().nullable(),
    options: z.array(z.string()),
    currency: z.string().nullable(),
    position: z.number().int(),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'CustomField' })

// ---- saved views --------------------------------------------------------------------------------

/** How a view shows its clients: which columns, in which order and width, and how dense the rows are. */
export const ViewDisplaySchema = z
  .object({
    columns: z
      .array(z.string().max(60))
      .max(60)
      .optional()
      .describe('Visible columns in order: `name`, `status`, `tags`, `owner`, `created`, `cf.<key>`, ….'),
    widths: z
      .record(z.string().max(60), z.number().int().min(40).max(1200))
      .optional()
      .describe('Column widths in CSS pixels, by column.'),
    density: z.enum(['compact', 'comfortable']).optional(),
  })
  .strict()
  .meta({ id: 'ViewDisplay' })

export const SavedViewSchema = z
  .object({
    id: ViewIdSchema,
    name: z.string(),
    query: z
      .record(z.string(), z.string())
      .describe('The view’s query parameters: filters, sort and layout (`layout=board`, `group=<field>`).'),
    display: ViewDisplaySchema,
    createdAt: TimestampSchema,
  })
  .meta({ id: 'SavedView' })
export const CreateSavedViewSchema = z
  .object({
    name: text(80).min(1, 'is required'),
    query: z.record(z.string().max(60), z.string().max(500)),
    display: ViewDisplaySchema.default({}),
  })
  .strict()
  .meta({
    example: {
      name: 'My leads',
      query: { status: 'lead', owner: 'me', sort: 'name' },
      display: { columns: ['name', 'status', 'owner'], widths: { name: 280 }, density: 'compact' },
    },
  })

// ---- activity -----------------------------------------------------------------------------------

export const ActivitySchema = z
  .object({
    id: z.string(),
    action: z.string(),
    actor: z.object({ id: z.string().nullable(), label: z.string().nullable() }),
    label: z.string().nullable(),
    changes: z.object({
      before: z.record(z.string(), z.unknown()).nullable(),
      after: z.record(z.string(), z.unknown()).nullable(),
    }),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'ClientActivity' })

// ---- import -------------------------------------------------------------------------------------

export const DuplicateModeSchema = z
  .enum(duplicateModes)
  .describe('What to do with a row whose email (or, without email, name) matches an existing client.')

/** Column index → target (`name`, `billingAddress.city`, `cf.<key>`, …); unmapped columns are ignored. */
export const ImportMappingSchema = z.record(
  z.string().regex(/^\d+$/),
  z
    .string()
    .regex(/^([a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)?|cf\.[a-z][a-z0-9_]{0,39})$/)
    .nullable(),
)

export const ImportOptionsSchema = z
  .object({ mapping: ImportMappingSchema, duplicates: DuplicateModeSchema.default('skip') })
  .strict()
  .meta({
    example: { mapping: { '0': 'name', '1': 'email', '2': 'cf.industry' }, duplicates: 'skip' },
  })

export const ImportRowErrorSchema = z.object({
  row: z.number().int(),
  field: z.string(),
  message: z.string(),
})

export const ImportSchema = z
  .object({
    id: ImportIdSchema,
    filename: z.string(),
    status: z.enum(['uploaded', 'checked', 'queued', 'running', 'completed', 'failed']),
    headers: z.array(z.string()),
    sample: z.array(z.array(z.string())).describe('The first rows, for the mapping screen.'),
    mapping: ImportMappingSchema,
    duplicates: DuplicateModeSchema,
    totalRows: z.number().int(),
    processedRows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
    errors: z
      .array(ImportRowErrorSchema)
      .describe('The first 100 row errors; the full list is in the error report.'),
    createdAt: TimestampSchema,
    finishedAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'ClientImport' })
