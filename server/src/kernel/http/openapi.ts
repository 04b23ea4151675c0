type Content = Record<string, unknown>
type Operation = { responses?: Record<string, { description?: string; content?: Content }> } & Record<
  string,
  unknown
>
type Doc = { paths?: Record<string, Record<string, Operation>> } & Record<string, unknown>

const problemRef = { $ref: '#/components/schemas/Problem' }

/**
 * Declares what the server sends: every error response is `application/problem+json`, and every
 * operation of ours lists the problems any request can meet (4XX, 5XX) besides the ones it names.
 */
export function declareProblems<T extends Doc>(doc: T, isOurs: (path: string) => boolean): T {
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    if (!isOurs(path)) continue
    for (const op of Object.values(operations)) {
      if (typeof op !== 'object' || op === null) continue
      op.responses ??= {}
      const responses = op.responses
      for (const [status, response] of Object.entries(responses)) {
        if (!/^[45]/.test(status) || !response.content) continue
        const json = response.content['application/json']
        response.content = { 'application/problem+json': json ?? { schema: problemRef } }
      }
      responses['4XX'] ??= {
        description: 'Invalid input, authentication, permission, rate limit or conflict (RFC 9457).',
        content: { 'application/problem+json': { schema: problemRef } },
      }
      responses['5XX'] ??= {
        description: 'Internal error, or a dependency is unavailable (503 with Retry-After).',
        content: { 'application/problem+json': { schema: problemRef } },
      }
    }
  }
  return doc
}
