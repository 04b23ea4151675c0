import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'

type Who = Pick<ServiceContext, 'actor' | 'workspaceId'>

/**
 * A record type whose records may hold files through `/api/v1/files` (`?recordType=…&recordId=…`),
 * declared by the module that owns the records. Reading a record's files follows `visible`; attaching
 * files to it and removing them follows `writable` — seeing a record never lets anyone change it. Files
 * a module attaches under a type it does not register here are served only by that module's own routes.
 */
export type FileRecordType = {
  type: string
  /**
   * Which of `ids` the actor may see (and so read their files), inside the caller's workspace
   * transaction; records that do not exist are left out too.
   */
  visible(tx: Tx, ctx: Who, ids: string[]): Promise<Set<string>>
  /**
   * Which of `ids` the actor may change, by the owning module's own write rule (attach files to them,
   * remove files from them); a subset of `visible`. Return an empty set when files reach this type of
   * record only through the module's own routes.
   */
  writable(tx: Tx, ctx: Who, ids: string[]): Promise<Set<string>>
  /**
   * Runs in the transaction that attached a file to the record or removed one from it through
   * `/api/v1/files`, so the owning module keeps what it derives from its files (flags, search, realtime).
   */
  filesChanged?(tx: Tx, ctx: Who, recordId: string): Promise<void>
}

const registry = new Map<string, FileRecordType>()

/** Lets a record type hold files. Registering the same type again replaces it. */
export function registerFileRecordType(def: FileRecordType): void {
  registry.set(def.type, def)
}

export function fileRecordType(type: string): FileRecordType | undefined {
  return registry.get(type)
}
