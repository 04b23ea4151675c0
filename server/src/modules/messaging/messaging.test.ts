import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'

type Msg = {
  id: string
  body: string
  html: string
  parentId: string | null
  replyCount: number
  mentionedUserIds: string[]
  channelMention: boolean
  editedAt: string | null
  deletedAt: string | null
  attachments: { id: string; name: string }[]
  reactions: { emoji: string; count: number; mine: boolean }[]
}
type Conv = {
  id: string
  kind: string
  name: string | null
  joined: boolean
  unreadCount: number
  memberIds: string[] | null
  archivedAt: string | null
  canManage: boolean
}

describe('messaging', () => {
  let t: TestApp
  let owner: TestUser
  let alice: TestUser
  let bob: TestUser
  let ws: string
  let outsider: TestUser

  const post = async (u: TestUser, conv: string, body: string, extra: object = {}) => {
    const res = await u.client.post(`/api/v1/conversations/${conv}/messages`, { body, ...extra })
    expect(res.statusCode, res.body).toBe(201)
    return res.json() as Msg
  }
  const create = async (u: TestUser, body: object) => {
    const res = await u.client.post('/api/v1/conversations', body)
    expect(res.statusCode, res.body).toBe(201)
    return res.json() as Conv
  }
  const list = async (u: TestUser) =>
    (await u.client.get('/api/v1/conversations')).json() as { data: Conv[]; totalUnread: number }

  beforeAll(async () => {
    t = await createTestApp({ MESSAGE_MAX_LENGTH: '2000', MESSAGES_PER_MINUTE: '1000' })
    owner = await t.user({ name: 'Olivia Owner' })
    ws = owner.workspaceId as string
    alice = await joinWorkspace(t, ws, 'member', 'Alice Martin')
    bob = await joinWorkspace(t, ws, 'member', 'Bob Stone')
    outsider = await t.user({ name: 'Otto Outsider' })
  })
  afterAll(async () => t?.close())

  it('creates public and private channels; members see public ones and private ones only as participants', async () => {
    const pub = await create(alice, { kind: 'channel_public', name: 'design', topic: 'Pixels' })
    expect(pub).toMatchObject({ kind: 'channel_public', name: 'design', joined: true, canManage: true })
    const priv = await create(alice, { kind: 'channel_private', name: 'secret', memberIds: [owner.id] })

    const bobList = await list(bob)
    expect(bobList.data.map((c) => c.id)).toContain(pub.id)
    expect(bobList.data.map((c) => c.id)).not.toContain(priv.id)
    expect(bobList.data.find((c) => c.id === pub.id)?.joined).toBe(false)
    expect((await bob.client.get(`/api/v1/conversations/${priv.id}`)).statusCode).toBe(404)
    expect((await bob.client.get(`/api/v1/conversations/${priv.id}/messages`)).statusCode).toBe(404)
    expect(
      (await bob.client.post(`/api/v1/conversations/${priv.id}/messages`, { body: 'hi' })).statusCode,
    ).toBe(404)

    // A channel needs a name; a member cannot manage another's channel.
    const noName = await alice.client.post('/api/v1/conversations', { kind: 'channel_public' })
    expect(noName.statusCode).toBe(400)
    expect(noName.json().errors[0].field).toBe('name')
    expect((await bob.client.patch(`/api/v1/conversations/${pub.id}`, { name: 'x' })).statusCode).toBe(403)
    // Admins and owners manage any channel.
    const renamed = await owner.client.patch(`/api/v1/conversations/${pub.id}`, {
      name: 'design-team',
      topic: 'UI',
    })
    expect(renamed.statusCode).toBe(200)
    expect(renamed.json()).toMatchObject({ name: 'design-team' })
    const audit = await owner.client.get('/api/v1/audit-logs?limit=50')
    expect(JSON.stringify(audit.json())).toContain('conversation.updated')
  })

  it('opens the same direct conversation for the same pair, from either side', async () => {
    const a = await alice.client.post('/api/v1/conversations/direct', { userId: bob.id })
    expect(a.statusCode).toBe(201)
    const again = await alice.client.post('/api/v1/conversations/direct', { userId: bob.id })
    expect(again.statusCode).toBe(200)
    const fromBob = await bob.client.post('/api/v1/conversations/direct', { userId: alice.id })
    expect(fromBob.statusCode).toBe(200)
    expect(again.json().id).toBe(a.json().id)
    expect(fromBob.json().id).toBe(a.json().id)
    expect([...(a.json() as Conv).memberIds!].sort()).toEqual([alice.id, bob.id].sort())
    expect((await owner.client.get(`/api/v1/conversations/${a.json().id}`)).statusCode).toBe(404)
    // Not with oneself, not with someone outside the workspace.
    expect((await alice.client.post('/api/v1/conversations/direct', { userId: alice.id })).statusCode).toBe(
      400,
    )
    const out = await alice.client.post('/api/v1/conversations/direct', { userId: outsider.id })
    expect(out.statusCode).toBe(400)
    expect(out.json().errors[0].field).toBe('userId')
  })

  it('concurrent requests: one direct conversation per pair, and every message posted once in its own place', async () => {
    const carol = await joinWorkspace(t, ws, 'member', 'Carol Race')
    const opens = await Promise.all([
      carol.client.post('/api/v1/conversations/direct', { userId: owner.id }),
      owner.client.post('/api/v1/conversations/direct', { userId: carol.id }),
      carol.client.post('/api/v1/conversations/direct', { userId: owner.id }),
    ])
    expect(opens.map((r) => r.statusCode).sort()).toEqual([200, 200, 201])
    expect(new Set(opens.map((r) => r.json().id)).size).toBe(1)
    const id = opens[0]?.json().id as string
    const posts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? carol : owner).client.post(`/api/v1/conversations/${id}/messages`, { body: `race ${i}` }),
      ),
    )
    expect(posts.map((r) => r.statusCode)).toEqual(Array(8).fill(201))
    const page = (await carol.client.get(`/api/v1/conversations/${id}/messages`)).json()
    expect(page.data).toHaveLength(8)
    expect(new Set(page.data.map((m: Msg) => m.body)).size).toBe(8)
  })

  it('emits message.created with the ids subscribers need, through the outbox', async () => {
    const c = await create(alice, { kind: 'group', memberIds: [bob.id, owner.id] })
    await owner.client.post(`/api/v1/conversations/${c.id}/mute`, { muted: true })
    const m = await post(alice, c.id, 'hello @bob')
    const rows = await t.database.query<{ data: { type: string; payload: Record<string, unknown> } }>(
      `select data from pgboss.job where name like 'event.%' and data->>'type' = 'message.created' and data->'payload'->>'messageId' = $1`,
      [m.id],
    )
    expect(rows.length).toBeGreaterThan(0)
    const p = rows[0]?.data.payload as Record<string, unknown>
    expect(p).toMatchObject({
      conversationId: c.id,
      messageId: m.id,
      authorId: alice.id,
      conversationKind: 'group',
      parentId: null,
      mentionedUserIds: [bob.id],
      channelMention: false,
      mutedUserIds: [owner.id],
    })
    expect([...(p.participantUserIds as string[])].sort()).toEqual([alice.id, bob.id, owner.id].sort())
  })

  it('renders hostile markdown harmless and keeps the source', async () => {
    const c = await create(alice, { kind: 'group', memberIds: [bob.id] })
    const hostile = [
      '<script>alert(1)</script>',
      '[click](javascript:alert(1))',
      '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '<img src=x onerror=alert(1)>',
      '![pic](https://example.com/x.png" onerror="alert(1))',
      '<a href="javascript:alert(1)">x</a>',
      '[ok](https://example.com) **bold**',
    ].join('\n\n')
    const m = await post(alice, c.id, hostile)
    expect(m.body).toBe(hostile)
    expect(m.html).not.toMatch(/<script/i)
    expect(m.html).not.toMatch(/<img/i)
    expect(m.html).not.toMatch(/href="javascript:/i)
    expect(m.html).not.toMatch(/href="data:/i)
    expect(m.html).not.toMatch(/<a href="javascript/i)
    expect(m.html).not.toMatch(/<[^>]*\sonerror=/i)
    expect(m.html).toContain('&lt;script&gt;')
    expect(m.html).toContain(
      '<a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">ok</a>',
    )
    expect(m.html).toContain('<strong>bold</strong>')
  })

  it('refuses an oversized or empty message with a problem naming body, and a bad attachment', async () => {
    const c = await create(alice, { kind: 'group', memberIds: [] })
    const big = await alice.client.post(`/api/v1/conversations/${c.id}/messages`, { body: 'x'.repeat(2001) })
    expect(big.statusCode).toBe(400)
    expect(big.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(big.json().errors).toEqual([{ field: 'body', message: 'must be at most 2000 characters' }])
    const empty = await alice.client.post(`/api/v1/conversations/${c.id}/messages`, { body: '  ' })
    expect(empty.statusCode).toBe(400)
    expect(empty.json().errors[0].field).toBe('body')
    const file = await alice.client.post(`/api/v1/conversations/${c.id}/messages`, {
      body: 'see',
      attachmentIds: [`file_${'0'.repeat(32)}`],
    })
    expect(file.statusCode).toBe(400)
    expect(file.json().errors[0].field).toBe('attachmentIds')
  })

  it('resolves @member and @channel mentions to the people who can read the conversation', async () => {
    const c = await create(alice, { kind: 'channel_private', name: 'mentions', memberIds: [bob.id] })
    const m = await post(alice, c.id, 'Hi @bob and @"Olivia Owner" and @alice, see @channel — `@bob` in code')
    // Olivia is not in this private channel, Alice is the author: only Bob is mentioned.
    expect(m.mentionedUserIds).toEqual([bob.id])
    expect(m.channelMention).toBe(true)
    const pub = await create(alice, { kind: 'channel_public', name: 'mentions-public' })
    const m2 = await post(alice, pub.id, 'ping @olivia')
    expect(m2.mentionedUserIds).toEqual([owner.id])
  })

  it('edits (marked edited), deletes (soft, body removed), threads and reactions', async () => {
    const c = await create(alice, { kind: 'group', memberIds: [bob.id] })
    const m = await post(alice, c.id, 'first draft')
    expect(
      (await bob.client.patch(`/api/v1/conversations/${c.id}/messages/${m.id}`, { body: 'hack' })).statusCode,
    ).toBe(403)
    const edited = await alice.client.patch(`/api/v1/conversations/${c.id}/messages/${m.id}`, {
      body: 'final',
    })
    expect(edited.statusCode).toBe(200)
    expect(edited.json()).toMatchObject({ body: 'final' })
    expect(edited.json().editedAt).not.toBeNull()

    const r1 = await post(bob, c.id, 'a reply', { parentId: m.id })
    await post(alice, c.id, 'another', { parentId: m.id })
    const parent = (await alice.client.get(`/api/v1/conversations/${c.id}/messages/${m.id}`)).json() as Msg
    expect(parent.replyCount).toBe(2)
    const replies = await alice.client.get(`/api/v1/conversations/${c.id}/messages/${m.id}/replies`)
    expect((replies.json().data as Msg[]).map((x) => x.body)).toEqual(['a reply', 'another'])
    // Replies stay out of the channel's timeline; a reply of a reply is refused.
    const top = (await alice.client.get(`/api/v1/conversations/${c.id}/messages`)).json().data as Msg[]
    expect(top.map((x) => x.id)).toEqual([m.id])
    const deep = await bob.client.post(`/api/v1/conversations/${c.id}/messages`, {
      body: 'x',
      parentId: r1.id,
    })
    expect(deep.statusCode).toBe(400)

    const react = await bob.client.post(`/api/v1/conversations/${c.id}/messages/${m.id}/reactions`, {
      emoji: '👍',
    })
    expect(react.statusCode).toBe(200)
    await bob.client.post(`/api/v1/conversations/${c.id}/messages/${m.id}/reactions`, { emoji: '👍' })
    const twice = await alice.client.post(`/api/v1/conversations/${c.id}/messages/${m.id}/reactions`, {
      emoji: '👍',
    })
    expect(twice.json().reactions).toEqual([
      { emoji: '👍', count: 2, userIds: [bob.id, alice.id], mine: true },
    ])
    const undo = await bob.client.del(
      `/api/v1/conversations/${c.id}/messages/${m.id}/reactions/${encodeURIComponent('👍')}`,
    )
    expect(undo.json().reactions).toEqual([{ emoji: '👍', count: 1, userIds: [alice.id], mine: false }])

    expect((await bob.client.del(`/api/v1/conversations/${c.id}/messages/${m.id}`)).statusCode).toBe(403)
    expect((await alice.client.del(`/api/v1/conversations/${c.id}/messages/${m.id}`)).statusCode).toBe(204)
    const gone = (await bob.client.get(`/api/v1/conversations/${c.id}/messages/${m.id}`)).json() as Msg
    expect(gone).toMatchObject({ body: '', html: '', reactions: [] })
    expect(gone.deletedAt).not.toBeNull()
  })

  it('attaches files the author uploaded; they follow the conversation’s visibility', async () => {
    const c = await create(alice, { kind: 'channel_private', name: 'files', memberIds: [bob.id] })
    const up = await alice.client.request({
      method: 'POST',
      url: '/api/v1/files?name=notes.txt',
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from('meeting notes'),
    })
    expect(up.statusCode, up.body).toBe(201)
    const fileId = up.json().id as string
    // Someone else cannot attach Alice's file.
    const stolen = await bob.client.post(`/api/v1/conversations/${c.id}/messages`, {
      body: 'mine',
      attachmentIds: [fileId],
    })
    expect(stolen.statusCode).toBe(400)
    const m = await post(alice, c.id, 'the notes', { attachmentIds: [fileId] })
    expect(m.attachments).toEqual([{ id: fileId, name: 'notes.txt', contentType: 'text/plain', size: 13 }])
    expect((await bob.client.get(`/api/v1/files/${fileId}/content`)).body).toBe('meeting notes')
    expect((await owner.client.get(`/api/v1/files/${fileId}`)).statusCode).toBe(404)
    // The same file cannot be attached twice.
    const again = await alice.client.post(`/api/v1/conversations/${c.id}/messages`, {
      body: 'x',
      attachmentIds: [fileId],
    })
    expect(again.statusCode).toBe(400)
    // Bob can read the message but not change it: he cannot attach a file to it through the files API.
    const sendTo = (u: TestUser, messageId: string, name = 'extra.txt', text = 'not from alice') =>
      u.client.request({
        method: 'POST',
        url: `/api/v1/files?name=${name}&recordType=message&recordId=${messageId}`,
        headers: { 'content-type': 'application/octet-stream' },
        payload: Buffer.from(text),
      })
    const sneaked = await sendTo(bob, m.id)
    expect(sneaked.statusCode).toBe(403)
    expect(sneaked.json()).toMatchObject({ errors: [{ field: 'recordId' }] })
    // Someone who cannot read it (the owner, outside this private channel; another workspace): 404.
    expect((await sendTo(owner, m.id)).statusCode).toBe(404)
    expect((await sendTo(outsider, m.id)).statusCode).toBe(404)
    const shown = (await alice.client.get(`/api/v1/conversations/${c.id}/messages/${m.id}`)).json() as Msg
    expect(shown.attachments.map((a) => a.id)).toEqual([fileId])
    const listed = await bob.client.get(`/api/v1/files?recordType=message&recordId=${m.id}`)
    expect(listed.json().data).toMatchObject([{ id: fileId, canDelete: false }])
    expect((await owner.client.get(`/api/v1/files?recordType=message&recordId=${m.id}`)).statusCode).toBe(404)
    expect((await outsider.client.get(`/api/v1/files?recordType=message&recordId=${m.id}`)).statusCode).toBe(
      404,
    )
    // Bob cannot remove Alice's file; the owner (files:manage) cannot see it; another workspace neither.
    expect((await bob.client.del(`/api/v1/files/${fileId}`)).statusCode).toBe(403)
    expect((await owner.client.del(`/api/v1/files/${fileId}`)).statusCode).toBe(404)
    expect((await outsider.client.del(`/api/v1/files/${fileId}`)).statusCode).toBe(404)

    // Alice may change her message: a file she attaches through the files API becomes one of its
    // attachments, and search finds it.
    const plain = await post(alice, c.id, 'minutes to follow')
    const added = await sendTo(alice, plain.id, 'minutes.txt', 'the minutes')
    expect(added.statusCode, added.body).toBe(201)
    expect(added.json()).toMatchObject({ recordType: 'message', recordId: plain.id, canDelete: true })
    const withFile = (
      await bob.client.get(`/api/v1/conversations/${c.id}/messages/${plain.id}`)
    ).json() as Msg
    expect(withFile.attachments.map((a) => a.id)).toEqual([added.json().id])
    const found = await bob.client.get(
      `/api/v1/conversations/messages/search?hasAttachment=true&conversation=${c.id}`,
    )
    expect(
      found
        .json()
        .data.map((h: { message: Msg }) => h.message.id)
        .sort(),
    ).toEqual([m.id, plain.id].sort())
    // Bob's own message in a public channel is still not Alice's to attach to.
    const pub = await create(alice, { kind: 'channel_public', name: 'files-public' })
    expect((await bob.client.post(`/api/v1/conversations/${pub.id}/join`)).statusCode).toBe(200)
    const bobs = await post(bob, pub.id, 'my message')
    expect((await sendTo(alice, bobs.id)).statusCode).toBe(403)
    expect((await sendTo(owner, bobs.id)).statusCode).toBe(403)
    // Removing the file takes it off the message; the last file of a message without text cannot go.
    expect((await alice.client.del(`/api/v1/files/${added.json().id}`)).statusCode).toBe(204)
    const without = (
      await alice.client.get(`/api/v1/conversations/${c.id}/messages/${plain.id}`)
    ).json() as Msg
    expect(without.attachments).toEqual([])
    const only = await alice.client.request({
      method: 'POST',
      url: '/api/v1/files?name=only.txt',
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from('just a file'),
    })
    const bare = await post(alice, c.id, '', { attachmentIds: [only.json().id] })
    expect((await alice.client.del(`/api/v1/files/${only.json().id}`)).statusCode).toBe(409)
    // An archived conversation is read-only: no file goes in or out.
    expect((await alice.client.post(`/api/v1/conversations/${c.id}/archive`)).statusCode).toBe(200)
    expect((await sendTo(alice, plain.id)).statusCode).toBe(403)
    expect((await alice.client.del(`/api/v1/files/${fileId}`)).statusCode).toBe(403)
    expect((await bob.client.get(`/api/v1/files/${fileId}/content`)).body).toBe('meeting notes')
    expect(bare.attachments).toHaveLength(1)
  })

  it('counts unread messages per conversation and in total; read receipts move forward only', async () => {
    const c = await create(alice, { kind: 'group', memberIds: [bob.id] })
    const before = (await list(bob)).totalUnread
    const sent: Msg[] = []
    for (let i = 0; i < 3; i++) sent.push(await post(alice, c.id, `news ${i}`))
    await post(alice, c.id, 'in a thread', { parentId: sent[0]!.id })
    const bobView = await list(bob)
    expect(bobView.data.find((x) => x.id === c.id)?.unreadCount).toBe(3)
    expect(bobView.totalUnread).toBe(before + 3)
    expect((await list(alice)).data.find((x) => x.id === c.id)?.unreadCount).toBe(0)

    const read = await bob.client.post(`/api/v1/conversations/${c.id}/read`, { messageId: sent[1]!.id })
    expect(read.json()).toEqual({ lastReadMessageId: sent[1]!.id, unreadCount: 1 })
    // A thread reply reads up to its thread's first message, which is behind the cursor: nothing moves.
    const replies = (
      await bob.client.get(`/api/v1/conversations/${c.id}/messages/${sent[0]!.id}/replies`)
    ).json()
    const viaReply = await bob.client.post(`/api/v1/conversations/${c.id}/read`, {
      messageId: replies.data[0].id,
    })
    expect(viaReply.json()).toEqual({ lastReadMessageId: sent[1]!.id, unreadCount: 1 })
    const back = await bob.client.post(`/api/v1/conversations/${c.id}/read`, { messageId: sent[0]!.id })
    expect(back.json()).toEqual({ lastReadMessageId: sent[1]!.id, unreadCount: 1 })
    const members = (await alice.client.get(`/api/v1/conversations/${c.id}/members`)).json().data as {
      userId: string
      lastReadMessageId: string | null
    }[]
    expect(members.find((p) => p.userId === bob.id)?.lastReadMessageId).toBe(sent[1]!.id)
    // Muted conversations leave the total.
    await bob.client.post(`/api/v1/conversations/${c.id}/mute`, { muted: true })
    expect((await list(bob)).totalUnread).toBe(before)
  })

  it('pages history before a message and jumps around one', async () => {
    const c = await create(alice, { kind: 'group', memberIds: [] })
    const ids: string[] = []
    for (let i = 0; i < 30; i++) ids.push((await post(alice, c.id, `line ${i}`)).id)
    const newest = (await alice.client.get(`/api/v1/conversations/${c.id}/messages?limit=10`)).json()
    expect(newest.data.map((m: Msg) => m.body)).toEqual(
      Array.from({ length: 10 }, (_, i) => `line ${i + 20}`),
    )
    expect(newest.hasBefore).toBe(true)
    const older = (
      await alice.client.get(`/api/v1/conversations/${c.id}/messages?limit=10&before=${ids[20]}`)
    ).json()
    expect(older.data.map((m: Msg) => m.body)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 10}`))
    const around = (
      await alice.client.get(`/api/v1/conversations/${c.id}/messages?limit=6&around=${ids[5]}`)
    ).json()
    expect(around.data.map((m: Msg) => m.body)).toEqual([
      'line 3',
      'line 4',
      'line 5',
      'line 6',
      'line 7',
      'line 8',
    ])
    expect(around).toMatchObject({ hasBefore: true, hasAfter: true })
    const other = await create(alice, { kind: 'group', memberIds: [] })
    const foreign = await alice.client.get(`/api/v1/conversations/${other.id}/messages?before=${ids[3]}`)
    expect(foreign.statusCode).toBe(400)
    expect(foreign.json().errors[0].field).toBe('before')
  })

  it('a removed member loses access at once; leaving works; archived conversations are read-only', async () => {
    const c = await create(alice, { kind: 'channel_private', name: 'project-x', memberIds: [bob.id] })
    const m = await post(alice, c.id, 'plans')
    expect((await bob.client.get(`/api/v1/conversations/${c.id}/messages/${m.id}`)).statusCode).toBe(200)
    expect((await alice.client.del(`/api/v1/conversations/${c.id}/members/${bob.id}`)).statusCode).toBe(204)
    expect((await bob.client.get(`/api/v1/conversations/${c.id}/messages/${m.id}`)).statusCode).toBe(404)
    expect((await bob.client.get(`/api/v1/conversations/messages/search?q=plans`)).json().data).toEqual([])
    // Added back, then leaving on their own.
    expect(
      (await alice.client.post(`/api/v1/conversations/${c.id}/members`, { userIds: [bob.id] })).statusCode,
    ).toBe(200)
    expect((await bob.client.get(`/api/v1/conversations/${c.id}`)).statusCode).toBe(200)
    expect((await bob.client.post(`/api/v1/conversations/${c.id}/leave`)).statusCode).toBe(204)
    expect((await bob.client.get(`/api/v1/conversations/${c.id}`)).statusCode).toBe(404)

    expect(
      (await alice.client.post(`/api/v1/conversations/${c.id}/archive`)).json().archivedAt,
    ).not.toBeNull()
    const closed = await alice.client.post(`/api/v1/conversations/${c.id}/messages`, { body: 'late' })
    expect(closed.statusCode).toBe(409)
    expect((await alice.client.post(`/api/v1/conversations/${c.id}/unarchive`)).json().archivedAt).toBeNull()
    const audit = JSON.stringify((await owner.client.get('/api/v1/audit-logs?limit=100')).json())
    for (const a of [
      'conversation.member_removed',
      'conversation.member_added',
      'conversation.left',
      'conversation.archived',
    ])
      expect(audit).toContain(a)
  })

  it('public channels: join to post; anyone reads', async () => {
    const c = await create(alice, { kind: 'channel_public', name: 'announcements' })
    const first = await post(alice, c.id, 'hello all')
    const posted = (await owner.client.get('/api/v1/audit-logs?action=message.posted&limit=100')).json()
      .data as { targetId: string; targetLabel: string }[]
    expect(posted.find((e) => e.targetId === first.id)).toMatchObject({ targetLabel: c.id })
    expect((await bob.client.get(`/api/v1/conversations/${c.id}/messages`)).json().data).toHaveLength(1)
    const notJoined = await bob.client.post(`/api/v1/conversations/${c.id}/messages`, { body: 'me too' })
    expect(notJoined.statusCode).toBe(403)
    expect((await bob.client.post(`/api/v1/conversations/${c.id}/join`)).json().joined).toBe(true)
    await post(bob, c.id, 'me too')
  })

  it('search finds messages with typos, only in conversations the user can read, with filters', async () => {
    const pub = await create(alice, { kind: 'channel_public', name: 'search-public' })
    const priv = await create(alice, { kind: 'channel_private', name: 'search-private', memberIds: [] })
    const dm = (await alice.client.post('/api/v1/conversations/direct', { userId: owner.id })).json() as Conv
    const a = await post(alice, pub.id, 'The quarterly budget review is on Thursday')
    await post(alice, priv.id, 'Confidential budget numbers for the quarterly review')
    await post(alice, dm.id, 'quarterly budget private note')
    const hits = async (u: TestUser, qs: string) =>
      (
        (await u.client.get(`/api/v1/conversations/messages/search?${qs}`)).json().data as { message: Msg }[]
      ).map((h) => h.message.id)
    expect(await hits(bob, 'q=quartely%20budjet')).toEqual([a.id])
    const aliceHits = await hits(alice, 'q=quarterly%20budget')
    expect(aliceHits).toHaveLength(3)
    // Owners manage channels but read only what they take part in.
    expect(await hits(owner, 'q=confidential')).toEqual([])
    expect((await hits(owner, 'q=quarterly')).length).toBe(2)
    expect(await hits(alice, `q=quarterly&conversation=${pub.id}`)).toEqual([a.id])
    expect((await hits(alice, `q=quarterly&author=${bob.id}`)).length).toBe(0)
    expect((await hits(alice, 'q=quarterly&author=me')).length).toBe(3)
    expect((await hits(alice, 'q=quarterly&from=2999-01-01')).length).toBe(0)
    const bad = await alice.client.get('/api/v1/conversations/messages/search?conversation=nope')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].field).toBe('conversation')
    // Paging without q: newest first, by cursor.
    const page1 = (await alice.client.get('/api/v1/conversations/messages/search?limit=2')).json()
    expect(page1.data).toHaveLength(2)
    const page2 = (
      await alice.client.get(`/api/v1/conversations/messages/search?limit=2&cursor=${page1.nextCursor}`)
    ).json()
    expect(page2.data[0].message.id).not.toBe(page1.data[1].message.id)
  })

  it('another workspace sees nothing and touches nothing (404)', async () => {
    const c = await create(alice, { kind: 'channel_public', name: 'cross' })
    const m = await post(alice, c.id, 'internal only')
    const o = outsider.client
    expect((await o.get(`/api/v1/conversations/${c.id}`)).statusCode).toBe(404)
    expect((await o.get(`/api/v1/conversations/${c.id}/messages`)).statusCode).toBe(404)
    expect((await o.get(`/api/v1/conversations/${c.id}/messages/${m.id}`)).statusCode).toBe(404)
    expect((await o.post(`/api/v1/conversations/${c.id}/messages`, { body: 'x' })).statusCode).toBe(404)
    expect((await o.patch(`/api/v1/conversations/${c.id}/messages/${m.id}`, { body: 'x' })).statusCode).toBe(
      404,
    )
    expect((await o.del(`/api/v1/conversations/${c.id}/messages/${m.id}`)).statusCode).toBe(404)
    expect((await o.post(`/api/v1/conversations/${c.id}/join`)).statusCode).toBe(404)
    expect((await o.patch(`/api/v1/conversations/${c.id}`, { name: 'x' })).statusCode).toBe(404)
    expect(
      (await o.post(`/api/v1/conversations/${c.id}/members`, { userIds: [outsider.id] })).statusCode,
    ).toBe(404)
    expect((await o.post(`/api/v1/conversations/${c.id}/read`, { messageId: m.id })).statusCode).toBe(404)
    expect(
      (await o.post(`/api/v1/conversations/${c.id}/messages/${m.id}/reactions`, { emoji: 'x' })).statusCode,
    ).toBe(404)
    expect((await o.get('/api/v1/conversations')).json().data).toEqual([])
    expect((await o.get('/api/v1/conversations/messages/search?q=internal')).json().data).toEqual([])
    expect((await o.post('/api/v1/conversations/direct', { userId: alice.id })).statusCode).toBe(400)
  })

  it('honours Idempotency-Key on posting: a retry gets the same message, not a second one', async () => {
    const c = await create(alice, { kind: 'group', memberIds: [] })
    const send = () =>
      alice.client.request({
        method: 'POST',
        url: `/api/v1/conversations/${c.id}/messages`,
        headers: { 'idempotency-key': 'send-1' },
        payload: { body: 'exactly once' },
      })
    const first = await send()
    const retry = await send()
    expect(first.statusCode).toBe(201)
    expect(retry.statusCode).toBe(201)
    expect(retry.headers['idempotent-replayed']).toBe('true')
    expect(retry.json().id).toBe(first.json().id)
    const page = (await alice.client.get(`/api/v1/conversations/${c.id}/messages`)).json()
    expect(page.data).toHaveLength(1)
    // Catching up after a message.
    const second = await post(alice, c.id, 'then this')
    const after = (
      await alice.client.get(`/api/v1/conversations/${c.id}/messages?after=${first.json().id}`)
    ).json()
    expect(after.data.map((m: Msg) => m.id)).toEqual([second.id])
  })

  it('opens one conversation per client; others join through its members', async () => {
    const made = await alice.client.post('/api/v1/clients', { name: 'Northwind Traders' })
    expect(made.statusCode, made.body).toBe(201)
    const clientId = made.json().id as string
    const first = await owner.client.post('/api/v1/conversations/client', { clientId })
    expect(first.statusCode, first.body).toBe(201)
    expect(first.json()).toMatchObject({ kind: 'client', clientId, name: 'Northwind Traders', role: 'owner' })
    const again = await owner.client.post('/api/v1/conversations/client', { clientId })
    expect(again.statusCode).toBe(200)
    expect(again.json().id).toBe(first.json().id)
    // Alice (who sees the client) does not take part yet: 403 here, 404 on the conversation.
    expect((await alice.client.post('/api/v1/conversations/client', { clientId })).statusCode).toBe(403)
    expect((await alice.client.get(`/api/v1/conversations/${first.json().id}`)).statusCode).toBe(404)
    await owner.client.post(`/api/v1/conversations/${first.json().id}/members`, { userIds: [alice.id] })
    expect((await alice.client.post('/api/v1/conversations/client', { clientId })).statusCode).toBe(200)
    const unknown = await owner.client.post('/api/v1/conversations/client', {
      clientId: `cli_${'0'.repeat(32)}`,
    })
    expect(unknown.statusCode).toBe(404)
    expect((await outsider.client.post('/api/v1/conversations/client', { clientId })).statusCode).toBe(404)
  })

  it('adds a client’s contacts as external participants of its conversation, never of team channels', async () => {
    const made = await alice.client.post('/api/v1/clients', { name: 'Fabrikam Industries' })
    expect(made.statusCode, made.body).toBe(201)
    const clientId = made.json().id as string
    const contact = async (u: TestUser, client: string, name: string) => {
      const r = await u.client.post(`/api/v1/clients/${client}/contacts`, {
        name,
        email: `${name.split(' ')[0]}@fabrikam.example`.toLowerCase(),
      })
      expect(r.statusCode, r.body).toBe(201)
      return r.json().id as string
    }
    const dana = await contact(alice, clientId, 'Dana Client')
    const eli = await contact(alice, clientId, 'Eli Client')
    const other = (await alice.client.post('/api/v1/clients', { name: 'Contoso' })).json().id as string
    const stranger = await contact(alice, other, 'Sam Other')
    const elsewhere = (await outsider.client.post('/api/v1/clients', { name: 'Outside Co' })).json()
      .id as string
    const foreign = await contact(outsider, elsewhere, 'Fay Foreign')
    const c = (await owner.client.post('/api/v1/conversations/client', { clientId })).json() as Conv
    const url = `/api/v1/conversations/${c.id}/external-participants`

    // The owner adds one (201, then 200 for the same contact); Alice sees the client without taking
    // part in the conversation, and may add too.
    const added = await owner.client.post(url, { contactId: dana })
    expect(added.statusCode, added.body).toBe(201)
    expect(added.json()).toMatchObject({
      contactId: dana,
      name: 'Dana Client',
      email: 'dana@fabrikam.example',
      userId: null,
    })
    expect((await owner.client.post(url, { contactId: dana })).statusCode).toBe(200)
    expect((await alice.client.post(url, { contactId: eli })).statusCode).toBe(201)
    // Only the client's own contacts: another client's, another workspace's, a malformed id → 400.
    for (const contactId of [stranger, foreign, 'nope']) {
      const bad = await owner.client.post(url, { contactId })
      expect(bad.statusCode).toBe(400)
      expect(bad.json().errors[0].field).toBe('contactId')
    }
    // Bob does not see the client; another workspace sees nothing: 404 on every route.
    for (const u of [bob, outsider]) {
      expect((await u.client.get(url)).statusCode).toBe(404)
      expect((await u.client.post(url, { contactId: dana })).statusCode).toBe(404)
      expect((await u.client.del(`${url}/${added.json().id}`)).statusCode).toBe(404)
    }
    const listed = await alice.client.get(url)
    expect(listed.json().data.map((p: { contactId: string }) => p.contactId)).toEqual([dana, eli])
    // They are participants of type external; they are not team members.
    const members = (await owner.client.get(`/api/v1/conversations/${c.id}/members`)).json().data as {
      type: string
      contactId: string | null
    }[]
    expect(members.filter((m) => m.type === 'external').map((m) => m.contactId)).toEqual([dana, eli])
    expect((await owner.client.get(`/api/v1/conversations/${c.id}`)).json().memberCount).toBe(1)

    // Team channels never have external participants.
    const team = await create(owner, { kind: 'channel_private', name: 'no-clients' })
    expect(
      (await owner.client.post(`/api/v1/conversations/${team.id}/external-participants`, { contactId: dana }))
        .statusCode,
    ).toBe(409)
    expect(
      (await bob.client.post(`/api/v1/conversations/${team.id}/external-participants`, { contactId: dana }))
        .statusCode,
    ).toBe(404)
    // Even a participant row of type external carrying a user's id (a portal user, later) grants
    // nothing on team routes: not the channel, its messages, its room, nor search.
    await post(owner, team.id, 'team only plans')
    await t.database.query(
      `insert into conversation_participants (id, workspace_id, conversation_id, type, user_id, role)
       values ($1, $2, $3, 'external', $4, 'member')`,
      [`cnp_${'e'.repeat(32)}`, ws, team.id, bob.id],
    )
    expect((await bob.client.get(`/api/v1/conversations/${team.id}`)).statusCode).toBe(404)
    expect((await bob.client.get(`/api/v1/conversations/${team.id}/messages`)).statusCode).toBe(404)
    expect((await list(bob)).data.map((x) => x.id)).not.toContain(team.id)
    const found = await bob.client.get('/api/v1/conversations/messages/search?q=plans')
    expect(found.json().data).toEqual([])

    // Removal: 204, then 404; the list and the audit log follow.
    expect((await alice.client.del(`${url}/${added.json().id}`)).statusCode).toBe(204)
    expect((await alice.client.del(`${url}/${added.json().id}`)).statusCode).toBe(404)
    expect((await owner.client.get(url)).json().data.map((p: { contactId: string }) => p.contactId)).toEqual([
      eli,
    ])
    expect((await owner.client.post(url, { contactId: dana })).statusCode).toBe(201)
    const audit = await t.database.query<{ action: string }>(
      `select action from audit_logs where target_id = $1 and action like 'conversation.external%' order by created_at, id`,
      [c.id],
    )
    expect(audit.map((a) => a.action)).toEqual([
      'conversation.external_added',
      'conversation.external_added',
      'conversation.external_removed',
      'conversation.external_added',
    ])
  })

  it('limits how many messages a member posts a minute (429)', async () => {
    const limited = await createTestApp({ MESSAGES_PER_MINUTE: '3' })
    try {
      const u = await limited.user()
      const c = (await u.client.post('/api/v1/conversations', { kind: 'group' })).json() as Conv
      for (let i = 0; i < 3; i++)
        expect(
          (await u.client.post(`/api/v1/conversations/${c.id}/messages`, { body: `m${i}` })).statusCode,
        ).toBe(201)
      const over = await u.client.post(`/api/v1/conversations/${c.id}/messages`, { body: 'one too many' })
      expect(over.statusCode).toBe(429)
      expect(over.headers['retry-after']).toBeDefined()
    } finally {
      await limited.close()
    }
  })
})
