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

describe('workers', () => {
  it('are woken by NOTIFY: every queue has it, and on PostgreSQL a connection of its own listens', async () => {
    const { rows } = await t.database.db.execute<{ n: number; off: number }>(
      // pg-boss's own queues (cron) are its business.
      sql`select count(*)::int as n, count(*) filter (where not notify)::int as off from pgboss.queue
           where name not like '\_\_pgboss\_\_%'`,
    )
    expect(rows[0]!.n).toBeGreaterThan(0)
    expect(rows[0]!.off).toBe(0)
    if (t.database.kind === 'postgres') {
      const { rows: listening } = await t.database.db.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_stat_activity
             where datname = current_database() and query like 'listen pgboss\_%'`,
      )
      expect(listening[0]!.n).toBeGreaterThan(0)
    }
  })
})

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

  it('a batch (one statement per queue) runs every job, with the queue settings, and rolls back as one', async () => {
    const u = await t.user()
    const to = Array.from({ length: 5 }, (_, i) => `batch-${i}@example.com`)
    await withWorkspace({ db: t.database.db, workspaceId: u.workspaceId! }, async (tx) => {
      await t.kernel.jobs.sendAll(to.map(mail), tx)
      // Back in the tenant role afterwards.
      const { rows } = await tx.execute<{ role: string }>(sql`select current_setting('role') as role`)
      expect(rows[0]?.role).toBe('atrium_app')
    })
    for (const address of to) expect((await t.mail(address)).subject).toBe('Job test')
    const { rows: settings } = await t.database.db.execute<{
      retry_limit: number
      heartbeat_seconds: number
    }>(
      sql`select retry_limit, heartbeat_seconds from pgboss.job_common where name = ${MAIL_QUEUE} and data->>'to' = ${to[0]}`,
    )
    const { rows: single } = await t.database.db.execute<{ retry_limit: number; heartbeat_seconds: number }>(
      sql`select retry_limit, heartbeat_seconds from pgboss.job_common where name = ${MAIL_QUEUE} and data->>'to' = 'after@example.com'`,
    )
    expect(settings).toHaveLength(1)
    expect(single).toHaveLength(1)
    expect(settings[0]).toEqual(single[0])

    await expect(
      t.database.db.transaction(async (tx) => {
        await t.kernel.jobs.sendAll(['gone-1@example.com', 'gone-2@example.com'].map(mail), tx)
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    const { rows } = await t.database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from pgboss.job_common where data->>'to' like 'gone-%'`,
    )
    expect(Number(rows[0]!.n)).toBe(0)
  })
})
