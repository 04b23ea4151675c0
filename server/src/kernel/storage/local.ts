import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { assertKey, type ByteRange, ObjectMissing, type StorageDriver } from './driver.ts'

/**
 * Files on local disk under `root` (`DATA_DIR/files`). A file is written to a temporary name beside
 * its final one and renamed when complete, so a failed or aborted upload never leaves a partial object.
 */
export function localDriver(root: string): StorageDriver {
  const pathOf = (key: string) => {
    assertKey(key)
    return join(root, key)
  }
  return {
    kind: 'local',
    async write(key, body) {
      const path = pathOf(key)
      await mkdir(dirname(path), { recursive: true })
      const part = `${path}.part-${randomBytes(6).toString('hex')}`
      try {
        await pipeline(body, createWriteStream(part, { flags: 'wx', mode: 0o600 }))
        await rename(part, path)
      } catch (err) {
        await rm(part, { force: true })
        throw err
      }
    },
    async read(key, range?: ByteRange): Promise<Readable> {
      const path = pathOf(key)
      try {
        await stat(path)
      } catch {
        throw new ObjectMissing(key)
      }
      return createReadStream(path, range ? { start: range.start, end: range.end } : {})
    },
    async remove(key) {
      await rm(pathOf(key), { force: true })
    },
  }
}
