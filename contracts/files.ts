import { z } from 'zod'
import { IdSchema, pageSchema, TimestampSchema } from './common.ts'
import type { PermissionDefaults, PermissionsOf } from './permissions.ts'

/**
 * Stored files. `files:manage` sees and deletes every file of the workspace; others see the files
 * they uploaded and the files of records they may see.
 */
export const filesPermissions = {
  'files:read': ['owner', 'admin', 'member'],
  'files:write': ['owner', 'admin', 'member'],
  'files:manage': ['owner', 'admin'],
} as const satisfies PermissionDefaults

declare module './permissions.ts' {
  interface PermissionMap extends PermissionsOf<typeof filesPermissions> {}
}

export const FileIdSchema = z
  .string()
  .regex(/^file_[0-9a-f]{32}$/, 'must be an id starting with file_')
  .meta({ example: 'file_01937a5e6c1b7d2e8f90a1b2c3d4e5f6' })

const RecordTypeSchema = z
  .string()
  .regex(/^[a-z][a-z_]{1,30}$/, 'must be a record type such as client')
  .describe('The type of record the file belongs to, such as `client`.')
const RecordIdSchema = z
  .string()
  .regex(/^[a-z]{2,8}_[0-9a-f]{32}$/, 'must be a record id such as cli_…')
  .describe('The id of that record.')

const bothOrNeither = (q: { recordType?: string; recordId?: string }) => !q.recordType === !q.recordId
const bothOrNeitherError = { message: 'recordType and recordId go together', path: ['recordId'] }

export const UploadQuerySchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(255, 'must be at most 255 characters')
      .describe('The file name, with its extension: the content must be what the extension says.'),
    recordType: RecordTypeSchema.optional(),
    recordId: RecordIdSchema.optional(),
  })
  .refine(bothOrNeither, bothOrNeitherError)

export const FileListQuerySchema = z
  .object({
    recordType: RecordTypeSchema.optional(),
    recordId: RecordIdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size (1–200).'),
    cursor: z.string().max(200).optional().describe('The `nextCursor` of the previous page.'),
  })
  .refine(bothOrNeither, bothOrNeitherError)

export const FileSchema = z
  .object({
    id: FileIdSchema,
    name: z.string(),
    contentType: z.string().describe('The media type, decided from the file’s content.'),
    size: z.number().int().describe('Bytes.'),
    sha256: z.string().describe('Hex SHA-256 of the content (also the download’s ETag).'),
    ownerId: IdSchema.nullable().describe('Who uploaded it.'),
    recordType: z.string().nullable(),
    recordId: z.string().nullable(),
    canDelete: z.boolean(),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'File' })

export const FilePageSchema = pageSchema(FileSchema)

const DispositionSchema = z
  .enum(['attachment', 'inline'])
  .default('attachment')
  .describe('`inline` shows images, PDF, audio and video in the browser; other types always download.')

export const DownloadQuerySchema = z.object({ disposition: DispositionSchema })

export const SignedUrlRequestSchema = z
  .object({
    expiresInSeconds: z
      .number()
      .int()
      .min(10)
      .max(86_400)
      .default(300)
      .describe('How long the link works (10 s – 24 h).'),
    disposition: DispositionSchema,
  })
  .strict()

export const SignedUrlSchema = z
  .object({
    url: z.string().describe('Opens the file without a session until it expires.'),
    expiresAt: TimestampSchema,
  })
  .meta({ id: 'FileSignedUrl' })

export const SignedDownloadQuerySchema = z.object({
  workspaceId: IdSchema,
  expires: z.coerce.number().int().min(0).max(99_999_999_999).describe('Unix time (seconds).'),
  signature: z.string().min(1).max(100),
  disposition: DispositionSchema,
})
