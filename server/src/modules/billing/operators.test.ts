import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { fillPath, routeTable, sample } from '../../../test/route-table.ts'
import { openDatabase } from '../../kernel/db/index.ts'

/**
 * The operator area: only operators (OPERATOR_EMAILS, or `atrium create-admin --operator`) reach it,
 * everyone else gets 403 `not-an-operator` on every operator route; plans come from PLANS_FILE at
 * start and are read-only there; setting a workspace's plan is audited in that workspace.
 */
const dir = mkdtempSync(join(tmpdir(), 'atrium-plans-'))
const plansFile = join(dir, 'plans.json')
const filePlans = [
  { key: 'free', name: 'Free', limits: { clients: 50, seats: 3 }, features: {} },
  {
    key: 'pro',
    name: 'Pro',
    currency: 'EUR',
    monthlyAmount: 2900,
    yearlyAmount: 29000,
    stripePriceMonthly: 'price_proMonthly',
    stripePriceYearly: 'price_proYearly',
    trialDays: 14,
    limits: { clients: 5000 },
    features: { recurringInvoices: true, customDomain: true },
  },
]

let t: TestApp
let op: TestUser
let owner: TestUser
let admin: TestUser

beforeAll(async () => {
  writeFileSync(plansFile, JSON.stringify(filePlans))
  t = await createTestApp({ OPERATOR_EMAILS: 'Boss@Example.com, other@example.com', PLANS_FILE: plansFile })
  op = await t.user({ email: 'boss@example.com', workspace: false })
  owner = await t.user({ workspace: 'Tenant' })
  admin = await joinWorkspace(t, owner.workspaceId!, 'admin')
})
afterAll(async () => {
  await t?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('operators', () => {
  it('refuses everyone but operators on every operator route (403 not-an-operator)', async () => {
    const table = routeTable(t.app, (p) => p.startsWith('/api/v1/operator/'))
    expect(table.ops.length).toBeGreaterThanOrEqual(6)
    const plan = (await op.client.get('/api/v1/operator/plans')).json().data[0].id
    const known: Record<string, string> = { id: plan }
    for (const o of table.ops) {
      const url = fillPath(o.path, o.path.includes('/workspaces/') ? { id: owner.workspaceId! } : known)
      const payload = o.body ? (sample(o.body, table.resolve) as object) : undefined
      for (const who of [owner, admin]) {
        const res = await who.client.request({ method: o.method, url, ...(payload ? { payload } : {}) })
        expect(res.statusCode, `${o.method} ${url}: ${res.body}`).toBe(403)
        expect(res.json().type).toBe('/problems/not-an-operator')
      }
      const anonymous = await t.client().request({ method: o.method, url, ...(payload ? { payload } : {}) })
      expect(anonymous.statusCode).toBe(401)
    }
  })

  it('says who is an operator in the session answer, with the workspace’s features and state', async () => {
    const mine = (await op.client.get('/api/v1/me')).json()
    expect(mine).toMatchObject({ operator: true, features: null, billingStatus: null })
    const theirs = (await owner.client.get('/api/v1/me')).json()
    expect(theirs.operator).toBe(false)
    expect(theirs.billingStatus).toBe('free')
    expect(theirs.features).toEqual({
      customDomain: false,
      sso: false,
      whiteLabel: false,
      recurringInvoices: false,
    })
  })

  it('makes an operator with atrium create-admin --operator', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'atrium-cli-'))
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((done) => {
        const child = spawn(process.execPath, [resolve('server/src/main.js'), ...args], {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '/tmp',
            DATA_DIR: dataDir,
            ATRIUM_SEED: 'false',
            LOG_LEVEL: 'info',
            SECRET_KEY: 'cli-test-secret-key-0123456789abcdef-0123',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        let out = ''
        child.stdout.on('data', (b) => (out += b))
        child.stderr.on('data', (b) => (out += b))
        child.on('exit', (code) => done({ code, out }))
      })
    try {
      const made = await run([
        'create-admin',
        '--email',
        'Root@Example.com',
        '--password',
        'long-enough-pw',
        '--operator',
      ])
      expect(made.code, made.out).toBe(0)
      const plain = await run([
        'create-admin',
        '--email',
        'plain@example.com',
        '--password',
        'long-enough-pw',
      ])
      expect(plain.code, plain.out).toBe(0)
      const promoted = await run(['create-admin', '--email', 'plain@example.com', '--operator'])
      expect(promoted.code, promoted.out).toBe(0)
      const db = await openDatabase({ dataDir })
      const rows = await db.query<{ email: string }>(
        'select u.email from operators o join users u on u.id = o.user_id order by u.email',
      )
      await db.close()
      expect(rows.map((r) => r.email)).toEqual(['plain@example.com', 'root@example.com'])
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 120_000)
})

describe('plans', () => {
  it('come from PLANS_FILE at start, read-only; the file names the default', async () => {
    const list = (await op.client.get('/api/v1/operator/plans')).json().data
    expect(list.map((p: { key: string }) => p.key)).toEqual(['free', 'pro'])
    const [free, pro] = list
    expect(free).toMatchObject({ isDefault: true, source: 'config', archivedAt: null })
    expect(free.limits).toEqual({
      seats: 3,
      clients: 50,
      invoicesPerMonth: null,
      storageBytes: null,
      apiCallsPerMonth: null,
    })
    expect(pro).toMatchObject({
      isDefault: false,
      currency: 'EUR',
      monthlyAmount: 2900,
      stripePriceMonthly: 'price_proMonthly',
      trialDays: 14,
      features: { recurringInvoices: true, customDomain: true, sso: false, whiteLabel: false },
    })
    const edit = await op.client.patch(`/api/v1/operator/plans/${pro.id}`, { name: 'Changed' })
    expect(edit.statusCode, edit.body).toBe(409)
    // A workspace with no plan of its own is on the default.
    const billing = (await owner.client.get('/api/v1/billing')).json()
    expect(billing.plan.key).toBe('free')
    expect(billing.limits.clients).toBe(50)
    expect(billing.plans.map((p: { key: string }) => p.key)).toEqual(['free', 'pro'])
    expect(billing.stripeEnabled).toBe(false)
  })

  it('follow the file when it changes: plans left out are archived, workspaces keep theirs', async () => {
    const pro = (await op.client.get('/api/v1/operator/plans')).json().data[1]
    await op.client.patch(`/api/v1/operator/workspaces/${owner.workspaceId}/billing`, { planKey: 'pro' })
    writeFileSync(
      plansFile,
      JSON.stringify([
        { key: 'basic', name: 'Basic', limits: { clients: 10 } },
        { ...filePlans[0], isDefault: false },
      ]),
    )
    const { syncPlans } = await import('./plans.ts')
    const { loadConfig } = await import('../../config.ts')
    const config = loadConfig({
      PLANS_FILE: plansFile,
      DATA_DIR: t.kernel.config.dataDir,
      SECRET_KEY: 'x'.repeat(32),
    })
    await syncPlans(t.database.db, config.plans)
    {
      const list = (await op.client.get('/api/v1/operator/plans')).json().data
      const byKey = Object.fromEntries(list.map((p: { key: string }) => [p.key, p]))
      expect(byKey.pro.archivedAt).not.toBeNull()
      expect(byKey.basic).toMatchObject({ isDefault: true, archivedAt: null })
      expect(byKey.free.isDefault).toBe(false)
      const billing = (await owner.client.get('/api/v1/billing')).json()
      expect(billing.plan.id).toBe(pro.id)
      expect(billing.plans.map((p: { key: string }) => p.key).sort()).toEqual(['basic', 'free'])
    }
  })

  it('stop the start when the file is wrong, naming the fault', async () => {
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, JSON.stringify([{ key: 'x', name: 'X', limits: { clients: -1 } }]))
    await expect(createTestApp({ PLANS_FILE: bad })).rejects.toThrow(/PLANS_FILE 0\.limits\.clients/)
  })

  it('are made, changed and archived by operators; the default cannot be archived', async () => {
    const made = await op.client.post('/api/v1/operator/plans', {
      key: 'team',
      name: 'Team',
      limits: { seats: 10 },
    })
    expect(made.statusCode, made.body).toBe(201)
    expect(made.json()).toMatchObject({ source: 'operator', isDefault: false })
    const again = await op.client.post('/api/v1/operator/plans', { key: 'team', name: 'Team 2' })
    expect(again.statusCode).toBe(409)
    const bad = await op.client.post('/api/v1/operator/plans', { key: 'Bad Key!', name: '' })
    expect(bad.statusCode).toBe(400)
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['key', 'name'])
    const changed = await op.client.patch(`/api/v1/operator/plans/${made.json().id}`, {
      name: 'Team+',
      isDefault: true,
    })
    expect(changed.statusCode, changed.body).toBe(200)
    expect(changed.json()).toMatchObject({ name: 'Team+', isDefault: true })
    const refused = await op.client.post(`/api/v1/operator/plans/${made.json().id}/archive`)
    expect(refused.statusCode).toBe(409)
    const list = (await op.client.get('/api/v1/operator/plans')).json().data
    expect(list.filter((p: { isDefault: boolean }) => p.isDefault)).toHaveLength(1)
  })
})

describe('the operator sets a workspace’s plan and limits without Stripe', () => {
  it('lists workspaces with plan, state and usage, and audits changes in the workspace', async () => {
    await owner.client.post('/api/v1/clients', { name: 'Counted Co' })
    const list = await op.client.get('/api/v1/operator/workspaces?q=tenant')
    expect(list.statusCode, list.body).toBe(200)
    const row = list.json().data.find((w: { id: string }) => w.id === owner.workspaceId)
    expect(row).toMatchObject({ name: 'Tenant', status: 'free' })
    expect(row.usage.clients.used).toBe(1)
    expect(row.usage.seats.used).toBe(2)

    const set = await op.client.patch(`/api/v1/operator/workspaces/${owner.workspaceId}/billing`, {
      planKey: 'free',
      limitOverrides: { clients: 1, features: { recurringInvoices: true } },
    })
    expect(set.statusCode, set.body).toBe(200)
    expect(set.json()).toMatchObject({ plan: { key: 'free' }, limitOverrides: { clients: 1 } })
    expect(set.json().usage.clients).toEqual({ used: 1, allowed: 1 })
    const refused = await owner.client.post('/api/v1/clients', { name: 'One too many' })
    expect(refused.statusCode).toBe(402)
    expect((await owner.client.get('/api/v1/me')).json().features.recurringInvoices).toBe(true)

    const audit = (await owner.client.get('/api/v1/audit-logs')).json().data
    const actions = audit.map((e: { action: string }) => e.action)
    expect(actions).toContain('billing.plan_changed')
    expect(actions).toContain('billing.limits_changed')
    const entry = audit.find((e: { action: string }) => e.action === 'billing.limits_changed')
    expect(JSON.stringify(entry)).toContain('boss@example.com')

    const unknown = await op.client.patch(`/api/v1/operator/workspaces/${owner.workspaceId}/billing`, {
      planKey: 'nope',
    })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().errors[0].field).toBe('planKey')
    const missing = await op.client.patch(
      '/api/v1/operator/workspaces/00000000-0000-4000-8000-000000000000/billing',
      { limitOverrides: null },
    )
    expect(missing.statusCode).toBe(404)
    const cleared = await op.client.patch(`/api/v1/operator/workspaces/${owner.workspaceId}/billing`, {
      limitOverrides: null,
    })
    expect(cleared.json().limitOverrides).toBeNull()
  })
})
