import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/harness.ts'
import { MAIL_QUEUE } from '../mail/index.ts'
import { withWorkspace } from '../tenancy/index.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t?.close())

const mail = (to: string) => ({ name: MAIL_QUEUE, data: { to, subject: 'Job test', text: 'hello' } })

describe('jobs sent inside a transaction', () => {
  it('keep the tenant role and workspace scope of the transaction', async () => {
    const u = await t.user()
    const role = await withWorkspace({ db: t.database.db, workspaceId: u.workspaceId! }, async (tx) => {
      await t.kernel.jobs.sendAll([mail('scoped@example.com')], tx)
      const { rows } = await tx.execute<{ role: string; ws: string }>(
        sql`select current_setting('role') as role, current_setting('app.workspace_id', true) as ws`,
      )
      return rows[0]
    })
    expect(role).toEqual({ role: 'atrium_app', ws: u.workspaceId })
    expect((await t.mail('scoped@example.com')).subject).toBe('Job test')
  })

  it('are dropped when the transaction rolls back', async () => {
    await expect(
      t.database.db.transaction(async (tx) => {
        await t.kernel.jobs.send(
          mail('rolled-back@example.com').name,
          mail('rolled-back@example.com').data,
          tx,
        )
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    await t.kernel.jobs.send(MAIL_QUEUE, mail('after@example.com').data)
    await t.mail('after@example.com')
    const { rows } = await t.database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from mail_messages where "to" = 'rolled-back@example.com'`,
    )
    expect(Number(rows[0]!.n)).toBe(0)
  })
})
