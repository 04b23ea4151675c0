import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../test/harness.ts'
import { createKernel } from '../app.ts'
import { loadConfig } from '../config.ts'
import { modules } from '../modules/index.ts'
import { can, permissionsOf } from './access/index.ts'
import { assembleModules, defineModule } from './module.ts'
import { withWorkspace } from './tenancy/index.ts'

const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SECRET_KEY: 'x'.repeat(64) })
const one = defineModule({ name: 'one', ids: { one: 'first thing' }, permissions: { 'one:read': ['owner'] } })

describe('assembling modules', () => {
  afterAll(() => assembleModules(modules))

  it('refuses to start when two modules claim one id prefix', async () => {
    const two = defineModule({ name: 'two', ids: { one: 'second thing' } })
    await expect(createKernel(config, { modules: [one, two] })).rejects.toThrow(
      'id prefix "one" is declared by both one (first thing) and two (second thing)',
    )
  })

  it('refuses two modules with one name or one permission, and malformed prefixes', () => {
    expect(() => assembleModules([one, { name: 'one' }])).toThrow('two modules are named one')
    expect(() => assembleModules([one, { name: 'two', permissions: { 'one:read': ['admin'] } }])).toThrow(
      'permission one:read is declared by both one and two',
    )
    expect(() => assembleModules([{ name: 'three', ids: { Cli: 'client' } }])).toThrow(/2–6 lowercase/)
  })

  it('builds the role table from what the modules declare, and the kernel declares nothing', () => {
    assembleModules([one])
    expect(permissionsOf('owner')).toEqual(['one:read'])
    expect(permissionsOf('admin')).toEqual([])
    assembleModules(modules)
    const member = { userId: 'u', role: 'member' as const }
    expect(can(member, 'clients:read')).toBe(true)
    expect(can(member, 'clients:read_all')).toBe(false)
    expect(can({ userId: 'u', role: 'admin' }, 'members:admins')).toBe(false)
    expect(can({ userId: 'u', role: 'owner' }, 'members:admins')).toBe(true)
  })

  it('has one registry of the id prefixes every module mints', () => {
    const { idPrefixes } = assembleModules(modules)
    expect(idPrefixes.get('cli')?.names).toBe('client')
  })
})

describe('the kernel knows no module', () => {
  it('imports nothing from modules/ nor the collected schema', () => {
    const kernel = join(import.meta.dirname)
    const files = readdirSync(kernel, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    )
    const offenders = files.filter((f) =>
      /from '[^']*\/(modules|db\/schema)[/.']/.test(readFileSync(join(kernel, f), 'utf8')),
    )
    expect(offenders).toEqual([])
  })
})

describe('tenant row-level security', () => {
  let t: TestApp
  let a: TestUser
  let b: TestUser
  beforeAll(async () => {
    t = await createTestApp()
    a = await t.user()
    b = await t.user()
  })
  afterAll(() => t?.close())

  it('is on for every module table that holds workspace rows', async () => {
    const tenantTables = modules.flatMap((m) =>
      Object.values(m.tables ?? {})
        .filter((v): v is PgTable => v instanceof PgTable)
        .map((v) => getTableConfig(v))
        .filter((c) => c.columns.some((col) => col.name === 'workspace_id'))
        .map((c) => c.name),
    )
    expect(tenantTables).toContain('clients')
    const rows = await t.database.query<{ relname: string; relrowsecurity: boolean }>(
      'select relname, relrowsecurity from pg_class where relname = any($1)',
      [tenantTables],
    )
    expect(rows.filter((r) => !r.relrowsecurity).map((r) => r.relname)).toEqual([])
    expect(rows.map((r) => r.relname).sort()).toEqual([...tenantTables].sort())
  })

  it('comes to a new table in one line, with the same fail-closed policy as the others', async () => {
    await t.database.query(
      'create table rls_probe (id text primary key, workspace_id uuid not null, label text not null)',
    )
    await t.database.query("select atrium_enable_tenant_rls('rls_probe')")
    const [flags] = await t.database.query<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      "select relrowsecurity, relforcerowsecurity from pg_class where relname = 'rls_probe'",
    )
    expect(flags).toEqual({ relrowsecurity: true, relforcerowsecurity: true })
    const policies = await t.database.query<{ tablename: string; qual: string; with_check: string }>(
      "select tablename, qual, with_check from pg_policies where tablename in ('rls_probe', 'audit_logs')",
    )
    const probe = policies.find((p) => p.tablename === 'rls_probe')
    const audit = policies.find((p) => p.tablename === 'audit_logs')
    expect(probe?.qual).toBe(audit?.qual)
    expect(probe?.with_check).toBe(audit?.with_check)

    const scopeA = { db: t.database.db, workspaceId: a.workspaceId as string }
    await withWorkspace(scopeA, (tx) =>
      tx.execute(sql`insert into rls_probe values ('p1', ${a.workspaceId}, 'mine')`),
    )
    // Writing another workspace's row is refused; reading sees only the workspace's own rows.
    await expect(
      withWorkspace(scopeA, (tx) =>
        tx.execute(sql`insert into rls_probe values ('p2', ${b.workspaceId}, 'theirs')`),
      ),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/row-level security/) } })
    const seenByB = await withWorkspace({ db: t.database.db, workspaceId: b.workspaceId as string }, (tx) =>
      tx.execute(sql`select id from rls_probe`),
    )
    expect(seenByB.rows).toEqual([])
    // No workspace set: nothing, even for the table's owner role once it takes the application role.
    const none = await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local role atrium_app`)
      return (await tx.execute(sql`select id from rls_probe`)).rows
    })
    expect(none).toEqual([])
  })
})
