import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { memberships } from '../../kernel/tenancy/index.ts'
import { REMINDER_QUEUE, sendDueReminders } from './reminders.ts'

let t: TestApp
let owner: TestUser
let admin: TestUser
let member: TestUser
let other: TestUser
let outsider: TestUser
let mine: string // a client the member is assigned to
let hidden: string // a client the member may not see
let foreign: string // a client of the outsider's workspace

async function join(u: TestUser, workspaceId: string, role: 'admin' | 'member') {
  await t.database.db.insert(memberships).values({ workspaceId, userId: u.id, role })
  await u.client.put('/api/v1/me/active-workspace', { workspaceId })
}

async function client(u: TestUser, body: Record<string, unknown>) {
  const res = await u.client.post('/api/v1/clients', body)
  expect(res.statusCode, res.body).toBe(201)
  return res.json().id as string
}

const tl = (id: string) => `/api/v1/timeline/client/${id}`

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000', SESSION_CACHE_MS: '0' })
  owner = await t.user({ workspace: 'Timeline Co', name: 'Olive Owner' })
  admin = await t.user({ workspace: false, name: 'Adam Admin' })
  member = await t.user({ workspace: false, name: 'Mia Member' })
  other = await t.user({ workspace: false, name: 'Otto Other' })
  outsider = await t.user({ workspace: 'Elsewhere', name: 'Out Sider' })
  const ws = owner.workspaceId as string
  await join(admin, ws, 'admin')
  await join(member, ws, 'member')
  await join(other, ws, 'member')
  mine = await client(owner, { name: 'Northwind', assigneeIds: [member.id] })
  hidden = await client(owner, { name: 'Secret Corp' })
  foreign = await client(outsider, { name: 'Foreign Ltd' })
})
afterAll(() => t?.close())

describe('notes', () => {
  it('adds, edits and deletes a note, with author, markdown and audit', async () => {
    const res = await member.client.post(`${tl(mine)}/notes`, { body: 'Called **Bob**.' })
    expect(res.statusCode, res.body).toBe(201)
    const note = res.json()
    expect(note.id).toMatch(/^note_[0-9a-f]{32}$/)
    expect(note).toMatchObject({
      body: 'Called **Bob**.',
      author: { id: member.id, name: 'Mia Member' },
      canEdit: true,
      editedAt: null,
    })
    const edited = await member.client.patch(`/api/v1/notes/${note.id}`, { body: 'Called Bob twice.' })
    expect(edited.statusCode).toBe(200)
    expect(edited.json().editedAt).not.toBeNull()
    const audit = (await owner.client.get('/api/v1/audit-logs?action=note.')).json().data
    expect(audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['note.created', 'note.updated']),
    )
    expect((await member.client.del(`/api/v1/notes/${note.id}`)).statusCode).toBe(204)
    expect((await member.client.patch(`/api/v1/notes/${note.id}`, { body: 'x' })).statusCode).toBe(404)
  })

  it('lets only the author or an admin change a note', async () => {
    const note = (await member.client.post(`${tl(mine)}/notes`, { body: 'Mine' })).json()
    await owner.client.patch(`/api/v1/clients/${mine}`, { assigneeIds: [member.id, other.id] })
    const seenByOther = (await other.client.get(tl(mine)))
      .json()
      .data.find((e: { kind: string; note?: { id: string } }) => e.note?.id === note.id)
    expect(seenByOther.note.canEdit).toBe(false)
    const byOther = await other.client.patch(`/api/v1/notes/${note.id}`, { body: 'Not mine' })
    expect(byOther.statusCode).toBe(403)
    expect((await other.client.del(`/api/v1/notes/${note.id}`)).statusCode).toBe(403)
    const byAdmin = await admin.client.patch(`/api/v1/notes/${note.id}`, { body: 'Moderated' })
    expect(byAdmin.statusCode).toBe(200)
    expect(byAdmin.json().author.id).toBe(member.id)
  })

  it('refuses an empty body with a problem naming the field', async () => {
    const res = await member.client.post(`${tl(mine)}/notes`, { body: '   ' })
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json().errors[0].field).toBe('body')
  })
})

describe('tasks', () => {
  it('adds a task with a member assignee, completes it and reopens it', async () => {
    const due = new Date(Date.now() + 86_400_000).toISOString()
    const res = await member.client.post(`${tl(mine)}/tasks`, {
      title: 'Send the proposal',
      dueAt: due,
      assigneeId: member.id,
    })
    expect(res.statusCode, res.body).toBe(201)
    const task = res.json()
    expect(task.id).toMatch(/^task_[0-9a-f]{32}$/)
    expect(task).toMatchObject({
      title: 'Send the proposal',
      dueAt: due,
      done: false,
      assignee: { id: member.id, name: 'Mia Member' },
      recordLabel: 'Northwind',
    })
    const done = await member.client.patch(`/api/v1/tasks/${task.id}`, { done: true })
    expect(done.json()).toMatchObject({ done: true })
    const tasks = (await member.client.get(`${tl(mine)}/tasks`)).json().data
    expect(tasks.find((x: { id: string }) => x.id === task.id).done).toBe(true)
    const reopened = await member.client.patch(`/api/v1/tasks/${task.id}`, { done: false })
    expect(reopened.json()).toMatchObject({ done: false, doneAt: null })
    const audit = (await owner.client.get('/api/v1/audit-logs?action=task.')).json().data
    expect(audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['task.created', 'task.completed', 'task.updated']),
    )
  })

  it('requires the assignee to be a member who can see the record', async () => {
    const notMember = await member.client.post(`${tl(mine)}/tasks`, {
      title: 'x',
      assigneeId: outsider.id,
    })
    expect(notMember.statusCode).toBe(400)
    expect(notMember.json().errors[0]).toEqual({
      field: 'assigneeId',
      message: 'is not a member of this workspace',
    })
    const blind = await owner.client.post(`${tl(hidden)}/tasks`, { title: 'x', assigneeId: member.id })
    expect(blind.statusCode).toBe(400)
    expect(blind.json().errors[0].field).toBe('assigneeId')
    const bad = await owner.client.post(`${tl(hidden)}/tasks`, { title: 'x', dueAt: 'tomorrow' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].field).toBe('dueAt')
  })

  it('lists my tasks due, soonest first, across records, in pages', async () => {
    const u = other
    const soon = new Date(Date.now() + 3_600_000).toISOString()
    const later = new Date(Date.now() + 7 * 86_400_000).toISOString()
    for (const [title, dueAt] of [
      ['Later', later],
      ['Soon', soon],
      ['Whenever', null],
    ] as const)
      await owner.client.post(`${tl(mine)}/tasks`, { title, dueAt, assigneeId: u.id })
    const all = (await u.client.get('/api/v1/tasks?assignee=me')).json().data
    expect(all.map((x: { title: string }) => x.title)).toEqual(['Soon', 'Later', 'Whenever'])
    const first = (await u.client.get('/api/v1/tasks?limit=2')).json()
    const second = (await u.client.get(`/api/v1/tasks?limit=2&cursor=${first.nextCursor}`)).json()
    expect([...first.data, ...second.data].map((x: { title: string }) => x.title)).toEqual([
      'Soon',
      'Later',
      'Whenever',
    ])
    expect(second.nextCursor).toBeNull()
    const dueSoon = new Date(Date.now() + 86_400_000).toISOString()
    const due = (await u.client.get(`/api/v1/tasks?dueBefore=${encodeURIComponent(dueSoon)}`)).json().data
    expect(due.map((x: { title: string }) => x.title)).toEqual(['Soon'])
    expect((await u.client.get(`/api/v1/tasks?assignee=${member.id}`)).statusCode).toBe(403)
    expect((await admin.client.get(`/api/v1/tasks?assignee=${u.id}`)).json().data).toHaveLength(3)
  })
})

describe('the timeline', () => {
  it('merges notes, tasks and readable activity with names, newest first, in pages', async () => {
    const c = await client(owner, { name: 'Merge Inc' })
    await owner.client.patch(`/api/v1/clients/${c}`, { ownerId: admin.id })
    await owner.client.post(`${tl(c)}/notes`, { body: 'A note' })
    await owner.client.post(`${tl(c)}/tasks`, { title: 'A task' })
    const page = (await owner.client.get(tl(c))).json()
    expect(page.data.map((e: { kind: string }) => e.kind)).toEqual(['task', 'note', 'activity', 'activity'])
    const change = page.data[2].activity
    expect(change).toMatchObject({
      action: 'client.updated',
      actor: { id: owner.id, name: 'Olive Owner' },
      before: { ownerId: owner.id },
      after: { ownerId: admin.id },
    })
    expect(page.people).toMatchObject({ [owner.id]: 'Olive Owner', [admin.id]: 'Adam Admin' })
    const p1 = (await owner.client.get(`${tl(c)}?limit=3`)).json()
    const p2 = (await owner.client.get(`${tl(c)}?limit=3&cursor=${p1.nextCursor}`)).json()
    expect([...p1.data, ...p2.data].map((e: { at: string }) => e.at)).toEqual(
      page.data.map((e: { at: string }) => e.at),
    )
    expect(p2.nextCursor).toBeNull()
    const bad = await owner.client.get(`${tl(c)}?cursor=nope`)
    expect(bad.statusCode).toBe(400)
  })

  it('forgets a deleted client’s notes and tasks', async () => {
    const c = await client(owner, { name: 'Short Lived' })
    await owner.client.post(`${tl(c)}/notes`, { body: 'gone soon' })
    expect((await owner.client.del(`/api/v1/clients/${c}`)).statusCode).toBe(204)
    const left = async () =>
      t.database.db.execute(sql`select count(*)::int as n from timeline_notes where record_id = ${c}`)
    for (let i = 0; i < 100; i++) {
      if (Number((await left()).rows[0]?.n) === 0) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(Number((await left()).rows[0]?.n)).toBe(0)
  })
})

describe('boundaries', () => {
  it('hides the timeline of clients a member may not see, answering 404 everywhere', async () => {
    const note = (await owner.client.post(`${tl(hidden)}/notes`, { body: 'private' })).json()
    const task = (await owner.client.post(`${tl(hidden)}/tasks`, { title: 'private' })).json()
    for (const res of [
      await member.client.get(tl(hidden)),
      await member.client.get(`${tl(hidden)}/tasks`),
      await member.client.post(`${tl(hidden)}/notes`, { body: 'x' }),
      await member.client.post(`${tl(hidden)}/tasks`, { title: 'x' }),
      await member.client.patch(`/api/v1/notes/${note.id}`, { body: 'x' }),
      await member.client.del(`/api/v1/notes/${note.id}`),
      await member.client.patch(`/api/v1/tasks/${task.id}`, { done: true }),
      await member.client.del(`/api/v1/tasks/${task.id}`),
    ])
      expect(res.statusCode, res.body).toBe(404)
  })

  it('never reads or writes another workspace’s timeline', async () => {
    const note = (await outsider.client.post(`${tl(foreign)}/notes`, { body: 'theirs' })).json()
    const task = (await outsider.client.post(`${tl(foreign)}/tasks`, { title: 'theirs' })).json()
    for (const u of [owner, member]) {
      for (const res of [
        await u.client.get(tl(foreign)),
        await u.client.get(`${tl(foreign)}/tasks`),
        await u.client.post(`${tl(foreign)}/notes`, { body: 'x' }),
        await u.client.post(`${tl(foreign)}/tasks`, { title: 'x' }),
        await u.client.patch(`/api/v1/notes/${note.id}`, { body: 'x' }),
        await u.client.del(`/api/v1/notes/${note.id}`),
        await u.client.patch(`/api/v1/tasks/${task.id}`, { done: true }),
        await u.client.del(`/api/v1/tasks/${task.id}`),
      ])
        expect(res.statusCode, res.body).toBe(404)
      const mineList = (await u.client.get('/api/v1/tasks?status=all')).json().data
      expect(mineList.some((x: { id: string }) => x.id === task.id)).toBe(false)
    }
    const still = (await outsider.client.get(tl(foreign))).json().data
    expect(still.some((e: { note?: { body: string } }) => e.note?.body === 'theirs')).toBe(true)
  })

  it('answers 404 for an unknown record type and 400 for a malformed id', async () => {
    expect((await owner.client.get(`/api/v1/timeline/invoice/inv_${'0'.repeat(32)}`)).statusCode).toBe(404)
    const bad = await owner.client.get('/api/v1/timeline/client/nope')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].field).toContain('recordId')
  })

  it('keeps the rows of another workspace out of reach of SQL itself (RLS)', async () => {
    const r = await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'atrium_app', true)`)
      const notes = await tx.execute(sql`select count(*)::int as n from timeline_notes`)
      const tasks = await tx.execute(sql`select count(*)::int as n from timeline_tasks`)
      return [Number(notes.rows[0]?.n), Number(tasks.rows[0]?.n)]
    })
    expect(r).toEqual([0, 0])
  })
})

describe('due reminders', () => {
  it('queues exactly one email to the assignee when a task falls due, however many sweeps run', async () => {
    const task = (
      await owner.client.post(`${tl(mine)}/tasks`, {
        title: 'Renew the contract',
        dueAt: new Date(Date.now() + 3_600_000).toISOString(),
        assigneeId: member.id,
      })
    ).json()
    const sweep = () => sendDueReminders(t.database, t.kernel.jobs, 'http://localhost:3000')
    expect(await sweep()).toBe(0)
    await t.database.db.execute(
      sql`update timeline_tasks set due_at = now() - interval '1 minute' where id = ${task.id}`,
    )
    const counts = await Promise.all([sweep(), sweep(), sweep()])
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1)
    expect(await sweep()).toBe(0)
    const mail = await t.mail(member.email, /Task due/)
    expect(mail.text).toContain('Renew the contract')
    expect(mail.link).toBe(`http://localhost:3000/clients/${mine}`)
    const queued = await t.database.db.execute(
      sql`select count(*)::int as n from pgboss.job where name = 'mail.send' and data->>'subject' = 'Task due: Renew the contract'`,
    )
    expect(Number(queued.rows[0]?.n)).toBe(1)
  })

  it('sends nothing for done tasks, and again after the due time changes', async () => {
    const task = (
      await owner.client.post(`${tl(mine)}/tasks`, { title: 'Done already', assigneeId: member.id })
    ).json()
    await member.client.patch(`/api/v1/tasks/${task.id}`, { done: true })
    await t.database.db.execute(
      sql`update timeline_tasks set due_at = now() - interval '1 minute' where id = ${task.id}`,
    )
    expect(await sendDueReminders(t.database, t.kernel.jobs, 'http://localhost:3000')).toBe(0)
    await member.client.patch(`/api/v1/tasks/${task.id}`, { done: false })
    expect(await sendDueReminders(t.database, t.kernel.jobs, 'http://localhost:3000')).toBe(1)
    await member.client.patch(`/api/v1/tasks/${task.id}`, {
      dueAt: new Date(Date.now() - 1000).toISOString(),
    })
    expect(await sendDueReminders(t.database, t.kernel.jobs, 'http://localhost:3000')).toBe(1)
  })

  it('runs on a one-minute pg-boss schedule, whose job sends the reminder', async () => {
    const schedules = await t.database.db.execute(
      sql`select cron from pgboss.schedule where name = ${REMINDER_QUEUE}`,
    )
    expect(schedules.rows).toEqual([{ cron: '* * * * *' }])
    const task = (
      await owner.client.post(`${tl(mine)}/tasks`, { title: 'Scheduled call', assigneeId: member.id })
    ).json()
    await t.database.db.execute(
      sql`update timeline_tasks set due_at = now() - interval '1 minute' where id = ${task.id}`,
    )
    await t.kernel.jobs.send(REMINDER_QUEUE, {})
    const mail = await t.mail(member.email, /Task due: Scheduled call/)
    expect(mail.text).toContain('Northwind')
  })
})
