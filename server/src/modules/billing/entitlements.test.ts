import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, joinWorkspace, type TestApp, type TestUser } from '../../../test/harness.ts'
import { generateDueInvoices } from '../invoices/recurring-job.ts'
import { recurringProfiles } from '../invoices/schema.ts'

/**
 * Plan limits through HTTP: every route that creates something metered answers 402 naming the limit,
 * the use and the upgrade path once the plan's limit is reached; a downgrade below the use blocks new
 * items and deletes nothing; two creates racing for the last slot let exactly one through.
 */
let t: TestApp
let op: TestUser
let owner: TestUser
let ws: string

const limited = {
  seats: null,
  clients: null,
  invoicesPerMonth: null,
  storageBytes: null,
  apiCallsPerMonth: null,
}

async function cap(limitOverrides: Record<string, unknown> | null, planKey?: string) {
  const res = await op.client.patch(`/api/v1/operator/workspaces/${ws}/billing`, {
    ...(planKey ? { planKey } : {}),
    limitOverrides,
  })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

function expectQuota(
  res: { statusCode: number; body: string },
  limit: string,
  allowed: number,
  usage: number,
) {
  expect(res.statusCode, res.body).toBe(402)
  const p = JSON.parse(res.body)
  expect(p).toMatchObject({
    type: '/problems/quota-exceeded',
    status: 402,
    limit,
    allowed,
    usage,
    upgradeUrl: '/settings/billing',
  })
  expect(p.title).toBeTruthy()
  expect(p.detail).toContain(String(allowed))
}

const newClient = (u: TestUser, name: string) => u.client.post('/api/v1/clients', { name })

beforeAll(async () => {
  t = await createTestApp({ OPERATOR_EMAILS: 'ops@example.com' })
  op = await t.user({ email: 'ops@example.com', workspace: false })
  owner = await t.user({ workspace: 'Capped' })
  ws = owner.workspaceId!
  const plan = await op.client.post('/api/v1/operator/plans', {
    key: 'starter',
    name: 'Starter',
    limits: { ...limited },
    features: { recurringInvoices: true },
  })
  expect(plan.statusCode, plan.body).toBe(201)
  await cap(null, 'starter')
})
afterAll(() => t?.close())

describe('entitlements on every metered create route', () => {
  it('clients: create, and an import checked whole up front', async () => {
    await cap({ clients: 2 })
    expect((await newClient(owner, 'One')).statusCode).toBe(201)
    expect((await newClient(owner, 'Two')).statusCode).toBe(201)
    expectQuota(await newClient(owner, 'Three'), 'clients', 2, 2)

    await cap({ clients: 3 })
    const up = await owner.client.request({
      method: 'POST',
      url: '/api/v1/clients/import?filename=c.csv',
      headers: { 'content-type': 'text/csv' },
      payload: 'Company,Email\nAlpha,a@example.com\nBeta,b@example.com\n',
    })
    expect(up.statusCode, up.body).toBe(201)
    const run = await owner.client.post(`/api/v1/clients/import/${up.json().id}/run`, {
      mapping: up.json().mapping,
      duplicates: 'skip',
    })
    const p = JSON.parse(run.body)
    expect(run.statusCode, run.body).toBe(402)
    expect(p).toMatchObject({ limit: 'clients', allowed: 3, usage: 2, adding: 2 })
    expect((await owner.client.get('/api/v1/clients/count')).json().count).toBe(2)
  })

  it('invoices this month: create and quote conversion', async () => {
    const client = (await owner.client.get('/api/v1/clients')).json().data[0].id
    await cap({ clients: null, invoicesPerMonth: 1 })
    const line = { description: 'Work', quantity: '1', unitPrice: 1000 }
    const first = await owner.client.post('/api/v1/invoices', { clientId: client, lines: [line] })
    expect(first.statusCode, first.body).toBe(201)
    expectQuota(
      await owner.client.post('/api/v1/invoices', { clientId: client, lines: [line] }),
      'invoicesPerMonth',
      1,
      1,
    )
    // Quotes are not invoices: still allowed, but converting one makes an invoice.
    const quote = await owner.client.post('/api/v1/quotes', { clientId: client, lines: [line] })
    expect(quote.statusCode, quote.body).toBe(201)
  })

  it('seats: members plus pending invitations', async () => {
    await cap({ seats: 2 })
    const one = await owner.client.post('/api/v1/invitations', { email: 'a@example.com', role: 'member' })
    expect(one.statusCode, one.body).toBe(201)
    expectQuota(
      await owner.client.post('/api/v1/invitations', { email: 'b@example.com', role: 'member' }),
      'seats',
      2,
      2,
    )
  })

  it('storage: by the declared size, and by the bytes streamed; nothing partial is kept', async () => {
    await cap({ seats: null, storageBytes: 1000 })
    const upload = (name: string, body: Buffer) =>
      owner.client.request({
        method: 'POST',
        url: `/api/v1/files?name=${name}`,
        payload: body,
        headers: { 'content-type': 'application/octet-stream' },
      })
    const text = (n: number) => Buffer.from('a'.repeat(n))
    const ok = await upload('a.txt', text(600))
    expect(ok.statusCode, ok.body).toBe(201)
    const over = await upload('b.txt', text(600))
    expectQuota(over, 'storageBytes', 1000, 600)
    const files = (await owner.client.get('/api/v1/files')).json().data
    expect(files).toHaveLength(1)
  })

  it('recurring invoices: a feature of the plan, for the routes and for the scheduled runs', async () => {
    const client = (await owner.client.get('/api/v1/clients')).json().data[0].id
    await cap({ storageBytes: null, invoicesPerMonth: null })
    const made = await owner.client.post('/api/v1/recurring-invoices', {
      clientId: client,
      lines: [{ description: 'Retainer', quantity: '1', unitPrice: 5000 }],
      frequency: 'monthly',
      startDate: '2026-01-01',
    })
    expect(made.statusCode, made.body).toBe(201)
    await cap({ invoicesPerMonth: 0, features: { recurringInvoices: true } })
    // Over the month's invoices, the run writes nothing and says why; the profile keeps its place.
    const today = new Date().toISOString().slice(0, 10)
    const deps = { database: t.database, events: t.kernel.events, jobs: t.kernel.jobs, appUrl: 'http://x' }
    expect(await generateDueInvoices(deps, { today })).toBe(0)
    const [p] = await t.database.db
      .select()
      .from(recurringProfiles)
      .where(eq(recurringProfiles.id, made.json().id))
    expect(p!.generated).toBe(0)
    expect(p!.lastError).toMatch(/invoices this month/)

    await cap({ invoicesPerMonth: null, features: { recurringInvoices: false } })
    const refused = await owner.client.post('/api/v1/recurring-invoices', {
      clientId: client,
      lines: [{ description: 'Retainer', quantity: '1', unitPrice: 5000 }],
      frequency: 'monthly',
      startDate: '2026-01-01',
    })
    expect(refused.statusCode, refused.body).toBe(402)
    expect(refused.json()).toMatchObject({
      type: '/problems/feature-not-in-plan',
      feature: 'recurringInvoices',
      upgradeUrl: '/settings/billing',
    })
    await cap(null)
  })

  it('a downgrade below the use blocks new items and deletes nothing', async () => {
    const before = (await owner.client.get('/api/v1/clients/count')).json().count
    expect(before).toBeGreaterThanOrEqual(2)
    const tiny = await op.client.post('/api/v1/operator/plans', {
      key: 'tiny',
      name: 'Tiny',
      limits: { clients: 1, seats: 1 },
    })
    expect(tiny.statusCode, tiny.body).toBe(201)
    await cap(null, 'tiny')
    const billing = (await owner.client.get('/api/v1/billing')).json()
    expect(billing.plan.key).toBe('tiny')
    expect(billing.usage.clients).toEqual({ used: before, allowed: 1 })
    expectQuota(await newClient(owner, 'More'), 'clients', 1, before)
    const list = (await owner.client.get('/api/v1/clients')).json().data
    expect(list).toHaveLength(before)
    // Existing items stay editable.
    const edit = await owner.client.patch(`/api/v1/clients/${list[0].id}`, { name: 'Renamed' })
    expect(edit.statusCode, edit.body).toBe(200)
    await cap(null, 'starter')
  })

  it('lets exactly one of several concurrent creates take the last slot', async () => {
    const count = (await owner.client.get('/api/v1/clients/count')).json().count
    await cap({ clients: count + 1 })
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => newClient(owner, `Racer ${i}`)))
    const codes = results.map((r) => r.statusCode).sort()
    expect(codes.filter((c) => c === 201)).toHaveLength(1)
    expect(codes.filter((c) => c === 402)).toHaveLength(5)
    expect((await owner.client.get('/api/v1/clients/count')).json().count).toBe(count + 1)
    await cap(null)
  })

  it('API calls per month: counted in memory, written in batches, refused past the limit', async () => {
    await cap({ apiCallsPerMonth: 5 })
    let refused: { statusCode: number; body: string } | null = null
    for (let i = 0; i < 40 && !refused; i++) {
      const res = await owner.client.get('/api/v1/clients')
      if (res.statusCode === 402) refused = res
      else expect(res.statusCode).toBe(200)
      await new Promise((r) => setTimeout(r, 25))
    }
    expect(refused, 'no 402 after 40 calls').not.toBeNull()
    const p = JSON.parse(refused!.body)
    expect(p).toMatchObject({ type: '/problems/quota-exceeded', limit: 'apiCallsPerMonth', allowed: 5 })
    // The billing page stays reachable, to upgrade.
    const billing = await owner.client.get('/api/v1/billing')
    expect(billing.statusCode, billing.body).toBe(200)
    await new Promise((r) => setTimeout(r, 1200))
    const used = (await owner.client.get('/api/v1/billing')).json().usage.apiCallsPerMonth
    expect(used.allowed).toBe(5)
    expect(used.used).toBeGreaterThanOrEqual(5)
    await cap(null)
  })
})

describe('billing is per workspace', () => {
  it('shows a workspace only its own billing; admins read it, members cannot', async () => {
    const other = await t.user({ workspace: 'Other' })
    const admin = await joinWorkspace(t, ws, 'admin')
    const member = await joinWorkspace(t, ws, 'member')
    await cap({ clients: 77 })
    const mine = (await owner.client.get('/api/v1/billing')).json()
    expect(mine.limits.clients).toBe(77)
    const theirs = (await other.client.get('/api/v1/billing')).json()
    expect(theirs.limits.clients).toBeNull()
    // Without a plans file, the start made a free plan without limits the default.
    expect(theirs.plan).toMatchObject({ key: 'free', isDefault: true, source: 'config' })
    expect(theirs.plan.id).not.toBe(`plan_${'0'.repeat(32)}`)
    expect((await admin.client.get('/api/v1/billing')).statusCode).toBe(200)
    expect((await member.client.get('/api/v1/billing')).statusCode).toBe(403)
    expect((await member.client.get('/api/v1/billing/plans')).statusCode).toBe(403)
    await cap(null)
  })
})
