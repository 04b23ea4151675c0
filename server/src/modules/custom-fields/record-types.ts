import type { Permission } from '../../../../contracts/permissions.ts'
import type { Tx } from '../../kernel/db/index.ts'
import { problems } from '../../kernel/http/problem.ts'

/** What custom fields need to know of a record type that has them (clients, later invoices, tickets). */
export type CustomFieldRecordType = {
  /** The `recordType` of the API and the `entity` of the rows, such as `client`. */
  type: string
  /** Who may read the fields of this record type (defining them takes `custom_fields:write`). */
  readPermission: Permission
  /**
   * Removes a deleted field's values from every record of the type, and from its search index, in the
   * caller's workspace transaction.
   */
  removeValues(tx: Tx, key: string): Promise<void>
}

const registry = new Map<string, CustomFieldRecordType>()

/** Gives a record type custom fields. Registering the same type again replaces it. */
export function registerCustomFieldRecordType(def: CustomFieldRecordType): void {
  registry.set(def.type, def)
}

/** The record type, or 400 naming `recordType` when no module registered it. */
export function customFieldRecordType(type: string): CustomFieldRecordType {
  const def = registry.get(type)
  if (!def) throw problems.badRequest(`"${type}" has no custom fields.`, 'recordType')
  return def
}
