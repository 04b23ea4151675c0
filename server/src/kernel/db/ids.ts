import { v7 as uuidv7 } from 'uuid'

/**
 * A new type-prefixed id (`cli_…`, `inv_…`): the prefix tells a human what the id names, the 32 hex
 * digits are a UUIDv7, so ids sort by creation time and index well.
 */
export function newId(prefix: string): string {
  return `${prefix}_${uuidv7().replaceAll('-', '')}`
}

const PREFIX = /^[a-z]{2,6}$/

/**
 * The one registry of id prefixes, built at start-up from what each module declares (`cli` → client).
 * A prefix claimed twice, or malformed, stops the start.
 */
export function idPrefixRegistry(
  declared: { module: string; prefixes: Readonly<Record<string, string>> }[],
): ReadonlyMap<string, { module: string; names: string }> {
  const registry = new Map<string, { module: string; names: string }>()
  for (const { module, prefixes } of declared)
    for (const [prefix, names] of Object.entries(prefixes)) {
      if (!PREFIX.test(prefix))
        throw new Error(`id prefix "${prefix}" of ${module} must be 2–6 lowercase letters`)
      const taken = registry.get(prefix)
      if (taken)
        throw new Error(
          `id prefix "${prefix}" is declared by both ${taken.module} (${taken.names}) and ${module} (${names})`,
        )
      registry.set(prefix, { module, names })
    }
  return registry
}
