import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assembleModules } from '../src/kernel/module.ts'
import { modules } from '../src/modules/index.ts'
import { type Client, createTestApp, joinWorkspace, type TestApp, type TestUser } from './harness.ts'
import {
  collectIds,
  createOneOfEach,
  fieldsOf,
  fillPath,
  idKind,
  type JsonSchema,
  type Operation,
  pathIds,
  routeTable,
  sample,
  withQuery,
} from './route-table.ts'

/**
 * Generated from the app's route table: every /api/v1 operation that takes an id is called
 * anonymously and as each role of workspace A, with workspace B's real ids in the path, the query
 * and the body. Nothing of B may come back in a 2xx, nothing in B may change, and nothing is a 5xx.
 */
let t: TestApp
let table: ReturnType<typeof routeTable>
let A: { owner: TestUser; admin: TestUser; member: TestUser }
let B: { owner: TestUser; member: TestUser; workspaceId: string }
/** B's ids by kind (`cli`, `con`, `uuid`...). */
const bIds = new Map<string, string[]>()
const MARK = 'Bravo Confidential'

const isIdName = (name: string) => /(^id$|Id$|Ids$|^ids$|^owner$|^assignee$)/.test(name)

/** Every GET's answer, as B's owner sees it, with B's real ids in the path. */
async function snapshotB(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  // The signed-in user's own pages and the development inbox belong to no workspace.
  const global = /^\/api\/v1\/(me|dev)(\/|$)/
  for (const op of table.ops.filter((o) => o.method === 'GET' && !global.test(o.path))) {
    const known = await pathIds(B.owner.client, table, op, bIds.get('cli')?.[0] ?? null)
    if (!known) continue
    const url = fillPath(op.path, known)
    const res = await B.owner.client.get(url)
    // B's own reads count as its API calls: that figure moves with this very snapshot.
    out[url] =
      res.statusCode === 200
        ? res.body.replace(/("apiCallsPerMonth":\{"used":)\d+/g, '$1"counted"')
        : res.statusCode
  }
  return out
}

beforeAll(async () => {
  t = await createTestApp()
  table = routeTable(t.app)
  const bOwner = await t.user({ workspace: MARK, name: `${MARK} Owner` })
  B = {
    owner: bOwner,
    member: await joinWorkspace(t, bOwner.workspaceId!, 'member'),
    workspaceId: bOwner.workspaceId!,
  }
  const aOwner = await t.user({ workspace: 'Alpha' })
  A = {
    owner: aOwner,
    admin: await joinWorkspace(t, aOwner.workspaceId!, 'admin'),
    member: await joinWorkspace(t, aOwner.workspaceId!, 'member'),
  }

  // B holds data in every module: each module's seed step, then every creating route once.
  const ctx = {
    db: t.database.db,
    workspaceId: B.workspaceId,
    actor: { userId: B.owner.id, role: 'owner' as const },
    meta: {
      actorId: B.owner.id,
      actorLabel: B.owner.email,
      ipAddress: null,
      userAgent: 'test',
      requestId: null,
    },
  }
  for (const m of assembleModules(modules).modules) await m.seed?.(ctx)
  for (const side of [B.owner.client, A.owner.client]) await createOneOfEach(side, table, MARK)
  await B.owner.client.post('/api/v1/invitations', { email: 'bravo-invitee@example.com', role: 'member' })

  // Every id B's owner can see, by kind.
  const seen = new Set<string>([B.workspaceId, B.owner.id, B.member.id])
  const snapshot = await snapshotB()
  for (const body of Object.values(snapshot)) {
    if (typeof body !== 'string' || !body.startsWith('{')) continue
    collectIds(JSON.parse(body), seen)
  }
  for (const id of seen) {
    const kind = idKind(id)
    bIds.set(kind, [...(bIds.get(kind) ?? []), id])
  }
})
afterAll(() => t?.close())

type Attempt = { method: Operation['method']; url: string; payload?: unknown }

/** The ways an operation can be handed B's ids. */
async function attempts(op: Operation, as: Client): Promise<Attempt[]> {
  const pathParams = op.params.filter((p) => p.in === 'path')
  const idParams = op.params.filter((p) => p.in === 'query' && isIdName(p.name))
  const bodyFields = op.body
    ? Object.entries(fieldsOf(op.body, table.resolve))
        .filter(([name, schema]) => isIdName(name) && looksLikeId(schema))
        .map(([name]) => name)
    : []
  if (!pathParams.length && !idParams.length && !bodyFields.length) return []

  const own = (await pathIds(as, table, op))!
  const theirs = (await pathIds(B.owner.client, table, op))!
  const body = op.body ? (sample(op.body, table.resolve) as Record<string, unknown>) : undefined
  const everyB = [...bIds.values()].map((ids) => ids[0]!)
  const out: Attempt[] = []
  const add = (path: Record<string, string>, query: Record<string, string> = {}, payload = body) =>
    out.push({ method: op.method, url: withQuery(fillPath(op.path, path), query), payload })

  if (pathParams.length) {
    add(theirs)
    // One of B's ids at a time, beside A's own: A's client with B's contact, and so on.
    for (const p of pathParams) {
      add({ ...own, [p.name]: theirs[p.name]! })
      if (!table.resolve(p.schema).enum) for (const id of everyB) add({ ...own, [p.name]: id })
    }
  }
  for (const q of idParams) for (const id of everyB) add(own, { [q.name]: id })
  for (const field of bodyFields) {
    const schema = table.resolve(fieldsOf(op.body!, table.resolve)[field]!)
    const many = schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'))
    for (const id of everyB) add(own, {}, { ...body, [field]: many ? [id] : id })
  }
  return out
}

/** An id field: a UUID or a patterned string (prefixed ids), alone, nullable or in an array. */
function looksLikeId(schema: JsonSchema): boolean {
  const s = table.resolve(schema)
  if (s.format === 'uuid' || s.pattern) return true
  if (s.items) return looksLikeId(s.items)
  return (s.anyOf ?? s.oneOf ?? []).some(looksLikeId)
}

describe("workspace A cannot read or change workspace B's data through any route", () => {
  it('holds B data in every module and finds its ids', () => {
    expect(table.ops.length).toBeGreaterThan(30)
    expect(bIds.get('cli')?.length).toBeGreaterThan(0)
    expect(bIds.get('uuid')?.length).toBeGreaterThan(0)
    expect(bIds.size).toBeGreaterThan(3)
  })

  it('as anonymous, owner, admin and member', async () => {
    const before = await snapshotB()
    const allB = [...bIds.values()].flat()
    const roles: [string, Client][] = [
      ['anonymous', t.client()],
      ['owner', A.owner.client],
      ['admin', A.admin.client],
      ['member', A.member.client],
    ]
    let calls = 0
    let refused = 0
    for (const [role, client] of roles) {
      for (const op of table.ops) {
        if (/^\/api\/v1\/me\/(deletion|sessions\/revoke-others)$/.test(op.path)) continue
        for (const a of await attempts(op, A.owner.client)) {
          const res = await client.request({
            method: a.method,
            url: a.url,
            ...(a.payload !== undefined ? { payload: a.payload as object } : {}),
          })
          calls++
          const label = `${role} ${a.method} ${a.url} ${JSON.stringify(a.payload ?? '').slice(0, 200)}`
          expect(res.statusCode, `${label} → ${res.body.slice(0, 300)}`).toBeLessThan(500)
          if (res.statusCode < 300) {
            const leaked = allB.find((id) => res.body.includes(id)) ?? (res.body.includes(MARK) ? MARK : null)
            expect(leaked, `${label} answered ${res.statusCode} with B's ${leaked}`).toBeNull()
          } else refused++
        }
      }
    }
    expect(calls).toBeGreaterThan(500)
    expect(refused).toBeGreaterThan(calls / 2)
    const after = await snapshotB()
    for (const url of Object.keys(before)) expect(after[url], `B's ${url} changed`).toEqual(before[url])
    // Thousands of calls, more with every route: past the default minute on a loaded machine.
  }, 300_000)
})
