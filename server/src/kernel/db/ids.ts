import { v7 as uuidv7 } from 'uuid'

/**
 * A new type-prefixed id (`cli_…`, `inv_…`): the prefix tells a human what the id names, the 32 hex
 * digits are a UUIDv7, so ids sort by creation time and index well.
 */
export function newId(prefix: string): string {
  return `${prefix}_${uuidv7().replaceAll('-', '')}`
}
