import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import { dependencyDown, errorChain, unavailable } from '../health/index.ts'
import { Problem, problems } from './problem.ts'

function fieldName(instancePath: string | undefined, context: string | undefined): string {
  const path = (instancePath ?? '').replace(/^\//, '').replaceAll('/', '.')
  if (context === 'body' || !context) return path || 'body'
  return path || context
}

/**
 * PostgreSQL errors that input caused (SQLSTATE class 22 "data exception", integrity violations, a value
 * too large for an index). Validation at the edge should catch them first; this keeps a value that
 * slipped through from becoming a 500.
 */
export function databaseInputProblem(err: unknown): Problem | null {
  let code: string | undefined
  for (const e of errorChain(err)) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      code = e.code
      break
    }
  }
  if (!code) return null
  if (code.startsWith('22') || code === '54000' || code === '23502' || code === '23514')
    return problems.badRequest(
      'A value in the request cannot be stored or compared (out of range or malformed).',
    )
  if (code === '23505') return problems.conflict('This conflicts with an existing record.')
  if (code === '23503') return problems.badRequest('The request refers to a record that does not exist.')
  return null
}

const validationProblem = (err: FastifyError) =>
  problems.validation(
    (err.validation ?? []).map((v) => ({
      field: fieldName(v.instancePath, err.validationContext),
      message: v.message ?? 'is invalid',
    })),
  )

/** What an error becomes on the wire; each kind is recognised once. */
function toProblem(err: FastifyError, req: FastifyRequest): Problem {
  if (err instanceof Problem) return err
  if (hasZodFastifySchemaValidationErrors(err) || err.validation) return validationProblem(err)
  if (isResponseSerializationError(err)) {
    req.log.error({ err }, 'response did not match its schema')
    return new Problem({ status: 500, type: 'internal', title: 'Internal error' })
  }
  const down = dependencyDown(err)
  if (down) {
    req.log.warn({ err: { message: err.message, code: err.code } }, 'a dependency is unreachable')
    return unavailable(down)
  }
  const refused = databaseInputProblem(err)
  if (refused) {
    req.log.warn(
      { err: { message: err.message, code: err.code } },
      'database refused a value from the request',
    )
    return refused
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    const field = err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'content-type' : 'body'
    return new Problem({
      status: err.statusCode,
      type: err.statusCode === 413 ? 'payload-too-large' : 'bad-request',
      title: err.statusCode === 413 ? 'Payload too large' : 'Bad request',
      detail: err.message,
      errors: [{ field, message: err.message }],
    })
  }
  req.log.error({ err }, 'unhandled error')
  return new Problem({
    status: 500,
    type: 'internal',
    title: 'Internal error',
    detail: `Something went wrong. Quote request id ${req.id} when reporting it.`,
  })
}

/** Every error leaves as application/problem+json; unexpected ones are logged and answered as 500 without detail. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const problem = toProblem(err, req)
    if (problem.headers) reply.headers(problem.headers)
    reply.status(problem.status).type('application/problem+json').send(problem.toJSON(req.url))
  })
}
