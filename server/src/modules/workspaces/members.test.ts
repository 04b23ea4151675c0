import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { memberships } from '../../kernel/tenancy/index.ts'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000' })
})
afterAll(() => t?.close())

type Res = { statusCode: number; headers: Record<string, unknown>; json(): any }
type Role = 'owner' | 'admin' | 'member'
type Member = TestUser & { membershipId: string }

const expectProblem = (res: Res, status: number, fields: string[] = []) => {
  expect(res.statusCode, JSON.stringify(res.json())).toBe(status)
  expect(String(res.headers['content-type'])).toContain('application/problem+json')
  expect(res.json().status).toBe(status)
  if (fields.length)
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(fields))
}

async function membershipOf(workspaceId: string, userId: string) {
  const [m] = await t.database.db
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
  return m
}

/** An owner and one user per given role, all signed in, in a fresh workspace. */
async function team<R extends Exclude<Role, 'owner'>[]>(...roles: R) {
  const o = await t.user({ workspace: 'Team' })
  const owner: Member = { ...o, membershipId: (await membershipOf(o.workspaceId!, o.id))!.id }
  const others: Member[] = []
  for (const role of roles) {
    const u = await t.user({ workspace: false })
    const [m] = await t.database.db
      .insert(memberships)
      .values({ workspaceId: o.workspaceId!, userId: u.id, role })
      .returning()
    others.push({ ...u, membershipId: m!.id })
  }
  return { owner, others, workspaceId: o.workspaceId! }
}

/** Rewrites the join times of a workspace's members to 2026-01-01T00:00:00Z plus n × step microseconds, in id order. */
async function spreadJoinDates(workspaceId: string, stepMicros: number) {
  await t.database.db.execute(sql`
    update memberships m set created_at = timestamptz '2026-01-01T00:00:00Z' + (o.n * ${stepMicros}) * interval '1 microsecond'
      from (select id, row_number() over (order by id) as n from memberships where workspace_id = ${workspaceId}) o
     where m.id = o.id`)
}

/** Follows nextCursor from the first page to the last, returning the ids in the order served. */
async function collectPages(viewer: TestUser, limit: number) {
  const seen: string[] = []
  let cursor: string | null = null
  for (let pages = 0; pages < 20; pages++) {
    const url: string = `/api/v1/members?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const res = await viewer.client.get(url)
    expect(res.statusCode).toBe(200)
    const page = res.json()
    expect(page.data.length).toBeLessThanOrEqual(limit)
    seen.push(...page.data.map((m: { id: string }) => m.id))
    cursor = page.nextCursor
    if (!cursor) return seen
  }
  throw new Error(`pagination did not end: ${seen.join(', ')}`)
}

async function roles(viewer: TestUser) {
  const res = await viewer.client.get('/api/v1/members?limit=200')
  expect(res.statusCode).toBe(200)
  return Object.fromEntries(res.json().data.map((m: { userId: string; role: Role }) => [m.userId, m.role]))
}

async function audit(viewer: TestUser, action: string) {
  const res = await viewer.client.get(`/api/v1/audit-logs?action=${action}&limit=200`)
  expect(res.statusCode).toBe(200)
  return res.json().data as any[]
}

describe('GET /api/v1/members', () => {
  it('lists members with their name, email and role', async () => {
    const { owner, others } = await team('admin', 'member')
    const res = await others[1]!.client.get('/api/v1/members')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.nextCursor).toBeNull()
    expect(body.data).toHaveLength(3)
    expect(body.data[0]).toMatchObject({
      id: owner.membershipId,
      userId: owner.id,
      email: owner.email,
      role: 'owner',
    })
    expect(body.data.map((m: { role: Role }) => m.role).sort()).toEqual(['admin', 'member', 'owner'])
    for (const m of body.data) expect(m.name).toMatch(/^User \d+$/)
  })

  it('pages with a cursor until every member was seen once', async () => {
    const { owner, workspaceId } = await team('member', 'member', 'admin', 'member')
    await spreadJoinDates(workspaceId, 1000)
    const all = (await owner.client.get('/api/v1/members')).json().data.map((m: { id: string }) => m.id)
    expect(all).toHaveLength(5)

    const first = await owner.client.get('/api/v1/members?limit=1')
    expect(first.statusCode).toBe(200)
    expect(first.json().data).toHaveLength(1)
    expect(first.json().nextCursor).toEqual(expect.any(String))

    expect(await collectPages(owner, 1)).toEqual(all)
    expect(await collectPages(owner, 2)).toEqual(all)

    const two = (await owner.client.get('/api/v1/members?limit=2')).json()
    expect(two.data.map((m: { id: string }) => m.id)).toEqual(all.slice(0, 2))
    const rest = (await owner.client.get(`/api/v1/members?limit=2&cursor=${two.nextCursor}`)).json()
    expect(rest.data.map((m: { id: string }) => m.id)).toEqual(all.slice(2, 4))
  })

  it('pages through members who joined within the same millisecond', async () => {
    const { owner, workspaceId } = await team('member', 'admin', 'member')
    await spreadJoinDates(workspaceId, 0)
    const all = (await owner.client.get('/api/v1/members')).json().data.map((m: { id: string }) => m.id)
    expect(await collectPages(owner, 1)).toEqual(all)
  })

  it('pages through members whose join times were written with sub-millisecond precision', async () => {
    const { owner, workspaceId } = await team('member', 'admin', 'member')
    await spreadJoinDates(workspaceId, 1)
    const all = (await owner.client.get('/api/v1/members')).json().data.map((m: { id: string }) => m.id)
    expect(all).toHaveLength(4)
    expect(await collectPages(owner, 1)).toEqual(all)
  })

  it('rejects a malformed cursor and an out-of-range limit with 400', async () => {
    const { owner } = await team()
    expectProblem(await owner.client.get('/api/v1/members?cursor=garbage'), 400, ['cursor'])
    expectProblem(await owner.client.get('/api/v1/members?limit=0'), 400, ['limit'])
    expectProblem(await owner.client.get('/api/v1/members?limit=201'), 400, ['limit'])
    expectProblem(await owner.client.get('/api/v1/members?limit=abc'), 400, ['limit'])
  })

  it('requires a signed-in user', async () => {
    expectProblem(await t.client().get('/api/v1/members'), 401)
  })

  it('searches names and emails as typed, within the limit, and only in the workspace', async () => {
    const o = await t.user({ workspace: 'Search', name: 'Olga Owner' })
    for (const name of ['Ada Lovelace', 'Adam Smith', 'Grace 100%_Hopper', 'Linus']) {
      const u = await t.user({ workspace: false, name })
      await t.database.db
        .insert(memberships)
        .values({ workspaceId: o.workspaceId!, userId: u.id, role: 'member' })
    }
    await t.user({ workspace: 'Elsewhere', name: 'Ada Elsewhere' })
    const names = async (query: string) => {
      const res = await o.client.get(`/api/v1/members?${query}`)
      expect(res.statusCode).toBe(200)
      return res
        .json()
        .data.map((m: { name: string }) => m.name)
        .sort()
    }
    expect(await names('q=ada')).toEqual(['Ada Lovelace', 'Adam Smith'])
    expect(await names('q=LOVE')).toEqual(['Ada Lovelace'])
    expect(await names(`q=${encodeURIComponent(o.email.slice(0, 8))}`)).toContain('Olga Owner')
    expect(await names('q=%25_')).toEqual(['Grace 100%_Hopper'])
    expect(await names('q=_')).toEqual(['Grace 100%_Hopper'])
    expect(await names('q=ada&limit=1')).toHaveLength(1)
    expect(await names('q=nobody')).toEqual([])
    expectProblem(await o.client.get(`/api/v1/members?q=${'a'.repeat(101)}`), 400, ['q'])
  })
})

describe('PATCH /api/v1/members/:id', () => {
  it('lets the owner change a role and audits the before/after role', async () => {
    const { owner, others } = await team('member')
    const [m] = others
    const res = await owner.client.patch(`/api/v1/members/${m!.membershipId}`, { role: 'admin' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: m!.membershipId, userId: m!.id, role: 'admin' })
    expect((await roles(owner))[m!.id]).toBe('admin')
    expect((await m!.client.get('/api/v1/me')).json().activeWorkspace.role).toBe('admin')

    const entries = await audit(owner, 'member.role_changed')
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      actor: { id: owner.id, email: owner.email },
      targetType: 'member',
      targetId: m!.membershipId,
      targetLabel: m!.email,
      changes: { before: { role: 'member' }, after: { role: 'admin' } },
    })
  })

  it('does not audit setting the role a member already has', async () => {
    const { owner, others } = await team('member')
    const res = await owner.client.patch(`/api/v1/members/${others[0]!.membershipId}`, { role: 'member' })
    expect(res.statusCode).toBe(200)
    expect(res.json().role).toBe('member')
    expect(await audit(owner, 'member.role_changed')).toHaveLength(0)
  })

  it('lets only the owner make or unmake admins, as the roles page says', async () => {
    const { owner, others } = await team('admin', 'admin', 'member')
    const [admin, otherAdmin, member] = others
    expectProblem(
      await admin!.client.patch(`/api/v1/members/${member!.membershipId}`, { role: 'admin' }),
      403,
    )
    expectProblem(
      await admin!.client.patch(`/api/v1/members/${otherAdmin!.membershipId}`, { role: 'member' }),
      403,
    )
    expect(await roles(owner)).toMatchObject({ [member!.id]: 'member', [otherAdmin!.id]: 'admin' })
    expect(
      (await owner.client.patch(`/api/v1/members/${member!.membershipId}`, { role: 'admin' })).statusCode,
    ).toBe(200)
    expect((await roles(owner))[member!.id]).toBe('admin')
  })

  it('refuses "owner" as a role with 400 on field role', async () => {
    const { owner, others } = await team('admin')
    const res = await owner.client.patch(`/api/v1/members/${others[0]!.membershipId}`, { role: 'owner' })
    expectProblem(res, 400, ['role'])
    const r = await roles(owner)
    expect(r[others[0]!.id]).toBe('admin')
    expect(r[owner.id]).toBe('owner')
  })

  it("refuses to change the owner's role with 409", async () => {
    const { owner, others } = await team('admin')
    expectProblem(await owner.client.patch(`/api/v1/members/${owner.membershipId}`, { role: 'admin' }), 409, [
      'role',
    ])
    expectProblem(
      await others[0]!.client.patch(`/api/v1/members/${owner.membershipId}`, { role: 'member' }),
      409,
    )
    expect((await roles(owner))[owner.id]).toBe('owner')
  })

  it('validates the role and the id', async () => {
    const { owner, others } = await team('member')
    expectProblem(
      await owner.client.patch(`/api/v1/members/${others[0]!.membershipId}`, { role: 'superuser' }),
      400,
      ['role'],
    )
    expectProblem(await owner.client.patch(`/api/v1/members/${others[0]!.membershipId}`, {}), 400, ['role'])
    expectProblem(await owner.client.patch('/api/v1/members/not-a-uuid', { role: 'admin' }), 400, ['id'])
    expectProblem(await owner.client.patch(`/api/v1/members/${crypto.randomUUID()}`, { role: 'admin' }), 404)
  })
})

describe('what a member may not do', () => {
  it('answers 403 on every admin-only route and changes nothing', async () => {
    const { owner, others } = await team('member', 'member')
    const [member, peer] = others
    expectProblem(await member!.client.patch(`/api/v1/members/${peer!.membershipId}`, { role: 'admin' }), 403)
    expectProblem(
      await member!.client.patch(`/api/v1/members/${member!.membershipId}`, { role: 'admin' }),
      403,
    )
    expectProblem(await member!.client.del(`/api/v1/members/${peer!.membershipId}`), 403)
    expectProblem(
      await member!.client.post('/api/v1/invitations', { email: 'someone@example.com', role: 'member' }),
      403,
    )
    expectProblem(await member!.client.get('/api/v1/invitations'), 403)
    expectProblem(await member!.client.get('/api/v1/audit-logs'), 403)
    expectProblem(await member!.client.get('/api/v1/audit-logs/export'), 403)
    expectProblem(
      await member!.client.post(`/api/v1/members/${member!.membershipId}/transfer-ownership`),
      403,
    )

    const r = await roles(owner)
    expect(r).toEqual({ [owner.id]: 'owner', [member!.id]: 'member', [peer!.id]: 'member' })
    expect((await owner.client.get('/api/v1/invitations')).json().data).toHaveLength(0)
  })
})

describe('DELETE /api/v1/members/:id', () => {
  it('never removes the owner (409), whoever asks', async () => {
    const { owner, others } = await team('admin')
    expectProblem(await owner.client.del(`/api/v1/members/${owner.membershipId}`), 409)
    expectProblem(await others[0]!.client.del(`/api/v1/members/${owner.membershipId}`), 409)
    expect((await roles(owner))[owner.id]).toBe('owner')
    expect((await owner.client.get('/api/v1/me')).json().activeWorkspace.role).toBe('owner')
  })

  it('lets a member leave with their own membership id', async () => {
    const { owner, others, workspaceId } = await team('member')
    const [member] = others
    const res = await member!.client.del(`/api/v1/members/${member!.membershipId}`)
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
    expect(await membershipOf(workspaceId, member!.id)).toBeUndefined()
    const me = (await member!.client.get('/api/v1/me')).json()
    expect(me.workspaces).toHaveLength(0)
    expect(me.activeWorkspace).toBeNull()
    expectProblem(await member!.client.get('/api/v1/members'), 409)

    const [entry] = await audit(owner, 'member.left')
    expect(entry).toMatchObject({
      actor: { id: member!.id },
      targetId: member!.membershipId,
      changes: { before: { role: 'member' } },
    })
  })

  it('lets an admin leave, and the owner remove members and admins', async () => {
    const { owner, others } = await team('admin', 'admin', 'member')
    const [leaving, removedAdmin, removedMember] = others
    expect((await leaving!.client.del(`/api/v1/members/${leaving!.membershipId}`)).statusCode).toBe(204)
    expect((await owner.client.del(`/api/v1/members/${removedAdmin!.membershipId}`)).statusCode).toBe(204)
    expect((await owner.client.del(`/api/v1/members/${removedMember!.membershipId}`)).statusCode).toBe(204)
    expect(Object.keys(await roles(owner))).toEqual([owner.id])
    const removed = await audit(owner, 'member.removed')
    expect(removed.map((e) => e.targetId).sort()).toEqual(
      [removedAdmin!.membershipId, removedMember!.membershipId].sort(),
    )
    expectProblem(await owner.client.del(`/api/v1/members/${removedMember!.membershipId}`), 404)
  })

  it('lets an admin remove a member but not another admin', async () => {
    const { owner, others } = await team('admin', 'admin', 'member')
    const [admin, otherAdmin, member] = others
    expectProblem(await admin!.client.del(`/api/v1/members/${otherAdmin!.membershipId}`), 403)
    expect((await admin!.client.del(`/api/v1/members/${member!.membershipId}`)).statusCode).toBe(204)
    const r = await roles(owner)
    expect(r[otherAdmin!.id]).toBe('admin')
    expect(r[member!.id]).toBeUndefined()
  })
})

describe('POST /api/v1/members/:id/transfer-ownership', () => {
  it('makes the target the only owner and the previous owner an admin', async () => {
    const { owner, others } = await team('admin', 'member')
    const [admin, member] = others
    const res = await owner.client.post(`/api/v1/members/${member!.membershipId}/transfer-ownership`)
    expect(res.statusCode).toBe(200)
    const data = res.json().data as { userId: string; role: Role }[]
    expect(data.filter((m) => m.role === 'owner').map((m) => m.userId)).toEqual([member!.id])
    expect(data.find((m) => m.userId === owner.id)!.role).toBe('admin')
    expect(data.find((m) => m.userId === admin!.id)!.role).toBe('admin')

    expect(await roles(admin!)).toEqual({ [owner.id]: 'admin', [admin!.id]: 'admin', [member!.id]: 'owner' })
    expect((await member!.client.get('/api/v1/me')).json().activeWorkspace.role).toBe('owner')
    expect((await owner.client.get('/api/v1/me')).json().permissions).not.toContain('workspace:transfer')

    const [entry] = await audit(member!, 'workspace.ownership_transferred')
    expect(entry).toMatchObject({
      actor: { id: owner.id },
      targetId: member!.membershipId,
      changes: { before: { owner: owner.email }, after: { owner: member!.email } },
    })
  })

  it('is refused to anyone but the owner, and the former owner can no longer transfer', async () => {
    const { owner, others } = await team('admin', 'member')
    const [admin, member] = others
    expectProblem(await admin!.client.post(`/api/v1/members/${admin!.membershipId}/transfer-ownership`), 403)
    expectProblem(
      await member!.client.post(`/api/v1/members/${member!.membershipId}/transfer-ownership`),
      403,
    )
    expect((await roles(owner))[owner.id]).toBe('owner')

    expect(
      (await owner.client.post(`/api/v1/members/${admin!.membershipId}/transfer-ownership`)).statusCode,
    ).toBe(200)
    expectProblem(await owner.client.post(`/api/v1/members/${owner.membershipId}/transfer-ownership`), 403)
    const r = await roles(owner)
    expect(Object.values(r).filter((role) => role === 'owner')).toHaveLength(1)
    expect(r[admin!.id]).toBe('owner')
  })

  it('refuses a transfer to yourself and to an unknown member', async () => {
    const { owner } = await team('member')
    expectProblem(await owner.client.post(`/api/v1/members/${owner.membershipId}/transfer-ownership`), 400, [
      'memberId',
    ])
    expectProblem(await owner.client.post(`/api/v1/members/${crypto.randomUUID()}/transfer-ownership`), 404)
    expect((await roles(owner))[owner.id]).toBe('owner')
  })

  it('lets the new owner remove the former owner, who is now an admin', async () => {
    const { owner, others, workspaceId } = await team('member')
    const [heir] = others
    expect(
      (await owner.client.post(`/api/v1/members/${heir!.membershipId}/transfer-ownership`)).statusCode,
    ).toBe(200)
    expectProblem(await owner.client.del(`/api/v1/members/${heir!.membershipId}`), 409)
    expect((await heir!.client.del(`/api/v1/members/${owner.membershipId}`)).statusCode).toBe(204)
    expect(await membershipOf(workspaceId, owner.id)).toBeUndefined()
  })
})
