import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { eq, inArray } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Config } from '../../config.ts'
import { newId } from '../db/ids.ts'
import type { Tx } from '../db/index.ts'
import { entitlements, quotaExceeded } from '../entitlements/index.ts'
import type { ServiceContext } from '../http/context.ts'
import { problems } from '../http/problem.ts'
import { withWorkspace } from '../tenancy/index.ts'
import type { ByteRange, StorageDriver } from './driver.ts'
import { Inspector, tooLarge } from './inspect.ts'
import { localDriver } from './local.ts'
import { DEFAULT_ALLOWED_TYPES, withoutControls } from './media-types.ts'
import { s3Driver } from './s3.ts'
import { files, type StoredFile } from './schema.ts'
import { type SignatureCheck, sign, signingKey, verify } from './signing.ts'

export { ObjectMissing } from './driver.ts'
export { sendStoredFile } from './http.ts'
export { files, type StoredFile } from './schema.ts'
export type { ByteRange, StorageDriver }

/** What one upload may be: its largest size and its accepted media types. */
export type UploadLimits = { maxBytes: number; allowedTypes: readonly string[] }

/**
 * Decides a workspace's upload limits from the configured defaults: the billing module's plan
 * entitlements plug in here (`storage.setLimits`), and may only narrow what config allows.
 */
export type LimitsProvider = (ctx: { workspaceId: string }, defaults: UploadLimits) => Promise<UploadLimits>

export type UploadInput = {
  /** The file's bytes, read once, as they arrive. */
  body: Readable
  /** Its name as the user gave it (the storage piece keeps a safe version of it). */
  name: string
  /** The size the sender announced (`Content-Length`), refused at once when over the limit. */
  declaredSize?: number
  /** The record the file belongs to, for modules that attach files (`message`, `msg_…`). */
  record?: { type: string; id: string }
}

/** Longest link lifetime `signedUrl` will mint. */
export const MAX_SIGNED_SECONDS = 24 * 3600

/**
 * Attaches files to a record as it is written (a message, later a ticket reply or a document): each
 * must be an upload of `ownerId` that belongs to no record yet; otherwise nothing is attached and the
 * answer is a 400 naming `field`. Returns the files, in the transaction's lock.
 */
export async function attachUploads(
  tx: Tx,
  opts: { ids: readonly string[]; ownerId: string; recordType: string; recordId: string; field: string },
): Promise<StoredFile[]> {
  const ids = [...new Set(opts.ids)]
  if (!ids.length) return []
  const found = await tx.select().from(files).where(inArray(files.id, ids)).for('update')
  const usable = found.filter(
    (f) => f.ownerId === opts.ownerId && f.recordType === null && f.recordId === null,
  )
  if (usable.length !== ids.length)
    throw problems.validation([
      { field: opts.field, message: 'must be files you uploaded that belong to no record yet' },
    ])
  await tx
    .update(files)
    .set({ recordType: opts.recordType, recordId: opts.recordId })
    .where(inArray(files.id, ids))
  return usable.map((f) => ({ ...f, recordType: opts.recordType, recordId: opts.recordId }))
}

/**
 * The storage piece: file bytes on a driver (local disk under DATA_DIR/files, or an S3-compatible
 * bucket) and their metadata in the tenant table `files`. Uploads and downloads stream; a file's type
 * is checked on its bytes; limits come from config and, once billing exists, from the workspace's plan.
 */
export class Storage {
  readonly driver: StorageDriver
  private readonly defaults: UploadLimits
  private readonly key: Buffer
  private readonly log: Logger
  private provider: LimitsProvider = async (_ctx, d) => d

  constructor(config: Pick<Config, 'files' | 'dataDir' | 'secretKey'>, log: Logger, driver?: StorageDriver) {
    this.driver =
      driver ?? (config.files.s3 ? s3Driver(config.files.s3) : localDriver(join(config.dataDir, 'files')))
    this.defaults = {
      maxBytes: config.files.maxBytes,
      allowedTypes: config.files.allowedTypes ?? DEFAULT_ALLOWED_TYPES,
    }
    this.key = signingKey(config.secretKey)
    this.log = log
  }

  /** Installs the rule that decides a workspace's limits (plan entitlements). */
  setLimits(provider: LimitsProvider): void {
    this.provider = provider
  }

  /** The limits for an upload into this workspace, never wider than config's. */
  async limits(ctx: { workspaceId: string }): Promise<UploadLimits> {
    const l = await this.provider(ctx, this.defaults)
    return {
      maxBytes: Math.min(l.maxBytes, this.defaults.maxBytes),
      allowedTypes: l.allowedTypes.filter((t) => this.defaults.allowedTypes.includes(t)),
    }
  }

  /**
   * Streams a file to the driver, checking type, size and hash on the way, then records it in the
   * workspace. `then` runs in the same transaction as the row's insert (audit, attaching it to a
   * record); if anything fails, the stored bytes are removed.
   */
  async upload(
    ctx: ServiceContext,
    input: UploadInput,
    then?: (tx: Tx, file: StoredFile) => Promise<void>,
  ): Promise<StoredFile> {
    const limits = await this.limits(ctx)
    if (input.declaredSize !== undefined && input.declaredSize > limits.maxBytes)
      throw tooLarge(limits.maxBytes)
    // The plan's storage: what is left is checked against the declared size at once, caps the stream
    // as it arrives, and is checked again under the meter's lock as the row is written.
    const quota = await storageLeft(ctx)
    if (quota && input.declaredSize !== undefined && input.declaredSize > quota.left)
      throw quotaExceeded('storageBytes', quota.allowed, quota.used, input.declaredSize)
    const cap = quota ? Math.min(limits.maxBytes, quota.left) : limits.maxBytes
    const name = safeName(input.name)
    const id = newId('file')
    const storageKey = `${ctx.workspaceId}/${id}`
    const inspector = new Inspector(name, cap, limits.allowedTypes)
    const source = input.body
    const relay = (err: Error) => inspector.destroy(err)
    source.on('error', relay)
    inspector.on('error', () => source.unpipe(inspector))
    source.pipe(inspector)
    try {
      // The type is decided before the driver sees a byte; a refused file stores nothing.
      await this.driver.write(storageKey, inspector, { contentType: 'application/octet-stream' })
    } catch (err) {
      source.unpipe(inspector)
      const failed = inspector.errored ?? err
      if (
        quota &&
        cap < limits.maxBytes &&
        failed instanceof Error &&
        (failed as { status?: number }).status === 413
      )
        throw quotaExceeded('storageBytes', quota.allowed, quota.used, cap + 1)
      throw failed
    } finally {
      source.off('error', relay)
    }
    const seen = inspector.result!
    try {
      return await withWorkspace(ctx, async (tx) => {
        await entitlements.assertWithin(tx, ctx.workspaceId, 'storageBytes', seen.size)
        const [row] = await tx
          .insert(files)
          .values({
            id,
            workspaceId: ctx.workspaceId,
            name,
            contentType: seen.type,
            size: seen.size,
            sha256: seen.sha256,
            storageKey,
            ownerId: ctx.actor.userId,
            recordType: input.record?.type ?? null,
            recordId: input.record?.id ?? null,
          })
          .returning()
        await then?.(tx, row!)
        return row!
      })
    } catch (err) {
      await this.forget(storageKey)
      throw err
    }
  }

  /** A file's metadata in the caller's workspace transaction (row-level security applies), or null. */
  async find(tx: Tx, id: string): Promise<StoredFile | null> {
    const [row] = await tx.select().from(files).where(eq(files.id, id))
    return row ?? null
  }

  /** The file's bytes, or `range` of them. */
  open(file: Pick<StoredFile, 'storageKey'>, range?: ByteRange): Promise<Readable> {
    return this.driver.read(file.storageKey, range)
  }

  /**
   * Deletes a file's row inside the caller's transaction; the bytes go once `tx` commits — call
   * `removeBytes` after it (a crash in between leaves bytes without a row, never a row without bytes).
   */
  async deleteRow(tx: Tx, file: StoredFile): Promise<void> {
    await tx.delete(files).where(eq(files.id, file.id))
  }

  async removeBytes(file: Pick<StoredFile, 'storageKey'>): Promise<void> {
    await this.forget(file.storageKey)
  }

  /** Query parameters of a link that opens this file for `seconds` without a session. */
  signedParams(file: Pick<StoredFile, 'id' | 'workspaceId'>, seconds: number, now = Date.now()) {
    const expires = Math.floor(now / 1000) + Math.min(Math.max(1, Math.floor(seconds)), MAX_SIGNED_SECONDS)
    const signature = sign(this.key, { workspaceId: file.workspaceId, fileId: file.id, expires })
    return { workspaceId: file.workspaceId, expires, signature }
  }

  checkSignature(p: {
    workspaceId: string
    fileId: string
    expires: number
    signature: string
  }): SignatureCheck {
    return verify(this.key, p, p.signature)
  }

  async close(): Promise<void> {
    await this.driver.close?.()
  }

  private async forget(storageKey: string): Promise<void> {
    await this.driver.remove(storageKey).catch((err: unknown) => {
      this.log.warn({ err: String(err), storageKey }, 'could not remove stored bytes')
    })
  }
}

/** The plan's storage left to a workspace, or null when unlimited. */
async function storageLeft(ctx: ServiceContext) {
  const { limits } = await entitlements.resolve(ctx.db, ctx.workspaceId)
  const allowed = limits.storageBytes
  const meter = entitlements.meter('storageBytes')
  if (allowed === null || !meter) return null
  const used = await withWorkspace(ctx, (tx) => meter.count(tx, ctx.workspaceId))
  return { allowed, used, left: Math.max(0, allowed - used) }
}

/** A file name safe to keep and to send back: its last path part, without control characters. */
export function safeName(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? ''
  const clean = withoutControls(last).trim().slice(0, 255)
  return clean && clean !== '.' && clean !== '..' ? clean : 'file'
}

const instances = new WeakMap<object, Storage>()

/**
 * The process's storage for a kernel, made on first use: modules that store files (files, messaging,
 * documents, portal) share it.
 */
export function storageOf(kernel: { config: Config; log: Logger }): Storage {
  let s = instances.get(kernel)
  if (!s) {
    s = new Storage(kernel.config, kernel.log.child({ component: 'storage' }))
    instances.set(kernel, s)
  }
  return s
}
