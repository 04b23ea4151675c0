import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Problem, problems } from './problem.ts'

/**
 * Input rules every route inherits, applied before any schema or handler sees the request:
 * - bodies must be UTF-8 (a declared charset other than utf-8 is refused with 415);
 * - no text may hold a NUL character (U+0000): PostgreSQL text cannot store it, so it is refused with
 *   400 naming the field, in the body, the query string and the path alike.
 */
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    const type = req.headers['content-type']
    if (!type) return
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(type)?.[1]?.toLowerCase()
    if (charset && charset !== 'utf-8' && charset !== 'utf8') {
      throw problems.unsupportedMediaType(
        `The body is declared as ${charset}; Atrium reads UTF-8 only.`,
        `${type.split(';')[0]!.trim()}; charset=utf-8`,
      )
    }
  })
  app.addHook('preValidation', async (req) => {
    const field =
      nulPath(req.params, 'path') ??
      nulPath(req.query, 'query') ??
      nulPath(req.body, '', Buffer.isBuffer(req.body))
    if (field !== null && Buffer.isBuffer(req.body) && looksUtf16(req.body)) {
      throw problems.validation(
        [{ field: 'body', message: 'is UTF-16 encoded; save it as UTF-8' }],
        'The file is UTF-16 encoded; Atrium reads UTF-8 only. Save it as UTF-8 and upload it again.',
      )
    }
    if (field !== null) {
      throw problems.validation(
        [{ field, message: 'must not contain the NUL character (U+0000)' }],
        'Text may not contain the NUL character (U+0000).',
      )
    }
  })
}

/** A byte-order mark, or NUL in most odd or even bytes of the start: UTF-16 text. */
function looksUtf16(body: Buffer): boolean {
  if (body.length >= 2 && ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff)))
    return true
  const n = Math.min(body.length, 512)
  let zeros = 0
  for (let i = 0; i < n; i++) if (body[i] === 0) zeros++
  return n > 0 && zeros / n > 0.3
}

/** The dotted path of the first string holding U+0000, or null. */
export function nulPath(value: unknown, base: string, raw = false): string | null {
  if (raw) return (value as Buffer).includes(0) ? base || 'body' : null
  if (typeof value === 'string') return value.includes('\u0000') ? base || 'body' : null
  if (value === null || typeof value !== 'object') return null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], base ? `${base}.${i}` : String(i))
      if (found !== null) return found
    }
    return null
  }
  for (const [key, v] of Object.entries(value)) {
    const name = key.includes('\u0000') ? key.replaceAll('\u0000', '\\0') : key
    const path = base && base !== 'path' && base !== 'query' ? `${base}.${name}` : name
    if (key.includes('\u0000')) return path
    const found = nulPath(v, path)
    if (found !== null) return found
  }
  return null
}

function send(reply: FastifyReply, req: FastifyRequest, problem: Problem): void {
  reply.status(problem.status).type('application/problem+json').send(problem.toJSON(req.url))
}

/** Fastify's router errors (bad percent-encoding, over-long path parameters) as problems. */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400
  const detail =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path parameter is longer than allowed.'
      : err.code === 'FST_ERR_BAD_URL'
        ? 'The path is not a valid URL (bad percent-encoding).'
        : 'The request could not be routed.'
  send(
    reply,
    req,
    new Problem({
      status,
      type: status === 414 ? 'uri-too-long' : 'bad-request',
      title: STATUS_CODES[status] ?? 'Bad request',
      detail,
      errors: [{ field: 'path', message: detail }],
    }),
  )
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers or URL too large, malformed
 * requests, timeouts), answered on the raw socket as problem+json.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request line or headers are larger than allowed (16 KB).']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request took too long to arrive.']
        : [400, 'The request is not valid HTTP.']
  const title = STATUS_CODES[status] ?? 'Bad request'
  const body = JSON.stringify({
    type: `/problems/${status === 400 ? 'bad-request' : 'client-error'}`,
    title,
    status,
    detail,
  })
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy(err)
}
