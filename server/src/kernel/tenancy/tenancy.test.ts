import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { withWorkspace } from './index.ts'

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
