export type FieldErrors = Record<string, string>

export type ProblemBody = {
  type?: string
  title?: string
  status?: number
  detail?: string
  code?: string
  message?: string
  errors?: { field: string; message: string }[]
}

const STANDARD_MEMBERS = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'message',
  'errors',
])

export class ApiError extends Error {
  readonly status: number
  readonly type: string | undefined
  readonly title: string | undefined
  readonly detail: string | undefined
  readonly code: string | undefined
  readonly fieldErrors: FieldErrors
  readonly retryAfter: number | undefined
  /** The problem's other members (a 402's `limit`, `allowed`, `usage`, `feature`, `upgradeUrl`). */
  readonly extensions: Record<string, unknown>

  constructor(status: number, body: ProblemBody, retryAfter?: number) {
    super(body.detail ?? body.message ?? body.title ?? `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.type = body.type
    this.title = body.title
    this.detail = body.detail ?? body.message
    this.code = body.code
    this.retryAfter = retryAfter
    this.extensions = Object.fromEntries(
      Object.entries(body ?? {}).filter(([key]) => !STANDARD_MEMBERS.has(key)),
    )
    this.fieldErrors = {}
    for (const error of body.errors ?? []) {
      if (error.field && !(error.field in this.fieldErrors)) this.fieldErrors[error.field] = error.message
    }
  }

  get isTwoFactorRequired(): boolean {
    if (this.status !== 403 || !this.type) return false
    return this.type === 'two-factor-required' || this.type.endsWith('/two-factor-required')
  }
}

type Listener = (error: ApiError) => void
const errorListeners = new Set<Listener>()

export function onApiError(listener: Listener): () => void {
  errorListeners.add(listener)
  return () => errorListeners.delete(listener)
}

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Sent as JSON, or as it is when it is a Blob (a File) with its own content type. */
  body?: unknown
  signal?: AbortSignal
  /**
   * A 401 from this call answers it (a mistyped code, a wrong password) rather than meaning the session
   * is gone: the app-wide listeners, which send the user to sign in, are not told.
   */
  unauthorizedIsAnswer?: boolean
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds))
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000))
}

declare global {
  interface Window {
    /** Set by the boot script in index.html: a GET it started before the app loaded, taken once. */
    __atriumPrefetch?: (url: string) => Promise<Response> | undefined
  }
}

/** The response to a GET the boot script already started for this page, or undefined (also on failure). */
async function takePrefetched(path: string): Promise<Response | undefined> {
  const pending = typeof window === 'undefined' ? undefined : window.__atriumPrefetch?.(path)
  return pending?.catch(() => undefined)
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST')
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' }
  let body: BodyInit | undefined
  if (options.body instanceof Blob) {
    headers['content-type'] = options.body.type || 'application/octet-stream'
    body = options.body
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  const response =
    (method === 'GET' && (await takePrefetched(path))) ||
    (await fetch(path, { method, headers, body, credentials: 'include', signal: options.signal }))
  const text = response.status === 204 ? '' : await response.text()
  let data: unknown
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
  }
  if (!response.ok) {
    const problem: ProblemBody = data && typeof data === 'object' ? (data as ProblemBody) : {}
    const error = new ApiError(response.status, problem, parseRetryAfter(response.headers.get('retry-after')))
    if (!(options.unauthorizedIsAnswer && error.status === 401))
      for (const listener of errorListeners) listener(error)
    throw error
  }
  return data as T
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => apiRequest<T>(path, { method: 'GET', signal }),
  post: <T>(path: string, body: unknown = {}) => apiRequest<T>(path, { method: 'POST', body }),
  put: <T>(path: string, body: unknown) => apiRequest<T>(path, { method: 'PUT', body }),
  patch: <T>(path: string, body: unknown) => apiRequest<T>(path, { method: 'PATCH', body }),
  delete: <T = void>(path: string) => apiRequest<T>(path, { method: 'DELETE' }),
  /** Posts a file as the raw request body (not multipart), e.g. a CSV with `new Blob([file], { type: 'text/csv' })`. */
  upload: <T>(path: string, file: Blob) => apiRequest<T>(path, { method: 'POST', body: file }),
}

export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  }
  const result = search.toString()
  return result ? `?${result}` : ''
}
