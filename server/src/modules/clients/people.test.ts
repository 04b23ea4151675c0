import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'

// The list and detail show owners and assignees from the workspace's cached member references: a
// long cache, so that only the invalidation on state-changing requests can explain fresh names.
let t: TestApp
let owner: TestUser
let outsider: TestUser

type Ref = { id: string; name: string; email: string }
type View = { id: string; name: string; owner: Ref | null; assignees: Ref[] }

const list = async (u: TestUser) => {
  const r = await u.client.get('/api/v1/clients?limit=50')
  expect(r.statusCode).toBe(200)
  return r.json().data as View[]
}
const detail = async (u: TestUser, id: string) => {
  const r = await u.client.get(`/api/v1/clients/${id}`)
  expect(r.statusCode).toBe(200)
  return r.json() as View
}

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '60000' })
  owner = await t.user({ workspace: 'People Co', name: 'Olga Owner' })
  outsider = await t.user({ workspace: 'Elsewhere Ltd', name: 'Otto Outsider' })
})
afterAll(() => t?.close())

describe('owners and assignees on the list and detail', () => {
  it('follow renames, new members and removals, per workspace', async () => {
    const ws = owner.workspaceId as string
    const zed = await joinWorkspace(t, ws, 'member', 'Zed Member')
    const amy = await joinWorkspace(t, ws, 'member', 'Amy Member')
    const created = await owner.client.post('/api/v1/clients', {
      name: 'Shared Client',
      ownerId: zed.id,
      assigneeIds: [zed.id, amy.id],
    })
    expect(created.statusCode).toBe(201)
    const id = created.json().id as string
    const theirs = await outsider.client.post('/api/v1/clients', { name: 'Their Client' })
    expect(theirs.statusCode).toBe(201)

    const first = (await list(owner)).find((c) => c.id === id)
    expect(first?.owner).toEqual({ id: zed.id, name: 'Zed Member', email: zed.email })
    expect(first?.assignees.map((a) => a.name)).toEqual(['Amy Member', 'Zed Member'])
    // The other workspace's list warmed its own members, and sees none of these.
    const outside = await list(outsider)
    expect(outside.map((c) => c.owner?.name)).toEqual(['Otto Outsider'])
    expect(outside.some((c) => c.id === id)).toBe(false)

    // A rename shows on the next read.
    expect((await zed.client.patch('/api/v1/me', { name: 'Zed Renamed' })).statusCode).toBe(200)
    expect((await detail(owner, id)).owner?.name).toBe('Zed Renamed')
    expect((await list(owner)).find((c) => c.id === id)?.assignees.map((a) => a.name)).toEqual([
      'Amy Member',
      'Zed Renamed',
    ])

    // A member who joins and is assigned shows at once.
    const bea = await joinWorkspace(t, ws, 'member', 'Bea Member')
    expect((await owner.client.patch(`/api/v1/clients/${id}`, { assigneeIds: [bea.id] })).statusCode).toBe(
      200,
    )
    expect((await list(owner)).find((c) => c.id === id)?.assignees).toEqual([
      { id: bea.id, name: 'Bea Member', email: bea.email },
    ])

    // A removed member still named as the owner is still shown, with their current name.
    const members = (await owner.client.get('/api/v1/members')).json().data as {
      id: string
      userId: string
    }[]
    const zedMembership = members.find((m) => m.userId === zed.id)
    expect(zedMembership).toBeDefined()
    expect((await owner.client.del(`/api/v1/members/${zedMembership?.id}`)).statusCode).toBeLessThan(300)
    expect((await detail(owner, id)).owner).toEqual({ id: zed.id, name: 'Zed Renamed', email: zed.email })
    expect((await list(outsider)).map((c) => c.owner?.name)).toEqual(['Otto Outsider'])
  })
})
