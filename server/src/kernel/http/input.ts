import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchemaCompiler,
} from 'fastify'
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod'
import { Problem, problems } from './problem.ts'

/**
 * The schema validator of every route. Fastify hands a missing body to the validator as `null`; here it
 * stays missing, so that an optional body (`z.object(…).optional()`) accepts a request without one.
 */
export const validatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
  const validate = zodValidatorCompiler(route as Parameters<typeof zodValidatorCompiler>[0])
  return route.httpPart === 'body' ? (data) => validate(data ?? undefined) : validate
}

/**
 * Input rules every route inherits, applied before any schema or handler sees the request:
 * - bodies must be UTF-8 (a declared charset other than utf-8 is refused with 415);
 * - no text may hold a NUL character (U+0000): PostgreSQL text cannot store it, so it is refused with
 *   400 naming the field, in the body, the query string and the path alike;
 * - a POST without a body, or with an empty one declared as JSON, is a request with no body: a route
 *   whose body is optional takes it, one that needs a body says so with 400 naming `body`.
 */
export function registerInputGuards(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') return done(null, undefined)
    json(req, body as string, done)
  })
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
    const field = nulPath(req.params) ?? nulPath(req.query) ?? nulPath(req.body)
    if (field === null) return
    if (Buffer.isBuffer(req.body) && looksUtf16(req.body)) throw notUtf8('utf-16', 'body')
    throw problems.validation(
      [{ field, message: 'must not contain the NUL character (U+0000)' }],
      'Text may not contain the NUL character (U+0000).',
    )
  })
}

const notUtf8 = (seen: 'utf-16' | 'other', field: string) =>
  problems.badRequest(
    seen === 'utf-16'
      ? 'The file is UTF-16 text: save it as UTF-8 ("CSV UTF-8" in Excel) and upload it again.'
      : 'The file is not UTF-8 text (it may be Excel or Latin-1): save it as UTF-8 ("CSV UTF-8" in Excel) and upload it again.',
    field,
  )

/**
 * An uploaded text file as a string: UTF-8 only, a byte-order mark dropped; UTF-16, Latin-1 and
 * binary files are refused with a 400 that says how to save them.
 */
export function decodeUtf8Upload(body: Buffer, field = 'file'): string {
  if (body.length === 0) throw problems.badRequest('The file is empty.', field)
  if (looksUtf16(body)) throw notUtf8('utf-16', field)
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(body)
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  } catch {
    throw notUtf8('other', field)
  }
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

/** The dotted path (`billingAddress.line1`, `tags.2`) of the first text holding U+0000, or null. */
function nulPath(value: unknown, path = ''): string | null {
  if (Buffer.isBuffer(value)) return value.includes(0) ? path || 'body' : null
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : null
  if (value === null || typeof value !== 'object') return null
  for (const [key, v] of Object.entries(value)) {
    const name = key.replaceAll('\u0000', '\\0')
    const at = path ? `${path}.${name}` : name
    if (key.includes('\u0000')) return at
    const found = nulPath(v, at)
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
