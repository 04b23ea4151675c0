import { z } from 'zod'
import { DateTimeInputSchema, IdSchema, TimestampSchema } from './common.ts'
import type { PermissionDefaults, PermissionsOf } from './permissions.ts'

/**
 * Notes and tasks on any record the caller may see. `timeline:manage` edits and deletes other people's
 * notes and tasks and lists anyone's tasks.
 */
export const timelinePermissions = {
  'timeline:read': ['owner', 'admin', 'member'],
  'timeline:write': ['owner', 'admin', 'member'],
  'timeline:manage': ['owner', 'admin'],
} as const satisfies PermissionDefaults

declare module './permissions.ts' {
  interface PermissionMap extends PermissionsOf<typeof timelinePermissions> {}
}

/** Type-prefixed ids of timeline entries. */
const prefixed = (prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9a-f]{32}$`), `must be an id starting with ${prefix}_`)
    .meta({ example: `${prefix}_01937a5e6c1b7d2e8f90a1b2c3d4e5f6` })

export const NoteIdSchema = prefixed('note')
export const TaskIdSchema = prefixed('task')

/** The record a timeline belongs to: a registered record type and that record's id. */
export const RecordRefParamsSchema = z.object({
  recordType: z
    .string()
    .regex(/^[a-z][a-z_]{1,30}$/, 'must be a record type such as client')
    .describe('The record type, such as `client`.'),
  recordId: z
    .string()
    .regex(/^[a-z]{2,8}_[0-9a-f]{32}$/, 'must be a record id such as cli_…')
    .describe('The id of the record.'),
})

const PersonSchema = z.object({ id: IdSchema, name: z.string() }).meta({ id: 'TimelinePerson' })

export const CreateNoteSchema = z
  .object({
    body: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(20000, 'must be at most 20000 characters')
      .describe('Markdown.'),
  })
  .strict()
export const UpdateNoteSchema = CreateNoteSchema

export const NoteSchema = z
  .object({
    id: NoteIdSchema,
    recordType: z.string(),
    recordId: z.string(),
    body: z.string().describe('Markdown.'),
    author: PersonSchema.nullable(),
    /** What the caller may do with this note. */
    canEdit: z.boolean(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
    editedAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'Note' })

const dueAt = DateTimeInputSchema.describe('When the task is due; its assignee gets a reminder email then.')

export const CreateTaskSchema = z
  .object({
    title: z.string().trim().min(1, 'is required').max(300, 'must be at most 300 characters'),
    dueAt: dueAt.nullish(),
    assigneeId: IdSchema.nullish().describe('A member of the workspace; none leaves the task unassigned.'),
  })
  .strict()

export const UpdateTaskSchema = z
  .object({
    title: CreateTaskSchema.shape.title,
    dueAt: dueAt.nullable(),
    assigneeId: IdSchema.nullable(),
    done: z.boolean().describe('Marks the task done (true) or open again (false).'),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' })

export const TaskSchema = z
  .object({
    id: TaskIdSchema,
    recordType: z.string(),
    recordId: z.string(),
    recordLabel: z.string().nullable().describe('The record’s name, when the caller may see it.'),
    title: z.string(),
    dueAt: TimestampSchema.nullable(),
    assignee: PersonSchema.nullable(),
    done: z.boolean(),
    doneAt: TimestampSchema.nullable(),
    createdBy: PersonSchema.nullable(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'Task' })

export const ActivitySchema = z
  .object({
    id: z.string(),
    action: z.string().describe('The audited action, such as `client.updated`.'),
    actor: PersonSchema.nullable(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'TimelineActivity' })

export const TimelineEntrySchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('note'), at: TimestampSchema, note: NoteSchema }),
    z.object({ kind: z.literal('task'), at: TimestampSchema, task: TaskSchema }),
    z.object({ kind: z.literal('activity'), at: TimestampSchema, activity: ActivitySchema }),
  ])
  .meta({ id: 'TimelineEntry' })

export const TimelinePageSchema = z
  .object({
    data: z.array(TimelineEntrySchema),
    nextCursor: z.string().nullable(),
    people: z
      .record(z.string(), z.string())
      .describe('Names of the members whose ids appear in the activity (before/after), by id.'),
  })
  .meta({ id: 'TimelinePage' })

export const TaskListQuerySchema = z.object({
  assignee: z
    .union([z.literal('me'), IdSchema])
    .default('me')
    .describe('`me` or a member id (owners and admins only for someone else).'),
  status: z.enum(['open', 'done', 'all']).default('open'),
  dueBefore: DateTimeInputSchema.optional().describe('Only tasks due before this time.'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size (1–200).'),
  cursor: z.string().max(200).optional().describe('The `nextCursor` of the previous page.'),
})

export type Note = z.infer<typeof NoteSchema>
export type Task = z.infer<typeof TaskSchema>
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>
export type TimelinePage = z.infer<typeof TimelinePageSchema>
