import type { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Problem } from '../http/problem.ts'
import type { ByteRange } from './driver.ts'
import { INLINE_TYPES, withoutControls } from './media-types.ts'
import type { StoredFile } from './schema.ts'

/**
 * `Range: bytes=…` against a file of `size` bytes: one range (`a-b`, `a-`, `-n`), `null` for the whole
 * file (no header, several ranges or a unit other than bytes), `'unsatisfiable'` when it starts past the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return null
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable'
  if (end < start) return null
  return { start, end }
}

/** `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback and the exact name (RFC 6266). */
export function contentDisposition(name: string, kind: 'inline' | 'attachment'): string {
  const clean = withoutControls(name).replace(/["\\/]/g, '_')
  const ascii = clean.replace(/[^\x20-\x7e]/g, '_').replace(/[%;]/g, '_')
  const exact = encodeURIComponent(clean).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${exact}`
}

/**
 * Answers with a stored file's bytes, streamed from the driver: one byte range when asked
 * (`206`, `416` past the end), `ETag` from its SHA-256 (`304` on a match), and headers that keep a
 * browser from running it: `nosniff`, a sandboxing CSP, and `attachment` unless the type is safe inline.
 */
export async function sendStoredFile(
  req: FastifyRequest,
  reply: FastifyReply,
  storage: { open(file: StoredFile, range?: ByteRange): Promise<Readable> },
  file: StoredFile,
  want: 'inline' | 'attachment' = 'attachment',
) {
  const etag = `"${file.sha256}"`
  const kind = want === 'inline' && INLINE_TYPES.has(file.contentType) ? 'inline' : 'attachment'
  reply
    .header('etag', etag)
    .header('accept-ranges', 'bytes')
    .header('cache-control', 'private, no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
    .header('content-disposition', contentDisposition(file.name, kind))
  if (req.headers['if-none-match'] === etag) return reply.status(304).send()
  const ifRange = req.headers['if-range']
  const range = ifRange && ifRange !== etag ? null : parseRange(req.headers.range, file.size)
  if (range === 'unsatisfiable') {
    throw new Problem({
      status: 416,
      type: 'range-not-satisfiable',
      title: 'Range not satisfiable',
      detail: `The file has ${file.size} bytes.`,
      errors: [{ field: 'Range', message: `must start before byte ${file.size}` }],
      headers: { 'content-range': `bytes */${file.size}` },
    })
  }
  const body = await storage.open(file, range ?? undefined)
  reply.type(file.contentType.startsWith('text/') ? `${file.contentType}; charset=utf-8` : file.contentType)
  if (range) {
    reply
      .status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
      .header('content-length', range.end - range.start + 1)
  } else reply.header('content-length', file.size)
  return reply.send(body)
}
