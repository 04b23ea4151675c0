import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { copyCsvInWorkspace, readInWorkspace, withWorkspace } from './index.ts'

let t: TestApp
let u: TestUser
beforeAll(async () => {
  t = await createTestApp()
  u = await t.user()
})
afterAll(() => t?.close())

describe('withWorkspace', () => {
  it('refuses anything but a UUID, since the id is written into its first statement', async () => {
    await expect(
      withWorkspace({ db: t.database.db, workspaceId: "x'); drop table users; --" }, async () => 1),
    ).rejects.toThrow(/UUID/)
  })

  it('commits, rolls back on error, and leaves the connection clean for the next caller', async () => {
    const scope = { db: t.database.db, workspaceId: u.workspaceId as string }
    await expect(
      withWorkspace(scope, async (tx) => {
        await tx.execute(sql`update workspaces set name = 'Renamed in a failed transaction'`)
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    const after = await withWorkspace(scope, async (tx) => {
      const r = await tx.execute<{ name: string; role: string }>(
        sql`select name, current_setting('role') as role from workspaces`,
      )
      return r.rows
    })
    expect(after).toHaveLength(1)
    expect(after[0]?.name).not.toBe('Renamed in a failed transaction')
    expect(after[0]?.role).toBe('atrium_app')
    // Outside a tenant transaction the connection is back to its own role and no workspace.
    const outside = await t.database.query<{ role: string; ws: string | null }>(
      "select current_setting('role') as role, nullif(current_setting('app.workspace_id', true), '') as ws",
    )
    expect(outside[0]).toEqual({ role: 'none', ws: null })
  })
})

describe('readInWorkspace', () => {
  it('reads one statement under the workspace rule, with parameters exactly as given', async () => {
    const other = await t.user()
    const scope = { db: t.database.db, workspaceId: u.workspaceId as string }
    const tricky = `it's a \\ back'slash' $1 -- not a comment; select 1`
    const rows = await readInWorkspace<{ id: string; role: string; echo: string; n: number; at: string }>(
      scope,
      sql`select id, current_setting('role') as role, ${tricky}::text as echo, ${41}::int + 1 as n,
            ${new Date('2026-01-02T03:04:05.678Z')}::timestamptz::text as at
          from workspaces where id <> ${other.workspaceId}`,
    )
    expect(rows).toEqual([
      {
        id: u.workspaceId,
        role: 'atrium_app',
        echo: tricky,
        n: 42,
        at: expect.stringMatching(/^2026-01-02 03:04:05\.678/),
      },
    ])
    await expect(
      readInWorkspace({ db: t.database.db, workspaceId: "x'); drop table users; --" }, sql`select 1`),
    ).rejects.toThrow(/UUID/)
  })

  it('cannot write, and leaves the connection clean after a failed statement', async () => {
    const scope = { db: t.database.db, workspaceId: u.workspaceId as string }
    if (t.database.kind === 'postgres')
      await expect(
        readInWorkspace(scope, sql`update workspaces set name = 'Written by a read'`),
      ).rejects.toThrow(/read-only/)
    const failed = await readInWorkspace(scope, sql`select 1 / 0`).catch((e: Error) => e)
    expect(String((failed as Error).cause ?? failed)).toMatch(/division by zero/)
    const [ws] = await readInWorkspace<{ name: string }>(scope, sql`select name from workspaces`)
    expect(ws?.name).not.toBe('Written by a read')
    const outside = await t.database.query<{ role: string; ws: string | null }>(
      "select current_setting('role') as role, nullif(current_setting('app.workspace_id', true), '') as ws",
    )
    expect(outside[0]).toEqual({ role: 'none', ws: null })
  })

  it('prepared, plans once per connection and still applies each request’s workspace', async () => {
    const other = await t.user()
    const mine = { db: t.database.db, workspaceId: u.workspaceId as string }
    const theirs = { db: t.database.db, workspaceId: other.workspaceId as string }
    const read = (scope: typeof mine, n: number) =>
      readInWorkspace<{ id: string; role: string; n: number }>(
        scope,
        sql`select id, current_setting('role') as role, ${n}::int + 1 as n from workspaces where name <> ${'x'}`,
        { prepare: true },
      )
    for (let i = 0; i < 12; i++) {
      const scope = i % 2 ? theirs : mine
      expect(await read(scope, i)).toEqual([{ id: scope.workspaceId, role: 'atrium_app', n: i + 1 }])
    }
    const failed = await readInWorkspace(mine, sql`select 1 / ${0}::int as x`, { prepare: true }).catch(
      (e: Error) => e,
    )
    expect(String((failed as Error).cause ?? failed)).toMatch(/division by zero/)
    expect(await readInWorkspace(mine, sql`select 1 / ${1}::int as x`, { prepare: true })).toEqual([{ x: 1 }])
    expect(await read(theirs, 41)).toEqual([{ id: other.workspaceId, role: 'atrium_app', n: 42 }])
    if (t.database.kind === 'postgres')
      await expect(
        readInWorkspace(mine, sql`update workspaces set name = ${'Written by a read'}`, { prepare: true }),
      ).rejects.toThrow(/read-only/)
    const outside = await t.database.query<{ role: string; ws: string | null }>(
      "select current_setting('role') as role, nullif(current_setting('app.workspace_id', true), '') as ws",
    )
    expect(outside[0]).toEqual({ role: 'none', ws: null })
  })
})

describe('copyCsvInWorkspace', () => {
  const onPostgres = () => t.database.pool !== undefined
  const scope = () => ({ db: t.database.db, workspaceId: u.workspaceId as string })
  const idleBack = async () => {
    // Every connection is back in the pool, none left mid-COPY, and the next statement works.
    for (let i = 0; i < 50 && t.database.pool!.idleCount !== t.database.pool!.totalCount; i++)
      await new Promise((r) => setTimeout(r, 20))
    expect(t.database.pool!.idleCount).toBe(t.database.pool!.totalCount)
    const r = await readInWorkspace<{ n: number }>(scope(), sql`select count(*)::int as n from workspaces`)
    expect(r[0]?.n).toBe(1)
  }

  it('is null on PGlite (the caller reads in pages)', async () => {
    if (onPostgres()) return
    expect(await copyCsvInWorkspace(scope(), sql`select 1`)).toBeNull()
  })

  it('streams CSV written by PostgreSQL, under row-level security, and returns the connection', async () => {
    if (!onPostgres()) return
    const stream = await copyCsvInWorkspace(
      scope(),
      sql`select 'Plain', 'a,"b"', E'line\nbreak', null, '' from workspaces`,
    )
    let text = ''
    for await (const chunk of stream!) text += chunk
    // One line: the workspace's own row only (row-level security applies). NULL is an empty cell,
    // an empty text a quoted one.
    expect(text).toBe('Plain,"a,""b""","line\nbreak",,""\n')
    await idleBack()
  })

  it('rejects a failing statement before any byte, and a client gone mid-stream drops its connection', async () => {
    if (!onPostgres()) return
    await expect(copyCsvInWorkspace(scope(), sql`select * from no_such_table`)).rejects.toThrow(
      /no_such_table/,
    )
    await idleBack()
    const stream = await copyCsvInWorkspace(
      scope(),
      sql`select g, repeat('x', 200) from generate_series(1, 200000) g`,
    )
    const first = await new Promise<Buffer>((resolve) => stream!.once('data', resolve))
    expect(first.toString().startsWith('1,')).toBe(true)
    stream!.destroy()
    await idleBack()
    // A statement failing mid-stream ends the stream with PostgreSQL's error.
    const failing = await copyCsvInWorkspace(
      scope(),
      sql`select 1 / (100000 - g) from generate_series(1, 200000) g`,
    )
    await expect(
      (async () => {
        for await (const _ of failing!);
      })(),
    ).rejects.toThrow(/division by zero/)
    await idleBack()
  })
})
