import { sql } from 'drizzle-orm'
import type { Db } from '../db/index.ts'

export type MemberRef = { id: string; name: string; email: string }

type Entry = { until: number; refs: Map<string, MemberRef> }

/**
 * The people of a workspace (id, name, email), for showing owners and assignees without a lookup per
 * row. Kept per workspace for `ttlMs` on this node, like the session cache (`SESSION_CACHE_MS`), and
 * emptied by every request that may change state (`forgetMembers`, called by the auth hook), so a
 * renamed, added or removed member shows on this node's next request and on others within `ttlMs`.
 */
const cache = new Map<string, Entry>()
let ttlMs = 1000

export function setMemberCacheMs(ms: number): void {
  ttlMs = ms
  cache.clear()
}

export function forgetMembers(): void {
  cache.clear()
}

async function loadMembers(db: Db, workspaceId: string): Promise<Map<string, MemberRef>> {
  const r = await db.execute(sql`select u.id, u.name, u.email from memberships m
    join users u on u.id = m.user_id where m.workspace_id = ${workspaceId}`)
  return new Map((r.rows as MemberRef[]).map((u) => [u.id, { id: u.id, name: u.name, email: u.email }]))
}

/**
 * The references of these user ids: the workspace's members from the cache, anyone else (a former
 * member still named as an owner) read from `users`. Unknown ids are left out.
 */
export async function memberRefs(
  db: Db,
  workspaceId: string,
  ids: Iterable<string>,
): Promise<Map<string, MemberRef>> {
  const now = performance.now()
  let entry = cache.get(workspaceId)
  if (!entry || entry.until <= now) {
    const refs = await loadMembers(db, workspaceId)
    entry = { until: now + ttlMs, refs }
    if (ttlMs > 0) {
      if (cache.size >= 10_000) cache.clear()
      cache.set(workspaceId, entry)
    }
  }
  const missing = [...new Set(ids)].filter((id) => !entry.refs.has(id))
  if (!missing.length) return entry.refs
  const r = await db.execute(
    sql`select id, name, email from users where id in (${sql.join(
      missing.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`,
  )
  const refs = new Map(entry.refs)
  for (const u of r.rows as MemberRef[]) refs.set(u.id, { id: u.id, name: u.name, email: u.email })
  return refs
}
