import type { Readable } from 'node:stream'
import { and, desc, eq, isNull, lt, or, type SQL } from 'drizzle-orm'
import type { z } from 'zod'
import type { FileListQuerySchema, FileSchema } from '../../../../contracts/files.ts'
import { assertCan, can } from '../../kernel/access/index.ts'
import { record } from '../../kernel/audit/index.ts'
import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'
import { decodeCursor, page } from '../../kernel/http/pagination.ts'
import { problems } from '../../kernel/http/problem.ts'
import { files, type Storage, type StoredFile } from '../../kernel/storage/index.ts'
import { withWorkspace } from '../../kernel/tenancy/index.ts'
import { type FileRecordType, fileRecordType } from './record-types.ts'

type FileOut = z.output<typeof FileSchema>
type RecordRef = { type: string; id: string }

/**
 * Who may delete a file: one without a record, its uploader and `files:manage`; one attached to a
 * record, the same people only while they may change that record (`recordWritable`).
 */
const mayDelete = (ctx: ServiceContext, f: StoredFile, recordWritable: boolean) =>
  (f.recordId === null || recordWritable) &&
  (can(ctx.actor, 'files:manage') || (f.ownerId === ctx.actor.userId && can(ctx.actor, 'files:write')))

export function serialize(ctx: ServiceContext, f: StoredFile, recordWritable = false): FileOut {
  return {
    id: f.id,
    name: f.name,
    contentType: f.contentType,
    size: f.size,
    sha256: f.sha256,
    ownerId: f.ownerId,
    recordType: f.recordType,
    recordId: f.recordId,
    canDelete: mayDelete(ctx, f, recordWritable),
    createdAt: f.createdAt.toISOString(),
  }
}

/** 404 unless the actor may see this record (its type registered, the record visible to them). */
async function assertRecordVisible(tx: Tx, ctx: ServiceContext, ref: RecordRef): Promise<FileRecordType> {
  const def = fileRecordType(ref.type)
  if (!def || !(await def.visible(tx, ctx, [ref.id])).has(ref.id)) throw problems.notFound('Record')
  return def
}

/** Whether the actor may change the record (attach files to it, remove them), by its module's rule. */
async function recordWritable(tx: Tx, ctx: ServiceContext, ref: RecordRef): Promise<boolean> {
  const def = fileRecordType(ref.type)
  return !!def && (await def.writable(tx, ctx, [ref.id])).has(ref.id)
}

/** 404 when the actor may not see the record, 403 when they see it but may not change it. */
async function assertRecordWritable(tx: Tx, ctx: ServiceContext, ref: RecordRef): Promise<FileRecordType> {
  const def = await assertRecordVisible(tx, ctx, ref)
  if (!(await def.writable(tx, ctx, [ref.id])).has(ref.id))
    throw problems.forbidden('You may not change this record, so you may not attach files to it.', 'recordId')
  return def
}

const refOf = (f: StoredFile): RecordRef | null =>
  f.recordType !== null && f.recordId !== null ? { type: f.recordType, id: f.recordId } : null

/**
 * Whether the actor sees this file here: a record's files with the record; a file without a record by
 * whoever uploaded it, and by `files:manage`.
 */
async function visible(tx: Tx, ctx: ServiceContext, f: StoredFile): Promise<boolean> {
  const ref = refOf(f)
  if (!ref) return f.ownerId === ctx.actor.userId || can(ctx.actor, 'files:manage')
  const def = fileRecordType(ref.type)
  return !!def && (await def.visible(tx, ctx, [ref.id])).has(ref.id)
}

async function load(tx: Tx, storage: Storage, ctx: ServiceContext, id: string): Promise<StoredFile> {
  const f = await storage.find(tx, id)
  if (!f || !(await visible(tx, ctx, f))) throw problems.notFound('File')
  return f
}

export async function uploadFile(
  storage: Storage,
  ctx: ServiceContext,
  body: Readable,
  input: { name: string; recordType?: string; recordId?: string; declaredSize?: number },
): Promise<FileOut> {
  assertCan(ctx.actor, 'files:write')
  const ref = input.recordType && input.recordId ? { type: input.recordType, id: input.recordId } : undefined
  // Refused before a byte is stored, and checked again in the row's transaction: the record may have
  // changed (deleted, archived, the actor removed) while a large file streamed in.
  if (ref) await withWorkspace(ctx, (tx) => assertRecordWritable(tx, ctx, ref))
  const f = await storage.upload(
    ctx,
    { body, name: input.name, record: ref, declaredSize: input.declaredSize },
    async (tx, f) => {
      const def = ref ? await assertRecordWritable(tx, ctx, ref) : undefined
      await record(tx, ctx.workspaceId, ctx.meta, {
        action: 'file.uploaded',
        targetType: 'file',
        targetId: f.id,
        targetLabel: f.name,
        after: {
          name: f.name,
          contentType: f.contentType,
          size: f.size,
          sha256: f.sha256,
          recordType: f.recordType,
          recordId: f.recordId,
        },
      })
      if (ref) await def?.filesChanged?.(tx, ctx, ref.id)
    },
  )
  return serialize(ctx, f, !!ref)
}

export async function listFiles(
  ctx: ServiceContext,
  q: z.output<typeof FileListQuerySchema>,
): Promise<{ data: FileOut[]; nextCursor: string | null }> {
  assertCan(ctx.actor, 'files:read')
  const cursor = decodeCursor(q.cursor)
  return withWorkspace(ctx, async (tx) => {
    const where: (SQL | undefined)[] = []
    let writable = false
    if (q.recordType && q.recordId) {
      const ref = { type: q.recordType, id: q.recordId }
      await assertRecordVisible(tx, ctx, ref)
      writable = await recordWritable(tx, ctx, ref)
      where.push(eq(files.recordType, q.recordType), eq(files.recordId, q.recordId))
    } else {
      where.push(isNull(files.recordType))
      if (!can(ctx.actor, 'files:manage')) where.push(eq(files.ownerId, ctx.actor.userId))
    }
    if (cursor) {
      const t = new Date(cursor.t)
      where.push(or(lt(files.createdAt, t), and(eq(files.createdAt, t), lt(files.id, cursor.id))))
    }
    const rows = await tx
      .select()
      .from(files)
      .where(and(...where))
      .orderBy(desc(files.createdAt), desc(files.id))
      .limit(q.limit + 1)
    const p = page(rows, q.limit)
    return { data: p.data.map((f) => serialize(ctx, f, writable)), nextCursor: p.nextCursor }
  })
}

export async function getFile(storage: Storage, ctx: ServiceContext, id: string): Promise<StoredFile> {
  assertCan(ctx.actor, 'files:read')
  return withWorkspace(ctx, (tx) => load(tx, storage, ctx, id))
}

/** A file's metadata as the actor sees it (with whether they may delete it). */
export async function getFileOut(storage: Storage, ctx: ServiceContext, id: string): Promise<FileOut> {
  assertCan(ctx.actor, 'files:read')
  return withWorkspace(ctx, async (tx) => {
    const f = await load(tx, storage, ctx, id)
    const ref = refOf(f)
    return serialize(ctx, f, ref ? await recordWritable(tx, ctx, ref) : false)
  })
}

export async function deleteFile(storage: Storage, ctx: ServiceContext, id: string): Promise<void> {
  assertCan(ctx.actor, 'files:write')
  const f = await withWorkspace(ctx, async (tx) => {
    const f = await load(tx, storage, ctx, id)
    const ref = refOf(f)
    const writable = ref ? await recordWritable(tx, ctx, ref) : false
    if (ref && !writable)
      throw problems.forbidden(
        'You may not change the record this file belongs to, so you may not remove it.',
      )
    if (!mayDelete(ctx, f, writable))
      throw problems.forbidden('Only the uploader or an admin can delete this file.')
    await storage.deleteRow(tx, f)
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'file.deleted',
      targetType: 'file',
      targetId: f.id,
      targetLabel: f.name,
      before: {
        name: f.name,
        contentType: f.contentType,
        size: f.size,
        sha256: f.sha256,
        recordType: f.recordType,
        recordId: f.recordId,
      },
    })
    if (ref) await fileRecordType(ref.type)?.filesChanged?.(tx, ctx, ref.id)
    return f
  })
  await storage.removeBytes(f)
}

/** A link that opens the file without a session until it expires; audited, as it hands the file out. */
export async function signedUrl(
  storage: Storage,
  ctx: ServiceContext,
  appUrl: string,
  id: string,
  input: { expiresInSeconds: number; disposition: 'inline' | 'attachment' },
): Promise<{ url: string; expiresAt: string }> {
  assertCan(ctx.actor, 'files:read')
  return withWorkspace(ctx, async (tx) => {
    const f = await load(tx, storage, ctx, id)
    const p = storage.signedParams(f, input.expiresInSeconds)
    const expiresAt = new Date(p.expires * 1000).toISOString()
    await record(tx, ctx.workspaceId, ctx.meta, {
      action: 'file.link_created',
      targetType: 'file',
      targetId: f.id,
      targetLabel: f.name,
      after: { expiresAt },
    })
    const qs = new URLSearchParams({
      workspaceId: p.workspaceId,
      expires: String(p.expires),
      signature: p.signature,
      ...(input.disposition === 'inline' ? { disposition: 'inline' } : {}),
    })
    return { url: `${appUrl}/api/v1/files/${f.id}/download?${qs}`, expiresAt }
  })
}

/** The file a signed link names, when the signature holds and has not expired. */
export async function fileBySignature(
  storage: Storage,
  db: ServiceContext['db'],
  p: { fileId: string; workspaceId: string; expires: number; signature: string },
): Promise<StoredFile> {
  const check = storage.checkSignature(p)
  if (check === 'invalid') throw problems.forbidden('The link is not valid.', 'signature')
  if (check === 'expired') throw problems.gone('The link has expired; ask for a new one.')
  const f = await withWorkspace({ db, workspaceId: p.workspaceId }, (tx) => storage.find(tx, p.fileId))
  if (!f) throw problems.notFound('File')
  return f
}
