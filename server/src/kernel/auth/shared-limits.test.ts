import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/harness.ts'

const redisUrl = process.env.TEST_REDIS_URL

describe.runIf(redisUrl)('sign-in limits with REDIS_URL', () => {
  let a: TestApp
  let b: TestApp
  beforeAll(async () => {
    a = await createTestApp({ REDIS_URL: redisUrl!, SIGNIN_RATE_LIMIT: '3' })
    b = await createTestApp({ REDIS_URL: redisUrl!, SIGNIN_RATE_LIMIT: '3' })
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
  })

  it('are shared by every node: failures on one lock the account out on another', async () => {
    const email = `shared-${randomBytes(4).toString('hex')}@example.com`
    const ip = `10.77.${randomBytes(1)[0]}.${randomBytes(1)[0]}`
    for (let i = 0; i < 3; i++)
      expect((await a.client({ ip }).signIn(email, 'wrong password 1')).statusCode).toBe(401)
    const res = await b.client({ ip: '10.66.0.1' }).signIn(email, 'wrong password 2')
    expect(res.statusCode).toBe(429)
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
  })
})
