import type { Readable } from 'node:stream'

/** A byte range, both ends included (as in an HTTP `Range` header). */
export type ByteRange = { start: number; end: number }

/**
 * Where file bytes live. Keys are made by the storage piece (`<workspace>/<file id>`), never by users.
 * `write` consumes the stream to its end and resolves once the object is complete and durable; if the
 * stream fails, nothing stays under the key.
 */
export interface StorageDriver {
  readonly kind: 'local' | 's3'
  write(key: string, body: Readable, opts: { contentType: string }): Promise<void>
  /** The object's bytes, or only `range` of them; rejects with `ObjectMissing` when the key has none. */
  read(key: string, range?: ByteRange): Promise<Readable>
  /** Removes the object; a missing key is not an error. */
  remove(key: string): Promise<void>
  close?(): Promise<void>
}

export class ObjectMissing extends Error {
  constructor(key: string) {
    super(`no stored object under ${key}`)
  }
}

const KEY = /^[0-9a-f-]{36}\/[a-z]{2,6}_[0-9a-f]{32}$/

/** Storage keys are `<workspace uuid>/<file id>`: nothing a path could escape with. */
export function assertKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`not a storage key: ${key}`)
}
