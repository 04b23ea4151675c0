import type { Tx } from '../../kernel/db/index.ts'
import type { ServiceContext } from '../../kernel/http/context.ts'

/**
 * A record type whose records may hold files through `/api/v1/files` (`?recordType=…&recordId=…`).
 * Its files are visible to whoever may see the record. Files a module attaches under a type it does
 * not register here are served only by that module's own routes.
 */
export type FileRecordType = {
  type: string
  /**
   * Which of `ids` the actor may see and attach files to, inside the caller's workspace transaction;
   * records that do not exist are left out too.
   */
  visible(tx: Tx, ctx: Pick<ServiceContext, 'actor' | 'workspaceId'>, ids: string[]): Promise<Set<string>>
}

const registry = new Map<string, FileRecordType>()

/** Lets a record type hold files. Registering the same type again replaces it. */
export function registerFileRecordType(def: FileRecordType): void {
  registry.set(def.type, def)
}

export function fileRecordType(type: string): FileRecordType | undefined {
  return registry.get(type)
}
