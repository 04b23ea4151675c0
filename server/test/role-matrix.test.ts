import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { permissionsOf, type Role } from '../src/kernel/access/index.ts'
import { routePermissions } from '../src/kernel/http/auth-hook.ts'
import { type Client, createTestApp, joinWorkspace, type TestApp, type TestUser } from './harness.ts'
import { fillPath, idsUnder, pathIds, routeTable, sample, withQuery } from './route-table.ts'

/**
 * Generated from the permission table and the routes that declare a permission: a role without the
 * permission is refused (403) on every such route; and a member sees only their own clients on every
 * read route, in exports, counts and bulk actions.
 */
let t: TestApp
let table: ReturnType<typeof routeTable>
let users: Record<Role, TestUser>
const hidden: { id: string; name: string }[] = []
let mine: { id: string; name: string }

beforeAll(async () => {
  t = await createTestApp()
  table = routeTable(t.app)
  const owner = await t.user({ workspace: 'Matrix' })
  users = {
    owner,
    admin: await joinWorkspace(t, owner.workspaceId!, 'admin', 'The admin'),
    member: await joinWorkspace(t, owner.workspaceId!, 'member', 'The member'),
  }
  for (let i = 0; i < 3; i++) {
    const res = await owner.client.post('/api/v1/clients', {
      name: `Hidden Holdings ${i}`,
      email: `hidden${i}@example.com`,
      tags: ['secret'],
    })
    expect(res.statusCode).toBe(201)
    hidden.push({ id: res.json().id, name: res.json().name })
    await owner.client.post(`/api/v1/timeline/client/${res.json().id}/notes`, { body: 'Hidden note' })
  }
  const own = await owner.client.post('/api/v1/clients', {
    name: 'Member Mine Ltd',
    assigneeIds: [users.member.id],
    tags: ['secret'],
  })
  expect(own.statusCode).toBe(201)
  mine = { id: own.json().id, name: own.json().name }
})
afterAll(() => t?.close())

describe('the role matrix, from the permission table', () => {
  it('refuses every role that lacks the permission a route declares', async () => {
    const declared = routePermissions(t.app)
    expect(declared.length).toBeGreaterThan(10)
    let refusals = 0
    for (const role of ['member', 'admin', 'owner'] as Role[]) {
      const held = new Set<string>(permissionsOf(role))
      for (const route of declared) {
        // Holders are only checked on reads, so this test changes nothing it later looks at.
        if (held.has(route.permission) && route.method !== 'GET') continue
        const template = route.url.replace(/:(\w+)/g, '{$1}')
        const op = table.ops.find((o) => o.method === route.method && o.path === template)
        const known = op ? (await pathIds(users.owner.client, table, op))! : {}
        const res = await users[role].client.request({
          method: route.method as 'GET',
          url: fillPath(template, known),
          ...(op?.body ? { payload: sample(op.body, table.resolve) as object } : {}),
        })
        const label = `${role} ${route.method} ${route.url} (${route.permission})`
        if (!held.has(route.permission)) {
          expect(res.statusCode, `${label}: ${res.body}`).toBe(403)
          expect(res.json().type).toBe('/problems/forbidden')
          refusals++
        } else if (route.method === 'GET') {
          expect(res.statusCode, `${label}: ${res.body}`).not.toBe(403)
        }
      }
    }
    expect(refusals).toBeGreaterThan(5)
  })

  it('gives members none of the admin permissions', () => {
    const member = new Set<string>(permissionsOf('member'))
    for (const p of ['members:write', 'invitations:write', 'audit:read', 'workspace:write', 'clients:delete'])
      expect(member.has(p), p).toBe(false)
  })
})

describe('a member sees only their own clients, on every route', () => {
  const leaks = (body: string) =>
    hidden.filter((h) => body.includes(h.id) || body.includes(h.name)).map((h) => h.name)

  it('in every read, list, search, count and export', async () => {
    const member: Client = users.member.client
    let reads = 0
    for (const op of table.ops.filter((o) => o.method === 'GET')) {
      const pathParams = op.params.filter((p) => p.in === 'path')
      const urls: string[] = []
      if (!pathParams.length) {
        for (const q of [{}, { q: 'Hidden' }, { tag: 'secret' }, { q: 'hiden holdngs' }] as Record<
          string,
          string
        >[])
          urls.push(withQuery(op.path, q))
      } else {
        // The hidden clients' own pages, notes, tasks, contacts and activity.
        const known: Record<string, string> = {}
        for (const h of hidden) {
          for (const p of pathParams) {
            const enumValue = table.resolve(p.schema).enum?.[0]
            known[p.name] =
              p.name === 'recordType' && typeof enumValue === 'string'
                ? 'client'
                : /^(id|recordId)$/.test(p.name) && pathParams.indexOf(p) === 0
                  ? h.id
                  : ((await idsUnder(users.owner.client, table.ops, op.path, p.name, known))[0] ?? 'x')
          }
          urls.push(fillPath(op.path, known))
        }
      }
      for (const url of urls) {
        const res = await member.get(url)
        reads++
        expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBeLessThan(500)
        if (res.statusCode < 300) expect(leaks(res.body), `member GET ${url}`).toEqual([])
      }
    }
    expect(reads).toBeGreaterThan(20)
    const count = await member.get('/api/v1/clients/count?tag=secret')
    expect(count.statusCode).toBe(200)
    expect(JSON.stringify(count.json())).toContain('1')
    const list = await member.get('/api/v1/clients?tag=secret')
    expect(list.json().data.map((c: { id: string }) => c.id)).toEqual([mine.id])
    const csv = await member.get('/api/v1/clients/export')
    expect(csv.statusCode).toBe(200)
    expect(csv.body).toContain(mine.name)
    expect(leaks(csv.body)).toEqual([])
  })

  it('in bulk actions, by ids or by filter, and in writes', async () => {
    const member = users.member.client
    const byIds = await member.post('/api/v1/clients/bulk', {
      action: 'tag',
      ids: hidden.map((h) => h.id),
      tags: ['touched'],
    })
    expect(byIds.statusCode).toBeLessThan(500)
    const byFilter = await member.post('/api/v1/clients/bulk', {
      action: 'tag',
      filter: { tag: ['secret'] },
      tags: ['touched'],
    })
    expect(byFilter.statusCode).toBeLessThan(500)
    for (const h of hidden) {
      const patch = await member.patch(`/api/v1/clients/${h.id}`, { name: 'Taken over' })
      expect([403, 404]).toContain(patch.statusCode)
      const seen = await users.owner.client.get(`/api/v1/clients/${h.id}`)
      expect(seen.json().name).toBe(h.name)
      expect(seen.json().tags).not.toContain('touched')
    }
    const self = await member.post('/api/v1/clients/bulk', {
      action: 'unassign',
      ids: [mine.id],
      userId: users.member.id,
    })
    expect(self.statusCode).toBe(403)
    const still = await users.owner.client.get(`/api/v1/clients/${mine.id}`)
    expect(JSON.stringify(still.json())).toContain(users.member.id)
  })
})
