import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { memberships } from './index.ts'

let t: TestApp

type Side = {
  owner: TestUser
  member: TestUser
  workspaceId: string
  ownerMembershipId: string
  memberMembershipId: string
  invitationId: string
  invitationToken: string
}
let A: Side
let B: Side

async function side(name: string): Promise<Side> {
  const owner = await t.user({ workspace: name })
  const member = await t.user({ workspace: false })
  const workspaceId = owner.workspaceId!
  const [m] = await t.database.db
    .insert(memberships)
    .values({ workspaceId, userId: member.id, role: 'member' })
    .returning()
  const ownerMembership = (await owner.client.get('/api/v1/members'))
    .json()
    .data.find((x: { userId: string }) => x.userId === owner.id)
  const email = `invitee-${name.toLowerCase()}-${Date.now()}@example.com`
  const inv = await owner.client.post('/api/v1/invitations', { email, role: 'member' })
  expect(inv.statusCode).toBe(201)
  const mail = await t.mail(email, /invited you/)
  return {
    owner,
    member,
    workspaceId,
    ownerMembershipId: ownerMembership.id,
    memberMembershipId: m!.id,
    invitationId: inv.json().id,
    invitationToken: mail.link!.split('/invite/')[1]!,
  }
}

beforeAll(async () => {
  t = await createTestApp()
  A = await side('Alpha')
  B = await side('Bravo')
})
afterAll(() => t?.close())

/** What B's owner sees of B: compared before and after A's attempts. */
async function snapshotB() {
  const [ws, members, invitations, audit] = await Promise.all([
    B.owner.client.get('/api/v1/workspace'),
    B.owner.client.get('/api/v1/members?limit=200'),
    B.owner.client.get('/api/v1/invitations?limit=200'),
    B.owner.client.get('/api/v1/audit-logs?limit=200'),
  ])
  return { ws: ws.json(), members: members.json(), invitations: invitations.json(), audit: audit.json() }
}

const expectNotFound = (res: {
  statusCode: number
  body: string
  headers: Record<string, unknown>
  json(): any
}) => {
  expect(res.statusCode, res.body).toBe(404)
  expect(String(res.headers['content-type'])).toContain('application/problem+json')
  expect(res.json().type).toBe('/problems/not-found')
}

describe("routes taking an id refuse another workspace's ids with 404", () => {
  it("and leave B's data as it was", async () => {
    const before = await snapshotB()
    const c = A.owner.client
    expectNotFound(await c.patch(`/api/v1/members/${B.memberMembershipId}`, { role: 'admin' }))
    expectNotFound(await c.patch(`/api/v1/members/${B.ownerMembershipId}`, { role: 'member' }))
    expectNotFound(await c.del(`/api/v1/members/${B.memberMembershipId}`))
    expectNotFound(await c.del(`/api/v1/members/${B.ownerMembershipId}`))
    expectNotFound(await c.post(`/api/v1/members/${B.memberMembershipId}/transfer-ownership`))
    expectNotFound(await c.post(`/api/v1/members/${B.ownerMembershipId}/transfer-ownership`))
    expectNotFound(await c.post(`/api/v1/invitations/${B.invitationId}/resend`))
    expectNotFound(await c.del(`/api/v1/invitations/${B.invitationId}`))
    expectNotFound(await c.put('/api/v1/me/active-workspace', { workspaceId: B.workspaceId }))

    const after = await snapshotB()
    expect(after).toEqual(before)
    expect(after.members.data.find((m: { id: string }) => m.id === B.memberMembershipId).role).toBe('member')
    expect(after.invitations.data.find((i: { id: string }) => i.id === B.invitationId).status).toBe('pending')
    const preview = await t.client().get(`/api/v1/invitation-tokens/${B.invitationToken}`)
    expect(preview.json()).toMatchObject({ workspaceName: 'Bravo', status: 'pending' })
    expect((await A.owner.client.get('/api/v1/me')).json().activeWorkspace.id).toBe(A.workspaceId)
  })

  it("does not let A's admin-less member reach B either", async () => {
    expectNotFound(await A.member.client.del(`/api/v1/members/${B.memberMembershipId}`))
    expect((await B.member.client.get('/api/v1/me')).json().workspaces).toHaveLength(1)
  })
})

describe('lists', () => {
  it("never include the other workspace's rows", async () => {
    const bIds = new Set([
      B.owner.id,
      B.member.id,
      B.workspaceId,
      B.ownerMembershipId,
      B.memberMembershipId,
      B.invitationId,
    ])
    for (const url of [
      '/api/v1/members?limit=200',
      '/api/v1/invitations?limit=200',
      '/api/v1/audit-logs?limit=200',
    ]) {
      const res = await A.owner.client.get(url)
      expect(res.statusCode).toBe(200)
      const data = res.json().data as Record<string, unknown>[]
      expect(data.length).toBeGreaterThan(0)
      const text = JSON.stringify(data)
      for (const id of bIds) expect(text).not.toContain(id)
      expect(text).not.toContain(B.owner.email)
    }
    const members = (await A.owner.client.get('/api/v1/members')).json().data
    expect(members.map((m: { userId: string }) => m.userId).sort()).toEqual([A.owner.id, A.member.id].sort())
    const audit = (await A.owner.client.get(`/api/v1/audit-logs?actorId=${B.owner.id}`)).json().data
    expect(audit).toHaveLength(0)
    const csv = (await A.owner.client.get('/api/v1/audit-logs/export')).body
    expect(csv).toContain(A.owner.email)
    expect(csv).not.toContain(B.owner.email)
    expect((await A.owner.client.get('/api/v1/workspace')).json().id).toBe(A.workspaceId)
  })
})

describe('row-level security in the database', () => {
  const count = async (table: string, workspaceId?: string) =>
    t.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'atrium_app', true)`)
      if (workspaceId) await tx.execute(sql`select set_config('app.workspace_id', ${workspaceId}, true)`)
      const r = await tx.execute<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`))
      return Number(r.rows[0]!.n)
    })

  const ownerCount = async (table: string, workspaceId: string) => {
    const column = table === 'workspaces' ? 'id' : 'workspace_id'
    const r = await t.database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)} = ${workspaceId}`,
    )
    return Number(r.rows[0]!.n)
  }

  const errorText = (err: unknown): string => {
    const parts: string[] = []
    for (let e: any = err; e; e = e.cause) parts.push(String(e.message ?? e))
    return parts.join(' | ')
  }

  const tables = ['audit_logs', 'memberships', 'invitations', 'workspaces'] as const

  it('shows no tenant rows to the app role without a workspace, though rows exist', async () => {
    for (const table of tables) {
      expect(await ownerCount(table, A.workspaceId)).toBeGreaterThan(0)
      expect(await ownerCount(table, B.workspaceId)).toBeGreaterThan(0)
      expect(await count(table), table).toBe(0)
    }
  })

  it("shows only the workspace's own rows once app.workspace_id is set", async () => {
    for (const table of tables) {
      expect(await count(table, A.workspaceId), table).toBe(await ownerCount(table, A.workspaceId))
      expect(await count(table, B.workspaceId), table).toBe(await ownerCount(table, B.workspaceId))
    }
    const foreign = await t.database.db.transaction(async (tx) => {
      await tx.execute(
        sql`select set_config('role', 'atrium_app', true), set_config('app.workspace_id', ${A.workspaceId}, true)`,
      )
      const r = await tx.execute<{ n: number }>(sql`
        select (select count(*) from audit_logs where workspace_id <> ${A.workspaceId})
             + (select count(*) from memberships where workspace_id <> ${A.workspaceId})
             + (select count(*) from invitations where workspace_id <> ${A.workspaceId})
             + (select count(*) from workspaces where id <> ${A.workspaceId}) as n`)
      return Number(r.rows[0]!.n)
    })
    expect(foreign).toBe(0)
  })

  it('refuses to write an audit entry into another workspace', async () => {
    const before = await ownerCount('audit_logs', B.workspaceId)
    const attempt = t.database.db.transaction(async (tx) => {
      await tx.execute(
        sql`select set_config('role', 'atrium_app', true), set_config('app.workspace_id', ${A.workspaceId}, true)`,
      )
      await tx.execute(
        sql`insert into audit_logs (workspace_id, action) values (${B.workspaceId}, 'forged.entry')`,
      )
    })
    const err = await attempt.then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).not.toBeNull()
    expect(errorText(err)).toMatch(/row-level security/)
    expect(await ownerCount('audit_logs', B.workspaceId)).toBe(before)

    const own = await t.database.db
      .transaction(async (tx) => {
        await tx.execute(
          sql`select set_config('role', 'atrium_app', true), set_config('app.workspace_id', ${A.workspaceId}, true)`,
        )
        const r = await tx.execute(
          sql`insert into audit_logs (workspace_id, action) values (${A.workspaceId}, 'test.entry') returning id`,
        )
        tx.rollback()
        return r
      })
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(errorText(own)).toMatch(/rollback/i)
    expect(errorText(own)).not.toMatch(/row-level security/)
  })

  it('refuses writes into memberships and invitations of another workspace, and changes none of its rows', async () => {
    const asA = <T>(fn: (tx: Parameters<Parameters<typeof t.database.db.transaction>[0]>[0]) => Promise<T>) =>
      t.database.db.transaction(async (tx) => {
        await tx.execute(
          sql`select set_config('role', 'atrium_app', true), set_config('app.workspace_id', ${A.workspaceId}, true)`,
        )
        return fn(tx)
      })

    const insertMember = await asA((tx) =>
      tx.execute(
        sql`insert into memberships (workspace_id, user_id, role) values (${B.workspaceId}, ${A.owner.id}, 'admin')`,
      ),
    ).then(
      () => null,
      (e: unknown) => e,
    )
    expect(errorText(insertMember)).toMatch(/row-level security/)

    const updated = await asA(async (tx) => {
      const m = await tx.execute(
        sql`update memberships set role = 'admin' where workspace_id = ${B.workspaceId} returning id`,
      )
      const i = await tx.execute(
        sql`update invitations set status = 'revoked' where workspace_id = ${B.workspaceId} returning id`,
      )
      const w = await tx.execute(
        sql`update workspaces set name = 'Pwned' where id = ${B.workspaceId} returning id`,
      )
      const d = await tx.execute(
        sql`delete from memberships where workspace_id = ${B.workspaceId} returning id`,
      )
      return [m.rows.length, i.rows.length, w.rows.length, d.rows.length]
    })
    expect(updated).toEqual([0, 0, 0, 0])

    const moved = await asA((tx) =>
      tx.execute(
        sql`update memberships set workspace_id = ${B.workspaceId} where workspace_id = ${A.workspaceId}`,
      ),
    ).then(
      () => null,
      (e: unknown) => e,
    )
    expect(errorText(moved)).toMatch(/row-level security/)

    const deleteAudit = await asA((tx) => tx.execute(sql`delete from audit_logs`)).then(
      () => null,
      (e: unknown) => e,
    )
    expect(errorText(deleteAudit)).toMatch(/permission denied/)

    expect((await B.owner.client.get('/api/v1/workspace')).json().name).toBe('Bravo')
    const members = (await B.owner.client.get('/api/v1/members')).json().data
    expect(members.map((m: { role: string }) => m.role).sort()).toEqual(['member', 'owner'])
  })
})
