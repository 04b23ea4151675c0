import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Short-lived download links: an HMAC-SHA256, under a key derived from the server secret, of the
 * workspace, the file id and the expiry. A link opens that one file of that workspace until it expires;
 * changing any part breaks the signature.
 */
export type SignedParams = { workspaceId: string; fileId: string; expires: number }

export function signingKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('atrium storage signed urls v1').digest()
}

export function sign(key: Buffer, p: SignedParams): string {
  return createHmac('sha256', key).update(`${p.workspaceId}\n${p.fileId}\n${p.expires}`).digest('base64url')
}

export type SignatureCheck = 'valid' | 'expired' | 'invalid'

/** `expires` is in Unix seconds; `now` in milliseconds. */
export function verify(key: Buffer, p: SignedParams, signature: string, now = Date.now()): SignatureCheck {
  const expected = Buffer.from(sign(key, p))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid'
  return p.expires * 1000 <= now ? 'expired' : 'valid'
}
