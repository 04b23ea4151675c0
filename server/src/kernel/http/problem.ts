export type FieldError = { field: string; message: string }

/** An RFC 9457 problem: thrown anywhere, rendered as application/problem+json by the error handler. */
export class Problem extends Error {
  readonly status: number
  readonly type: string
  readonly title: string
  readonly detail?: string
  readonly errors?: FieldError[]
  readonly headers?: Record<string, string>

  constructor(opts: {
    status: number
    type: string
    title: string
    detail?: string
    errors?: FieldError[]
    headers?: Record<string, string>
  }) {
    super(opts.detail ?? opts.title)
    this.status = opts.status
    this.type = `/problems/${opts.type}`
    this.title = opts.title
    this.detail = opts.detail
    this.errors = opts.errors
    this.headers = opts.headers
  }

  toJSON(instance?: string) {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...(instance ? { instance } : {}),
    }
  }
}

export const problems = {
  validation: (errors: FieldError[], detail = 'The request has invalid fields.') =>
    new Problem({ status: 400, type: 'validation', title: 'Invalid request', detail, errors }),
  badRequest: (detail: string, field?: string) =>
    new Problem({
      status: 400,
      type: 'bad-request',
      title: 'Bad request',
      detail,
      errors: field ? [{ field, message: detail }] : undefined,
    }),
  unauthorized: (detail = 'Sign in to continue.') =>
    new Problem({ status: 401, type: 'unauthorized', title: 'Not signed in', detail }),
  forbidden: (detail = 'You do not have permission to do this.', field?: string) =>
    new Problem({
      status: 403,
      type: 'forbidden',
      title: 'Forbidden',
      detail,
      errors: field ? [{ field, message: detail }] : undefined,
    }),
  twoFactorRequired: () =>
    new Problem({
      status: 403,
      type: 'two-factor-required',
      title: 'Two-factor authentication required',
      detail: 'This workspace requires two-factor authentication. Enable it on the Security page.',
    }),
  noWorkspace: () =>
    new Problem({
      status: 409,
      type: 'no-active-workspace',
      title: 'No active workspace',
      detail: 'Create or select a workspace first.',
    }),
  notFound: (what = 'Resource') =>
    new Problem({ status: 404, type: 'not-found', title: 'Not found', detail: `${what} not found.` }),
  conflict: (detail: string, field?: string) =>
    new Problem({
      status: 409,
      type: 'conflict',
      title: 'Conflict',
      detail,
      errors: field ? [{ field, message: detail }] : undefined,
    }),
  /** Well-formed input the server cannot act on (e.g. a document an e-invoice cannot express). */
  unprocessable: (type: string, title: string, detail: string, errors: FieldError[]) =>
    new Problem({ status: 422, type, title, detail, errors }),
  unsupportedMediaType: (detail: string, expected: string) =>
    new Problem({
      status: 415,
      type: 'unsupported-media-type',
      title: 'Unsupported media type',
      detail,
      errors: [{ field: 'content-type', message: `must be ${expected}` }],
    }),
  gone: (detail: string) => new Problem({ status: 410, type: 'gone', title: 'Gone', detail }),
  unavailable: (detail: string) =>
    new Problem({ status: 503, type: 'unavailable', title: 'Service unavailable', detail }),
  tooManyRequests: (retryAfterSeconds: number) =>
    new Problem({
      status: 429,
      type: 'rate-limited',
      title: 'Too many requests',
      detail: `Too many attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
}
