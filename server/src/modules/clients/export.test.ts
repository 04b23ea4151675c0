import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { neutralise } from '../../kernel/http/csv.ts'
import { memberships } from '../../kernel/tenancy/index.ts'
import { displayValue, type FieldDef } from '../custom-fields/index.ts'
import { exportOptions } from './export.ts'

let t: TestApp
let owner: TestUser
let colleague: TestUser

const ADDRESS = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const

/** The file as csv-stringify writes it from the API's clients, with `neutralise` on every cell. */
function expected(clients: any[], defs: FieldDef[]): string {
  const header = [
    'id',
    'name',
    'kind',
    'legal_name',
    'email',
    'phone',
    'website',
    'tax_id',
    'status',
    'tags',
    'owner',
    'assignees',
    'currency',
    'language',
    'payment_terms_days',
    ...ADDRESS.map((a) => `billing_${a.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`),
    'primary_contact',
    'primary_contact_email',
    'created_at',
    'updated_at',
    ...defs.map((d) => d.key),
  ]
  const rows = clients.map((c) =>
    [
      c.id,
      c.name,
      c.kind,
      c.legalName,
      c.email,
      c.phone,
      c.website,
      c.taxId,
      c.status,
      c.tags.join('; '),
      c.owner?.email,
      c.assignees.map((a: { email: string }) => a.email).join('; '),
      c.currency,
      c.language,
      c.paymentTermsDays,
      ...ADDRESS.map((a) => c.billingAddress?.[a] ?? ''),
      c.primaryContact?.name,
      c.primaryContact?.email,
      c.createdAt,
      c.updatedAt,
      ...defs.map((d) => displayValue(d, c.custom[d.key])),
    ].map((v) => (typeof v === 'number' ? String(v) : neutralise(v))),
  )
  return stringify(rows, { header: true, columns: header })
}

const NAMES = [
  'Plain Company',
  'Comma, Inc.',
  'Quote "The" Best',
  '=HYPERLINK("http://evil.example","x")',
  '+cmd',
  '-2+3 Minus',
  '@SUM(1)',
  '+44 20 7946 0958',
  '-12.5',
  'Line\nbreak',
  'Ünïcödé — 東京',
  "Apostrophe's",
]

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_RATE_LIMIT: '1000' })
  owner = await t.user({ workspace: 'Export Co' })
  colleague = await t.user({ workspace: false })
  await t.database.db
    .insert(memberships)
    .values({ workspaceId: owner.workspaceId as string, userId: colleague.id, role: 'member' })
  const fields = [
    { key: 'budget', label: 'Budget', type: 'money', currency: 'EUR' },
    { key: 'yen', label: 'Yen', type: 'money', currency: 'JPY' },
    { key: 'dinar', label: 'Dinar', type: 'money', currency: 'BHD' },
    { key: 'seats', label: 'Seats', type: 'number' },
    { key: 'vip', label: 'VIP', type: 'checkbox' },
    { key: 'since', label: 'Since', type: 'date' },
    { key: 'topics', label: 'Topics', type: 'multi_select', options: ['a, b', 'c"d', '=e'] },
    { key: 'motto', label: 'Motto', type: 'text' },
  ]
  for (const f of fields) expect((await owner.client.post('/api/v1/custom-fields', f)).statusCode).toBe(201)
  for (const [i, name] of NAMES.entries()) {
    const res = await owner.client.post('/api/v1/clients', {
      name,
      legalName: i % 2 ? `${name} Legal` : null,
      email: `c${i}@export.example`,
      phone: ['-2+3', '+49 30 1234', null][i % 3],
      website: i % 4 ? null : 'https://export.example',
      taxId: i % 5 ? null : `=TAX${i}`,
      tags: i % 2 ? ['export', 'say "hi"'] : ['export'],
      assigneeIds: i % 3 ? [colleague.id, owner.id] : [],
      paymentTermsDays: i % 2 ? 30 : null,
      currency: i % 2 ? 'EUR' : null,
      billingAddress: i % 2 ? { line1: `${i} "Main", St`, city: 'Berlin', country: 'DE' } : null,
      custom: {
        budget: i % 2 ? 1250 - i * 1000 : null,
        yen: i % 3 ? 1250 : null,
        dinar: i % 2 ? 1250 : 5,
        seats: i % 2 ? i * 1.5 : null,
        vip: i % 2 === 0,
        since: i % 3 ? '2024-02-29' : null,
        topics: i % 2 ? ['a, b', '=e'] : [],
        motto: i % 2 ? `@motto ${i}` : `"quoted", ${i}`,
      },
    })
    expect(res.statusCode, res.body).toBe(201)
    if (i % 2)
      await owner.client.post(`/api/v1/clients/${res.json().id}/contacts`, {
        name: `-Contact ${i}`,
        email: `contact${i}@export.example`,
      })
  }
})
afterAll(() => t?.close())

describe('CSV export, written by PostgreSQL', () => {
  it('is byte for byte what csv-stringify writes from the API, across pages, in every sort', async () => {
    const defs = (await owner.client.get('/api/v1/custom-fields')).json().data as FieldDef[]
    Object.assign(exportOptions, { page: 5, lines: 2 })
    try {
      for (const sort of ['name', '-name', '-created', 'updated']) {
        const list = await owner.client.get(`/api/v1/clients?tag=export&sort=${sort}&limit=200`)
        const res = await owner.client.get(`/api/v1/clients/export?tag=export&sort=${sort}`)
        expect(res.statusCode).toBe(200)
        expect(res.body).toBe(expected(list.json().data, defs))
      }
      // Search without a sort ranks by relevance and pages by offset.
      const list = await owner.client.get('/api/v1/clients?q=legal&limit=200')
      const res = await owner.client.get('/api/v1/clients/export?q=legal')
      expect(list.json().data.length).toBeGreaterThan(5)
      expect(res.body).toBe(expected(list.json().data, defs))
    } finally {
      Object.assign(exportOptions, { page: 2000, lines: 50 })
    }
  })

  it('an empty view is the header line alone', async () => {
    const res = await owner.client.get('/api/v1/clients/export?tag=nothing-here')
    expect(res.statusCode).toBe(200)
    expect(res.body.split('\n')).toEqual([expect.stringMatching(/^id,name,kind,/), ''])
  })
})
