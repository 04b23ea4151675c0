import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { memberships, withWorkspace } from '../../kernel/tenancy/index.ts'
import { userPreferences } from './schema.ts'

const url = '/api/v1/me/preferences/dashboard'
const layout = (...widgets: [string, boolean][]) => ({
  widgets: widgets.map(([id, hidden]) => ({ id, hidden })),
})

let t: TestApp
let owner: TestUser
let member: TestUser
let outsider: TestUser
let firstWorkspace: string

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Layout Co', name: 'Olive Owner' })
  member = await t.user({ workspace: false, name: 'Mia Member' })
  outsider = await t.user({ workspace: 'Elsewhere', name: 'Out Sider' })
  firstWorkspace = owner.workspaceId as string
  await t.database.db
    .insert(memberships)
    .values({ workspaceId: firstWorkspace, userId: member.id, role: 'member' })
  await member.client.put('/api/v1/me/active-workspace', { workspaceId: firstWorkspace })
})
afterAll(() => t?.close())

describe('dashboard layout', () => {
  it('starts empty (the default layout), then keeps the order and the hidden widgets it was given', async () => {
    const empty = await owner.client.get(url)
    expect(empty.statusCode).toBe(200)
    expect(empty.json()).toEqual({ widgets: [], updatedAt: null })

    const body = layout(['tasks.mine', false], ['clients.by-status', true], ['audit.recent', false])
    const saved = await owner.client.put(url, body)
    expect(saved.statusCode, saved.body).toBe(200)
    expect(saved.json().widgets).toEqual(body.widgets)
    expect(saved.json().updatedAt).toEqual(expect.any(String))

    const read = (await owner.client.get(url)).json()
    expect(read.widgets).toEqual(body.widgets)

    const replaced = layout(['audit.recent', false])
    expect((await owner.client.put(url, replaced)).statusCode).toBe(200)
    expect((await owner.client.get(url)).json().widgets).toEqual(replaced.widgets)
  })

  it('is one member’s own: another member of the workspace neither sees nor changes it', async () => {
    const mine = layout(['clients.new-per-week', false], ['quick-actions', true])
    expect((await owner.client.put(url, mine)).statusCode).toBe(200)
    expect((await member.client.get(url)).json()).toEqual({ widgets: [], updatedAt: null })

    const theirs = layout(['quick-actions', false])
    expect((await member.client.put(url, theirs)).statusCode).toBe(200)
    expect((await member.client.get(url)).json().widgets).toEqual(theirs.widgets)
    expect((await owner.client.get(url)).json().widgets).toEqual(mine.widgets)
    expect((await outsider.client.get(url)).json().widgets).toEqual([])
  })

  it('is kept per workspace: a second workspace starts from the default and leaves the first one as it was', async () => {
    const first = layout(['clients.by-status', false], ['audit.recent', true])
    expect((await owner.client.put(url, first)).statusCode).toBe(200)
    const created = await owner.client.post('/api/v1/workspaces', {
      name: 'Second Co',
      slug: `second-${Date.now()}`,
    })
    expect(created.statusCode, created.body).toBe(201)
    const second = created.json().id as string
    expect((await owner.client.put('/api/v1/me/active-workspace', { workspaceId: second })).statusCode).toBe(
      200,
    )

    expect((await owner.client.get(url)).json()).toEqual({ widgets: [], updatedAt: null })
    const other = layout(['audit.recent', false])
    expect((await owner.client.put(url, other)).statusCode).toBe(200)

    expect(
      (await owner.client.put('/api/v1/me/active-workspace', { workspaceId: firstWorkspace })).statusCode,
    ).toBe(200)
    expect((await owner.client.get(url)).json().widgets).toEqual(first.widgets)

    // Row-level security: inside the second workspace only its rows exist, whatever the query asks.
    const rows = await withWorkspace({ db: t.database.db, workspaceId: second }, (tx) =>
      tx.select().from(userPreferences),
    )
    expect(rows.map((r) => r.workspaceId)).toEqual([second])
  })

  it('refuses bad layouts with a problem naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ widgets: [{ id: 'Not An Id', hidden: false }] }, /widgets/],
      [{ widgets: [{ id: 'a', hidden: 'no' }] }, /widgets/],
      [layout(['a', false], ['a', true]), /widgets/],
      [{ widgets: Array.from({ length: 101 }, (_, i) => ({ id: `w${i}`, hidden: false })) }, /widgets/],
      [{}, /widgets/],
    ]
    for (const [body, field] of cases) {
      const res = await owner.client.put(url, body)
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.body).toMatch(field)
    }
  })

  it('needs a session and a workspace', async () => {
    expect((await t.client().get(url)).statusCode).toBe(401)
    expect((await t.client().put(url, layout())).statusCode).toBe(401)
    const lonely = await t.user({ workspace: false })
    const res = await lonely.client.get(url)
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.statusCode).toBeLessThan(500)
  })
})

describe('dashboard layout audit', () => {
  it('writes preferences.dashboard_updated with before and after in the workspace; an unchanged save writes none', async () => {
    const user = await t.user({ workspace: 'Audited Layouts' })
    const entries = async () =>
      (await user.client.get('/api/v1/audit-logs?action=preferences.dashboard_updated')).json().data as {
        actor: { id: string }
        targetType: string
        targetId: string
        changes: { before: unknown; after: unknown }
      }[]

    const first = layout(['tasks.mine', false], ['audit.recent', true])
    expect((await user.client.put(url, first)).statusCode).toBe(200)
    const [created] = await entries()
    expect(created).toMatchObject({
      actor: { id: user.id },
      targetType: 'user_preference',
      targetId: 'dashboard',
      changes: { before: null, after: first },
    })

    const second = layout(['audit.recent', false])
    expect((await user.client.put(url, second)).statusCode).toBe(200)
    expect((await user.client.put(url, second)).statusCode).toBe(200)
    const after = await entries()
    expect(after).toHaveLength(2)
    expect(after[0]?.changes).toEqual({ before: first, after: second })
  })
})
