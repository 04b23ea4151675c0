import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTestApp, type TestApp } from './harness.ts'

/**
 * docs/openapi.json is the published API contract: a change to any route must show up in review as a
 * change to that file. `npm run openapi` rewrites it from the running app.
 */
const file = new URL('../../docs/openapi.json', import.meta.url)
let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t?.close())

it('docs/openapi.json is the document the app serves', async () => {
  const res = await t.client().get('/api/openapi.json')
  expect(res.statusCode).toBe(200)
  const served = `${JSON.stringify(res.json(), null, 2)}\n`
  if (process.env.UPDATE_OPENAPI === '1') writeFileSync(file, served)
  expect(existsSync(file), 'docs/openapi.json is missing: run `npm run openapi`').toBe(true)
  const committed = readFileSync(file, 'utf8')
  expect(
    committed === served,
    'docs/openapi.json differs from the API the app serves: run `npm run openapi` and commit the result',
  ).toBe(true)
})
