import { randomFillSync } from 'node:crypto'
import { v7 as uuidv7 } from 'uuid'

/** Random bytes drawn 4 KiB at a time: one system call per 256 ids, not one per id. */
const pool = Buffer.allocUnsafe(4096)
let taken = pool.length
function random16(): Uint8Array {
  if (taken === pool.length) {
    randomFillSync(pool)
    taken = 0
  }
  taken += 16
  return pool.subarray(taken - 16, taken)
}

/**
 * The clock and counter of the ids made by this process (RFC 9562, a counter in the random bits):
 * ids made in the same millisecond count up from a random start, so they still sort in creation order.
 */
const clock = { msecs: Number.NEGATIVE_INFINITY, seq: 0 }

/**
 * A new type-prefixed id (`cli_…`, `inv_…`): the prefix tells a human what the id names, the 32 hex
 * digits are a UUIDv7, so ids sort by creation time and index well.
 */
export function newId(prefix: string): string {
  const random = random16()
  const now = Date.now()
  if (now > clock.msecs) {
    clock.msecs = now
    clock.seq = (((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!) >>> 0
  } else {
    clock.seq = (clock.seq + 1) | 0
    if (clock.seq === 0) clock.msecs++
  }
  return `${prefix}_${uuidv7({ random, msecs: clock.msecs, seq: clock.seq }).replaceAll('-', '')}`
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
