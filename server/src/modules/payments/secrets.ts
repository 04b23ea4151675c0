import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Gateway secrets at rest: AES-256-GCM with a 256-bit key derived by HKDF-SHA-256 from the server's
 * SECRET_KEY. Each ciphertext is stored with the id of the key that sealed it (a hash of the key, not
 * the key), so after SECRET_KEY changes the old key — given as SECRET_KEY_PREVIOUS — still opens
 * it until `atrium payments rotate-key` seals everything again under the new one. The workspace and
 * gateway are the additional authenticated data: a ciphertext copied to another row does not open.
 */
export type SealedSecret = { keyId: string; ciphertext: string }

type Key = { id: string; key: Buffer }

const INFO = 'atrium/payments/gateway-secrets/v1'

export function deriveKey(secretKey: string): Key {
  const key = Buffer.from(hkdfSync('sha256', secretKey, 'atrium', INFO, 32))
  const id = createHash('sha256').update('key-id:').update(key).digest('hex').slice(0, 16)
  return { id, key }
}

/** The current key and the previous ones that may still open older ciphertexts. */
export class KeyRing {
  readonly current: Key
  private readonly byId: Map<string, Key>

  constructor(secretKey: string, previous: readonly string[] = []) {
    this.current = deriveKey(secretKey)
    this.byId = new Map([this.current, ...previous.map(deriveKey)].map((k) => [k.id, k]))
  }

  seal(plain: string, aad: string): SealedSecret {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv)
    cipher.setAAD(Buffer.from(aad))
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    const tag = cipher.getAuthTag()
    return { keyId: this.current.id, ciphertext: Buffer.concat([iv, tag, body]).toString('base64url') }
  }

  open(sealed: SealedSecret, aad: string): string {
    const k = this.byId.get(sealed.keyId)
    if (!k) throw new SecretKeyMissing(sealed.keyId)
    const raw = Buffer.from(sealed.ciphertext, 'base64url')
    const decipher = createDecipheriv('aes-256-gcm', k.key, raw.subarray(0, 12))
    decipher.setAAD(Buffer.from(aad))
    decipher.setAuthTag(raw.subarray(12, 28))
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
  }

  /** Whether a ciphertext is sealed under an older key (rotation re-seals it). */
  isStale(sealed: Pick<SealedSecret, 'keyId'>) {
    return sealed.keyId !== this.current.id
  }
}

export class SecretKeyMissing extends Error {
  readonly keyId: string
  constructor(keyId: string) {
    super(`gateway secrets sealed with key ${keyId}: set that SECRET_KEY in SECRET_KEY_PREVIOUS`)
    this.keyId = keyId
  }
}

/** `sk_test_…abcd`: the prefix up to its last underscore and the last four characters. */
export function mask(secret: string): string {
  const tail = secret.slice(-4)
  const cut = secret.lastIndexOf('_', secret.length - 5)
  const prefix = cut > 0 && cut < 16 ? secret.slice(0, cut + 1) : ''
  return `${prefix}…${tail}`
}
