import type { FastifyInstance } from 'fastify'

/**
 * Makes JSON bodies arrive as the raw string in an encapsulated scope (`app.register(async scope => …)`):
 * webhook signatures are computed over the exact bytes sent, which parsing and re-serializing would lose.
 */
export function acceptRawJson(scope: FastifyInstance, bodyLimit = 512 * 1024): void {
  scope.removeContentTypeParser('application/json')
  scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_req, body, done) =>
    done(null, body),
  )
}
