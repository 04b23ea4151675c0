import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assembleModules } from '../src/kernel/module.ts'
import { memberships } from '../src/kernel/tenancy/index.ts'
import { modules } from '../src/modules/index.ts'
import { type Client, createTestApp, type TestApp, type TestUser } from './harness.ts'
import {
  collectIds,
  fillPath,
  idKind,
  idsUnder,
  type JsonSchema,
  type Operation,
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

async function join(workspaceId: string, role: 'admin' | 'member'): Promise<TestUser> {
  const user = await t.user({ workspace: false })
  await t.database.db.insert(memberships).values({ workspaceId, userId: user.id, role })
  const res = await user.client.put('/api/v1/me/active-workspace', { workspaceId })
  if (res.statusCode >= 300) throw new Error(`could not switch workspace: ${res.body}`)
  return user
}

const isIdName = (name: string) => /(^id$|Id$|Ids$|^ids$|^owner$|^assignee$)/.test(name)

/** Every GET's answer, as B's owner sees it, with B's real ids in the path. */
async function snapshotB(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  // The signed-in user's own pages and the development inbox belong to no workspace.
  const global = /^\/api\/v1\/(me|dev)(\/|$)/
  for (const op of table.ops.filter((o) => o.method === 'GET' && !global.test(o.path))) {
    const known: Record<string, string> = {}
    let ok = true
    for (const p of op.params.filter((x) => x.in === 'path')) {
      const ids = await idsUnder(B.owner.client, table.ops, op.path, p.name, known)
      const enumValue = table.resolve(p.schema).enum?.[0]
      const value = ids[0] ?? (typeof enumValue === 'string' ? enumValue : bIds.get('cli')?.[0])
      if (!value) ok = false
      else known[p.name] = value
    }
    if (!ok) continue
    const url = fillPath(op.path, known)
    const res = await B.owner.client.get(url)
    out[url] = res.statusCode === 200 ? res.body : res.statusCode
  }
  return out
}

beforeAll(async () => {
  t = await createTestApp()
  table = routeTable(t.app)
  const bOwner = await t.user({ workspace: MARK, name: `${MARK} Owner` })
  B = { owner: bOwner, member: await join(bOwner.workspaceId!, 'member'), workspaceId: bOwner.workspaceId! }
  const aOwner = await t.user({ workspace: 'Alpha' })
  A = {
    owner: aOwner,
    admin: await join(aOwner.workspaceId!, 'admin'),
    member: await join(aOwner.workspaceId!, 'member'),
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
  for (const side of [B.owner.client, A.owner.client]) {
    for (const op of table.ops.filter((o) => o.method === 'POST' && o.body)) {
      if (/invitation-tokens|revoke|transfer|bulk|active-workspace|deletion|workspaces$/.test(op.path))
        continue
      const known: Record<string, string> = {}
      for (const p of op.params.filter((x) => x.in === 'path')) {
        const ids = await idsUnder(side, table.ops, op.path, p.name, known)
        const enumValue = table.resolve(p.schema).enum?.[0]
        known[p.name] = ids[0] ?? (typeof enumValue === 'string' ? enumValue : 'x')
      }
      const body = sample(op.body!, table.resolve) as Record<string, unknown>
      if (typeof body.name === 'string') body.name = `${MARK} ${body.name}`
      await side.request({ method: 'POST', url: fillPath(op.path, known), payload: body })
    }
  }
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
    ? Object.entries(fieldsOf(op.body))
        .filter(([name, schema]) => isIdName(name) && looksLikeId(schema))
        .map(([name]) => name)
    : []
  if (!pathParams.length && !idParams.length && !bodyFields.length) return []

  const own: Record<string, string> = {}
  const theirs: Record<string, string> = {}
  for (const p of pathParams) {
    const enumValue = table.resolve(p.schema).enum?.[0]
    const fallback = typeof enumValue === 'string' ? enumValue : 'x'
    own[p.name] = (await idsUnder(as, table.ops, op.path, p.name, own))[0] ?? fallback
    theirs[p.name] = (await idsUnder(B.owner.client, table.ops, op.path, p.name, theirs))[0] ?? fallback
  }
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
    const schema = table.resolve(fieldsOf(op.body!)[field]!)
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

function fieldsOf(schema: JsonSchema): Record<string, JsonSchema> {
  const s = table.resolve(schema)
  if (s.properties) return s.properties
  for (const alt of s.anyOf ?? s.oneOf ?? s.allOf ?? []) {
    const props = table.resolve(alt).properties
    if (props) return props
  }
  return {}
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
  })
})
