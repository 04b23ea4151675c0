import type { FastifyError, FastifyInstance } from 'fastify'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import { dependencyDown, unavailable } from '../health/index.ts'
import { type FieldError, Problem, problems } from './problem.ts'

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
  let e = err as { code?: unknown; cause?: unknown } | null
  for (let depth = 0; e && typeof e.code !== 'string' && e.cause && depth < 3; depth++)
    e = e.cause as typeof e
  const code = e?.code
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null
  if (code.startsWith('22') || code === '54000' || code === '23502' || code === '23514')
    return problems.badRequest(
      'A value in the request cannot be stored or compared (out of range or malformed).',
    )
  if (code === '23505') return problems.conflict('This conflicts with an existing record.')
  if (code === '23503') return problems.badRequest('The request refers to a record that does not exist.')
  return null
}

/** Every error leaves as application/problem+json; unexpected ones are logged and answered as 500 without detail. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let problem: Problem
    if (err instanceof Problem) {
      problem = err
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      const errors: FieldError[] = err.validation.map((v) => ({
        field: fieldName(v.instancePath, err.validationContext),
        message: v.message ?? 'is invalid',
      }))
      problem = problems.validation(errors)
    } else if (isResponseSerializationError(err)) {
      req.log.error({ err }, 'response did not match its schema')
      problem = new Problem({ status: 500, type: 'internal', title: 'Internal error' })
    } else if (err.validation) {
      problem = problems.validation(
        err.validation.map((v) => ({
          field: fieldName(v.instancePath, err.validationContext),
          message: v.message ?? 'is invalid',
        })),
      )
    } else if (dependencyDown(err)) {
      req.log.warn({ err: { message: err.message, code: err.code } }, 'a dependency is unreachable')
      problem = unavailable(dependencyDown(err)!)
    } else if (databaseInputProblem(err)) {
      req.log.warn(
        { err: { message: err.message, code: err.code } },
        'database refused a value from the request',
      )
      problem = databaseInputProblem(err)!
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const field = err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'content-type' : 'body'
      problem = new Problem({
        status: err.statusCode,
        type: err.statusCode === 413 ? 'payload-too-large' : 'bad-request',
        title: err.statusCode === 413 ? 'Payload too large' : 'Bad request',
        detail: err.message,
        errors: [{ field, message: err.message }],
      })
    } else {
      req.log.error({ err }, 'unhandled error')
      problem = new Problem({
        status: 500,
        type: 'internal',
        title: 'Internal error',
        detail: `Something went wrong. Quote request id ${req.id} when reporting it.`,
      })
    }
    if (problem.headers) reply.headers(problem.headers)
    reply.status(problem.status).type('application/problem+json').send(problem.toJSON(req.url))
  })
}
