import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { auditLogs } from '../../kernel/audit/index.ts'
import { memberships } from '../../kernel/tenancy/index.ts'

let t: TestApp

let owner: TestUser
let member: TestUser
let promoted: TestUser
let memberId: string
let promotedMembershipId: string

const FAILED_IP = '203.0.113.9'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000' })
  owner = await t.user({ workspace: 'Audit Co' })
  const m = await t.user({ workspace: false })
  const p = await t.user({ workspace: false })
  await t.database.db
    .insert(memberships)
    .values({ workspaceId: owner.workspaceId!, userId: m.id, role: 'member' })
  const [pm] = await t.database.db
    .insert(memberships)
    .values({ workspaceId: owner.workspaceId!, userId: p.id, role: 'member' })
    .returning()
  promotedMembershipId = pm!.id
  memberId = m.id

  const c = t.client()
  expect((await c.signIn(m.email, m.password)).statusCode).toBe(200)
  member = { ...m, client: c }
  promoted = p

  const failed = await t.client({ ip: FAILED_IP }).signIn(m.email, 'not-the-password')
  expect(failed.statusCode).toBe(401)
  expect(
    (await owner.client.post('/api/v1/invitations', { email: 'audited@example.com', role: 'member' }))
      .statusCode,
  ).toBe(201)
  expect(
    (await owner.client.patch(`/api/v1/members/${promotedMembershipId}`, { role: 'admin' })).statusCode,
  ).toBe(200)
})
afterAll(() => t?.close())

type Entry = {
  id: string
  action: string
  actor: { id: string; name: string | null; email: string | null } | null
  targetType: string | null
  targetId: string | null
  targetLabel: string | null
  ipAddress: string | null
  userAgent: string | null
  changes: { before: Record<string, unknown> | null; after: Record<string, unknown> | null }
  createdAt: string
}

async function list(viewer: TestUser, query = ''): Promise<Entry[]> {
  const res = await viewer.client.get(`/api/v1/audit-logs?limit=200${query ? `&${query}` : ''}`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json().data
}

async function allPages(viewer: TestUser, limit: number, query = '') {
  const ids: string[] = []
  let cursor: string | null = null
  for (let pages = 0; pages < 100; pages++) {
    const url: string = `/api/v1/audit-logs?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`
    const res = await viewer.client.get(url)
    expect(res.statusCode).toBe(200)
    const page = res.json()
    expect(page.data.length).toBeLessThanOrEqual(limit)
    ids.push(...page.data.map((e: Entry) => e.id))
    cursor = page.nextCursor
    if (!cursor) return ids
  }
  throw new Error('pagination did not end')
}

/** A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += ch
  }
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

const expectProblem = (
  res: { statusCode: number; headers: Record<string, unknown>; json(): any },
  status: number,
  fields: string[] = [],
) => {
  expect(res.statusCode).toBe(status)
  expect(String(res.headers['content-type'])).toContain('application/problem+json')
  if (fields.length)
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(fields))
}

describe('entries', () => {
  it('records a sign-in with actor, IP and user agent', async () => {
    const entries = await list(owner, 'action=auth.sign_in')
    const own = entries.filter((e) => e.action === 'auth.sign_in' && e.actor?.id === owner.id)
    expect(own).toHaveLength(1)
    expect(own[0]).toMatchObject({
      actor: { id: owner.id, email: owner.email },
      targetType: 'user',
      targetId: owner.id,
      targetLabel: owner.email,
      ipAddress: '127.0.0.1',
      changes: { before: null, after: { method: 'password' } },
    })
    expect(own[0]!.userAgent).toContain('Chrome')
    expect(entries.some((e) => e.action === 'auth.sign_in' && e.actor?.id === member.id)).toBe(true)
  })

  it('records a failed sign-in of a member, with no actor and the caller IP', async () => {
    const failed = (await list(owner, 'action=auth.sign_in_failed')).filter(
      (e) => e.action === 'auth.sign_in_failed',
    )
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({
      actor: null,
      targetType: 'user',
      targetId: memberId,
      targetLabel: member.email,
      ipAddress: FAILED_IP,
    })
    expect(failed[0]!.changes.after).toEqual({ reason: expect.any(String) })
  })

  it('writes nothing for a failed sign-in of an unknown email or of a user in another workspace', async () => {
    const before = (await list(owner)).length
    const stranger = await t.user({ workspace: 'Elsewhere' })
    await t.client().signIn('nobody-here@example.com', 'whatever-password')
    await t.client().signIn(stranger.email, 'wrong-password-1')
    const after = await list(owner)
    expect(after.length).toBe(before)
    expect(after.some((e) => e.targetLabel === stranger.email)).toBe(false)
    expect((await list(stranger, 'action=auth.sign_in_failed')).length).toBe(1)
  })

  it('records invitations and role changes', async () => {
    const [invited] = await list(owner, 'action=invitation.created')
    expect(invited).toMatchObject({
      actor: { id: owner.id },
      targetType: 'invitation',
      targetLabel: 'audited@example.com',
      changes: { after: { email: 'audited@example.com', role: 'member' } },
    })
    const [changed] = await list(owner, 'action=member.role_changed')
    expect(changed).toMatchObject({
      actor: { id: owner.id },
      targetType: 'member',
      targetId: promotedMembershipId,
      targetLabel: promoted.email,
      changes: { before: { role: 'member' }, after: { role: 'admin' } },
    })
  })

  it('is newest first', async () => {
    const entries = await list(owner)
    const times = entries.map((e) => Date.parse(e.createdAt))
    expect(times).toEqual([...times].sort((a, b) => b - a))
    expect(entries.at(-1)!.action).toBe('workspace.created')
  })

  it('is readable by admins but not members', async () => {
    expectProblem(await member.client.get('/api/v1/audit-logs'), 403)
    expectProblem(await member.client.get('/api/v1/audit-logs/export'), 403)
    const admin = t.client()
    expect((await admin.signIn(promoted.email, promoted.password)).statusCode).toBe(200)
    expect((await admin.get('/api/v1/audit-logs')).statusCode).toBe(200)
    expectProblem(await t.client().get('/api/v1/audit-logs'), 401)
  })
})

describe('filters', () => {
  it('by actor', async () => {
    const mine = await list(owner, `actorId=${member.id}`)
    expect(mine.length).toBeGreaterThan(0)
    for (const e of mine) expect(e.actor?.id).toBe(member.id)
    expect(mine.map((e) => e.action)).toContain('auth.sign_in')
    const owners = await list(owner, `actorId=${owner.id}`)
    expect(owners.map((e) => e.action)).toEqual(
      expect.arrayContaining(['auth.sign_in', 'member.role_changed']),
    )
    for (const e of owners) expect(e.actor?.id).toBe(owner.id)
    expect(await list(owner, `actorId=${crypto.randomUUID()}`)).toHaveLength(0)
    expectProblem(await owner.client.get('/api/v1/audit-logs?actorId=nope'), 400, ['actorId'])
  })

  it('by action prefix, case-insensitively, with wildcards taken literally', async () => {
    const auth = await list(owner, 'action=auth.')
    expect(auth.length).toBeGreaterThanOrEqual(3)
    for (const e of auth) expect(e.action.startsWith('auth.')).toBe(true)
    expect(new Set(auth.map((e) => e.action))).toEqual(new Set(['auth.sign_in', 'auth.sign_in_failed']))

    const upper = await list(owner, 'action=AUTH.SIGN_IN')
    expect(upper.map((e) => e.id).sort()).toEqual(auth.map((e) => e.id).sort())
    expect(await list(owner, 'action=member.role')).toHaveLength(1)
    expect(await list(owner, 'action=%25')).toHaveLength(0)
    expect(await list(owner, 'action=auth_sign')).toHaveLength(0)
    expect(await list(owner, 'action=sign_in')).toHaveLength(0)
  })

  it('by time range', async () => {
    const everything = await list(owner)
    await sleep(20)
    const mid = new Date().toISOString()
    await sleep(20)
    expect((await owner.client.patch('/api/v1/workspace', { name: 'Audit Co Renamed' })).statusCode).toBe(200)

    const later = await list(owner, `from=${encodeURIComponent(mid)}`)
    expect(later.map((e) => e.action)).toEqual(['workspace.updated'])
    const earlier = await list(owner, `to=${encodeURIComponent(mid)}`)
    expect(earlier.map((e) => e.id)).toEqual(everything.map((e) => e.id))

    const today = new Date().toISOString().slice(0, 10)
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
    expect(await list(owner, `from=${today}&to=${today}`)).toHaveLength(everything.length + 1)
    expect(await list(owner, `to=${yesterday}`)).toHaveLength(0)
    expect(
      await list(owner, `from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`),
    ).toHaveLength(0)
    expect(await list(owner, `from=${encodeURIComponent(mid)}&action=auth.`)).toHaveLength(0)
    expectProblem(await owner.client.get('/api/v1/audit-logs?from=yesterday'), 400, ['from'])
    expectProblem(await owner.client.get('/api/v1/audit-logs?to=2026-13-45'), 400, ['to'])
  })
})

describe('pagination', () => {
  it('follows nextCursor through every entry exactly once, newest first', async () => {
    const all = (await list(owner)).map((e) => e.id)
    expect(all.length).toBeGreaterThan(4)
    const first = (await owner.client.get('/api/v1/audit-logs?limit=2')).json()
    expect(first.data.map((e: Entry) => e.id)).toEqual(all.slice(0, 2))
    expect(first.nextCursor).toEqual(expect.any(String))
    expect(await allPages(owner, 2)).toEqual(all)
    expect(await allPages(owner, 3, 'action=auth.')).toEqual(
      (await list(owner, 'action=auth.')).map((e) => e.id),
    )
    expectProblem(await owner.client.get('/api/v1/audit-logs?cursor=%%%'), 400)
  })

  it('does not skip entries that share a timestamp written with sub-millisecond precision', async () => {
    const u = await t.user({ workspace: false })
    expect(
      (await u.client.post('/api/v1/workspaces', { name: 'Twins', slug: `twins-${Date.now()}` })).statusCode,
    ).toBe(201)
    const me = (await u.client.get('/api/v1/me')).json()
    await t.database.db
      .update(auditLogs)
      .set({ createdAt: sql`timestamptz '2026-01-01T00:00:00.000500Z'` })
      .where(eq(auditLogs.workspaceId, me.activeWorkspace.id))
    const all = (await list(u)).map((e) => e.id)
    expect(all).toHaveLength(2)
    expect(await allPages(u, 1)).toEqual(all)
  })
})

describe('CSV export', () => {
  it('streams a header row and the filtered entries as text/csv', async () => {
    const res = await owner.client.get('/api/v1/audit-logs/export?action=auth.')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/csv/)
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/,
    )
    const rows = parseCsv(res.body)
    expect(rows[0]).toEqual([
      'time',
      'actor',
      'action',
      'target_type',
      'target',
      'ip_address',
      'user_agent',
      'before',
      'after',
    ])
    const json = await list(owner, 'action=auth.')
    const body = rows.slice(1)
    expect(body).toHaveLength(json.length)
    body.forEach((row, i) => {
      expect(row).toHaveLength(9)
      expect(row[2]).toBe(json[i]!.action)
      expect(row[1]).toBe(json[i]!.actor?.email ?? '')
      expect(row[5]).toBe(json[i]!.ipAddress ?? '')
      expect(Date.parse(row[0]!)).toBe(Date.parse(json[i]!.createdAt))
    })
    const failed = body.find((r) => r[2] === 'auth.sign_in_failed')!
    expect(failed[4]).toBe(member.email)
    expect(failed[5]).toBe(FAILED_IP)
    expect(JSON.parse(failed[8]!)).toEqual({ reason: expect.any(String) })
  })

  it('exports only the header row when nothing matches', async () => {
    const res = await owner.client.get('/api/v1/audit-logs/export?action=no.such.action')
    expect(res.statusCode).toBe(200)
    expect(parseCsv(res.body)).toHaveLength(1)
  })

  it('neutralises values a spreadsheet would run as formulas', async () => {
    const renamed = await owner.client.patch('/api/v1/workspace', { name: '=HYPERLINK("x")' })
    expect(renamed.statusCode).toBe(200)
    const sly = t.client({ userAgent: '@SUM(1+1)' })
    await sly.signIn(member.email, 'wrong-again-password')

    const res = await owner.client.get('/api/v1/audit-logs/export')
    expect(res.statusCode).toBe(200)
    const rows = parseCsv(res.body).slice(1)
    const rename = rows.find((r) => r[2] === 'workspace.updated' && r[4]!.includes('HYPERLINK'))!
    expect(rename[4]).toBe(`'=HYPERLINK("x")`)
    expect(JSON.parse(rename[8]!)).toEqual({ name: '=HYPERLINK("x")' })
    const attempt = rows.find((r) => r[2] === 'auth.sign_in_failed' && r[6]!.includes('SUM'))!
    expect(attempt[6]).toBe(`'@SUM(1+1)`)
    for (const row of rows) for (const cell of row.slice(1)) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
    expect((await list(owner, 'action=workspace.updated'))[0]!.targetLabel).toBe('=HYPERLINK("x")')
  })
})
