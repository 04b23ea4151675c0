import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { aadOf, gatewayOf } from './connections.ts'
import { paymentsDeps } from './deps.ts'
import { rotateGatewaySecrets } from './rotate.ts'
import { gatewayConnections } from './schema.ts'
import { KeyRing, mask, SecretKeyMissing } from './secrets.ts'
import { SK, WHSEC } from './testing.ts'

describe('sealing', () => {
  const ring = new KeyRing('a'.repeat(40))
  it('round-trips, with a fresh IV each time, and opens only on its own row', () => {
    const a = ring.seal('sk_test_secret', aadOf('w1', 'stripe'))
    const b = ring.seal('sk_test_secret', aadOf('w1', 'stripe'))
    expect(a.ciphertext).not.toBe(b.ciphertext)
    expect(ring.open(a, aadOf('w1', 'stripe'))).toBe('sk_test_secret')
    expect(() => ring.open(a, aadOf('w2', 'stripe'))).toThrow()
    const flipped = Buffer.from(a.ciphertext, 'base64url')
    flipped[flipped.length - 1]! ^= 1
    expect(() =>
      ring.open({ ...a, ciphertext: flipped.toString('base64url') }, aadOf('w1', 'stripe')),
    ).toThrow()
  })
  it('names its key by a hash, and another key cannot open it', () => {
    const other = new KeyRing('b'.repeat(40))
    expect(other.current.id).not.toBe(ring.current.id)
    expect(() => other.open(ring.seal('x', 'aad'), 'aad')).toThrow(SecretKeyMissing)
    expect(new KeyRing('b'.repeat(40), ['a'.repeat(40)]).open(ring.seal('x', 'aad'), 'aad')).toBe('x')
  })
  it('masks', () => {
    expect(mask('sk_test_51Habcdefghijklmnopqrstuvwxyz1234')).toBe('sk_test_…1234')
    expect(mask('whsec_abcdefghijklmnop9876')).toBe('whsec_…9876')
    expect(mask('rk_live_ABCDEFGHIJKLMN0000')).toBe('rk_live_…0000')
  })
})

describe('atrium payments rotate-key', () => {
  let t: TestApp
  let owner: TestUser
  const oldKey = randomBytes(32).toString('hex')
  beforeAll(async () => {
    t = await createTestApp({ SECRET_KEY: oldKey, SIGNIN_RATE_LIMIT: '1000' })
    owner = await t.user({ workspace: 'Rotate Co' })
    const put = await owner.client.put('/api/v1/payment-gateways/stripe', {
      secretKey: SK,
      webhookSecret: WHSEC,
    })
    expect(put.statusCode, put.body).toBe(200)
  })
  afterAll(() => t?.close())

  const row = async () =>
    (
      await t.database.db
        .select()
        .from(gatewayConnections)
        .where(eq(gatewayConnections.workspaceId, owner.workspaceId!))
    )[0]!

  it('re-encrypts every secret under the new key; the old key is no longer needed', async () => {
    const before = await row()
    const oldRing = new KeyRing(oldKey)
    expect(before.keyId).toBe(oldRing.current.id)
    const newKey = randomBytes(32).toString('hex')

    // Without the former key, nothing can be opened: reported, left unchanged.
    const blind = await rotateGatewaySecrets(t.database.db, new KeyRing(newKey))
    expect(blind.resealed).toBe(0)
    expect(blind.unreadable).toEqual([
      { workspaceId: owner.workspaceId, gateway: 'stripe', keyId: before.keyId },
    ])
    expect((await row()).ciphertext).toBe(before.ciphertext)

    const ring = new KeyRing(newKey, [oldKey])
    const report = await rotateGatewaySecrets(t.database.db, ring)
    expect(report).toMatchObject({ keyId: ring.current.id, resealed: 1, unreadable: [] })
    const after = await row()
    expect(after.keyId).toBe(ring.current.id)
    expect(after.ciphertext).not.toBe(before.ciphertext)
    // The new key alone opens it; the old one no longer does.
    const secrets = JSON.parse(new KeyRing(newKey).open(after, aadOf(after.workspaceId, 'stripe')))
    expect(secrets).toEqual({ secretKey: SK, webhookSecret: WHSEC })
    expect(() => oldRing.open(after, aadOf(after.workspaceId, 'stripe'))).toThrow()
    // Running it again changes nothing.
    expect(await rotateGatewaySecrets(t.database.db, ring)).toMatchObject({ resealed: 0, current: 1 })
    // The running server (still on the old key alone) fails closed instead of using a wrong key.
    expect(() => gatewayOf(after, paymentsDeps(t.kernel))).toThrow(/SECRET_KEY_PREVIOUS/)
    const test = await owner.client.post('/api/v1/payment-gateways/stripe/test')
    expect(test.statusCode).toBe(503)
    expect(test.json().type).toContain('gateway-secrets-unreadable')
  })
})
