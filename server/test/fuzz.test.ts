import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from './harness.ts'
import {
  createOneOfEach,
  fieldsOf,
  fillPath,
  type Operation,
  pathIds,
  requiredQuery,
  routeTable,
  sample,
  withQuery,
} from './route-table.ts'

/**
 * Every operation of the route table × hostile input: no answer is a 5xx, and every error is
 * application/problem+json whose `status` is the HTTP status. Routes added later are covered as they are.
 */
let t: TestApp
let owner: TestUser
let table: ReturnType<typeof routeTable>
const realIds = new Map<string, Record<string, string>>()

const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
const hostileText = [
  'with\u0000nul',
  'x'.repeat(5000),
  '',
  ' ',
  '-1',
  '1e309',
  'NaN',
  'ab\u{10FFFF}',
  'ab\u{D7FF}',
  'ab\uFFFF',
  '0000-01-01',
  '99999-12-31',
  '2026-02-30',
  '%',
  '\\',
  "' or 1=1 --",
  '*',
  '[]',
  '{"a":1}',
  cursor({ t: '2026-01-01T00:00:00.000Z', id: 'x' }),
  cursor({ s: '-created', v: 'garbage', id: 'x' }),
  cursor({ s: 'name', v: null, id: null }),
  '🙂'.repeat(100),
]
const hostilePath = [
  'a'.repeat(150),
  '%00',
  '%E0%A4%A',
  '..%2F..%2Fetc',
  "'%20or%201=1--",
  '%F4%8F%BF%BF',
  'cli_zzz',
  'cli_00000000000000000000000000000000',
  '00000000-0000-0000-0000-000000000000',
  '-1',
  '9'.repeat(40),
]
const hostileValues: unknown[] = [
  null,
  12345,
  -1,
  1e308,
  true,
  'with\u0000nul',
  'x'.repeat(20_000),
  '',
  {},
  [],
  ['with\u0000nul'],
  { nested: { deeper: ['x'] } },
  '0000-01-01T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  'ab\u{10FFFF}',
]

async function expectProblemOrSuccess(
  label: string,
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
) {
  expect(res.statusCode, `${label} → ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500)
  if (res.statusCode >= 400) {
    expect(String(res.headers['content-type']), `${label}: content-type`).toContain(
      'application/problem+json',
    )
    const body = JSON.parse(res.body)
    expect(body.status, `${label}: status member`).toBe(res.statusCode)
  }
}

async function resolveIds(op: Operation): Promise<Record<string, string>> {
  const cached = realIds.get(op.path)
  if (cached) return cached
  const known = (await pathIds(owner.client, table, op))!
  realIds.set(op.path, known)
  return known
}

const validQuery = (op: Operation) => requiredQuery(op, table.resolve)

beforeAll(async () => {
  t = await createTestApp()
  owner = await t.user({ workspace: 'Fuzz' })
  table = routeTable(t.app)
  await createOneOfEach(owner.client, table)
})
afterAll(() => t?.close())

describe('hostile input on every operation of the route table', () => {
  it('finds the route table', () => {
    expect(table.ops.length).toBeGreaterThan(30)
  })

  it('path parameters', async () => {
    for (const op of table.ops) {
      const ids = await resolveIds(op)
      for (const p of op.params.filter((x) => x.in === 'path')) {
        for (const bad of hostilePath) {
          const url = withQuery(
            fillPath(op.path, { ...ids, [p.name]: '\u0001' }).replace('%01', bad),
            validQuery(op),
          )
          const res = await owner.client.request({
            method: op.method,
            url,
            ...(op.body ? { payload: sample(op.body, table.resolve) as object } : {}),
          })
          await expectProblemOrSuccess(`${op.method} ${url.slice(0, 120)}`, res)
        }
      }
    }
  })

  it('query parameters', async () => {
    for (const op of table.ops.filter((o) => o.method === 'GET')) {
      const ids = await resolveIds(op)
      const base = validQuery(op)
      for (const p of op.params.filter((x) => x.in === 'query')) {
        for (const bad of hostileText) {
          const url = withQuery(fillPath(op.path, ids), { ...base, [p.name]: bad })
          const res = await owner.client.get(url)
          await expectProblemOrSuccess(
            `${op.method} ${op.path} ?${p.name}=${JSON.stringify(bad).slice(0, 60)}`,
            res,
          )
        }
      }
      // Filters the schema does not name (custom fields) take text too.
      for (const bad of hostileText.slice(0, 12)) {
        const res = await owner.client.get(withQuery(fillPath(op.path, ids), { ...base, 'cf.probe': bad }))
        await expectProblemOrSuccess(`${op.path} ?cf.probe=${JSON.stringify(bad).slice(0, 40)}`, res)
      }
    }
  })

  it('JSON bodies: whole-body shapes, each field, and charsets', async () => {
    for (const op of table.ops.filter((o) => o.body && o.method !== 'DELETE')) {
      const ids = await resolveIds(op)
      const url = withQuery(fillPath(op.path, ids), validQuery(op))
      const label = `${op.method} ${op.path}`
      for (const raw of ['{', '[]', 'null', '"x"', '{"__proto__":{"x":1}}', '{"a":'.repeat(500)]) {
        const res = await owner.client.request({
          method: op.method,
          url,
          payload: raw,
          headers: { 'content-type': 'application/json' },
        })
        await expectProblemOrSuccess(`${label} body ${raw.slice(0, 20)}`, res)
      }
      const valid = sample(op.body!, table.resolve) as Record<string, unknown>
      const fields = Object.keys(fieldsOf(op.body!, table.resolve))
      for (const field of fields) {
        for (const bad of hostileValues) {
          const res = await owner.client.request({
            method: op.method,
            url,
            payload: { ...valid, [field]: bad },
          })
          await expectProblemOrSuccess(`${label} ${field}=${JSON.stringify(bad)?.slice(0, 40)}`, res)
        }
      }
      const utf16 = await owner.client.request({
        method: op.method,
        url,
        payload: Buffer.from(JSON.stringify(valid), 'utf16le'),
        headers: { 'content-type': 'application/json; charset=utf-16' },
      })
      await expectProblemOrSuccess(`${label} utf-16`, utf16)
      expect(utf16.statusCode, `${label} utf-16`).toBe(415)
    }
  })

  it('other media types (CSV uploads)', async () => {
    for (const op of table.ops.filter((o) => o.bodyTypes.some((m) => m !== 'application/json'))) {
      const ids = await resolveIds(op)
      const url = withQuery(fillPath(op.path, ids), validQuery(op))
      for (const type of op.bodyTypes.filter((m) => m !== 'application/json')) {
        for (const payload of [
          Buffer.from('name,email\nA\u0000B,a@example.com\n'),
          Buffer.from(''),
          Buffer.from('"unterminated,\n'),
          Buffer.from([0xff, 0xfe, 0x41, 0x00]),
        ]) {
          const res = await owner.client.request({
            method: op.method,
            url,
            payload,
            headers: { 'content-type': type },
          })
          await expectProblemOrSuccess(`${op.method} ${op.path} ${type}`, res)
        }
        const latin = await owner.client.request({
          method: op.method,
          url,
          payload: Buffer.from('name\nCaf\xe9\n', 'latin1'),
          headers: { 'content-type': `${type}; charset=iso-8859-1` },
        })
        await expectProblemOrSuccess(`${op.method} ${op.path} latin-1`, latin)
        expect(latin.statusCode).toBe(415)
      }
    }
  })
})
