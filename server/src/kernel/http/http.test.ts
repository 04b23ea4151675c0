import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_URL, createTestApp, type TestApp } from '../../../test/harness.ts'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t?.close())

const expectProblem = (res: { statusCode: number; headers: Record<string, unknown> }, status: number) => {
  expect(res.statusCode).toBe(status)
  expect(String(res.headers['content-type'])).toContain('application/problem+json')
}

/** Every route Fastify knows, as "METHOD /path", rebuilt from the printRoutes tree. */
function registeredRoutes(): Set<string> {
  const out = new Set<string>()
  const stack: string[] = []
  for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = line.match(/^([│ ]*)[├└]── (.*?)(?: \(([^)]*)\))?$/u)
    if (!m) continue
    const depth = m[1]!.length / 4
    const path = (stack[depth - 1] ?? '') + m[2]
    stack[depth] = path
    stack.length = depth + 1
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      if (method && method !== 'HEAD') out.add(`${method} ${path}`)
    }
  }
  return out
}

const API_V1_ROUTES = [
  'GET /api/v1/me',
  'PATCH /api/v1/me',
  'PUT /api/v1/me/active-workspace',
  'GET /api/v1/me/sessions',
  'DELETE /api/v1/me/sessions/:id',
  'POST /api/v1/me/sessions/revoke-others',
  'POST /api/v1/workspaces',
  'GET /api/v1/workspace',
  'PATCH /api/v1/workspace',
  'GET /api/v1/members',
  'PATCH /api/v1/members/:id',
  'DELETE /api/v1/members/:id',
  'POST /api/v1/members/:id/transfer-ownership',
  'GET /api/v1/invitations',
  'POST /api/v1/invitations',
  'POST /api/v1/invitations/:id/resend',
  'DELETE /api/v1/invitations/:id',
  'GET /api/v1/invitation-tokens/:token',
  'POST /api/v1/invitation-tokens/:token/accept',
  'GET /api/v1/audit-logs',
  'GET /api/v1/audit-logs/export',
]

describe('errors', () => {
  it('answers an unknown API route with a 404 problem', async () => {
    const res = await t.client().get('/api/nothing-here')
    expectProblem(res, 404)
    expect(res.json()).toMatchObject({
      status: 404,
      type: '/problems/not-found',
      instance: '/api/nothing-here',
    })
  })

  it('answers an unknown /api/v1 route with a 404 problem for a signed-in user', async () => {
    const u = await t.user()
    const res = await u.client.get('/api/v1/nothing-here')
    expectProblem(res, 404)
    const del = await u.client.del('/api/v1/workspace')
    expectProblem(del, 404)
  })

  it('rejects a malformed JSON body with 400, never 500', async () => {
    const u = await t.user()
    for (const c of [t.client(), u.client]) {
      for (const url of ['/api/v1/workspaces', '/api/auth/sign-in/email']) {
        const res = await c.request({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json' },
          payload: '{"name": "x",',
        })
        expectProblem(res, 400)
        expect(res.json().errors[0].field).toBe('body')
      }
    }
    const patch = await u.client.request({
      method: 'PATCH',
      url: '/api/v1/workspace',
      headers: { 'content-type': 'application/json' },
      payload: '{name:',
    })
    expectProblem(patch, 400)
  })

  it('rejects an empty JSON body and an unsupported content type as client errors', async () => {
    const u = await t.user()
    const empty = await u.client.request({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: { 'content-type': 'application/json' },
      payload: '',
    })
    expectProblem(empty, 400)
    const xml = await u.client.request({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: { 'content-type': 'application/xml' },
      payload: '<workspace name="x"/>',
    })
    expectProblem(xml, 415)
    expect(xml.json().errors[0].field).toBe('content-type')
    const plain = await u.client.request({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: { 'content-type': 'text/plain' },
      payload: 'name=x',
    })
    expectProblem(plain, 400)
  })

  it('rejects a body over the size limit with 413', async () => {
    const u = await t.user()
    const res = await u.client.post('/api/v1/workspaces', { name: 'x'.repeat(1_100_000), slug: 'big' })
    expectProblem(res, 413)
    expect(res.json().type).toBe('/problems/payload-too-large')
  })
})

describe('request ids', () => {
  it('sets an x-request-id on every response', async () => {
    const res = await t.client().get('/healthz')
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const other = await t.client().get('/healthz')
    expect(other.headers['x-request-id']).not.toBe(res.headers['x-request-id'])
  })

  it('echoes a valid given request id, also on errors', async () => {
    const c = t.client()
    const ok = await c.request({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'trace-abc12345' },
    })
    expect(ok.headers['x-request-id']).toBe('trace-abc12345')
    const err = await c.request({
      method: 'GET',
      url: '/api/v1/me',
      headers: { 'x-request-id': 'trace-err-0001' },
    })
    expect(err.statusCode).toBe(401)
    expect(err.headers['x-request-id']).toBe('trace-err-0001')
  })

  it('replaces an invalid given request id', async () => {
    for (const given of ['short', 'has spaces in it', 'x'.repeat(65), 'semi;colon;id']) {
      const res = await t
        .client()
        .request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': given } })
      expect(res.headers['x-request-id']).not.toBe(given)
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    }
  })
})

describe('security headers', () => {
  it('sends a CSP, nosniff and a framing rule on API, problem and health responses', async () => {
    const u = await t.user()
    for (const res of [
      await u.client.get('/api/v1/me'),
      await t.client().get('/api/v1/me'),
      await t.client().get('/healthz'),
    ]) {
      const csp = String(res.headers['content-security-policy'])
      expect(csp).toMatch(/default-src '(self|none)'/)
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      const framing =
        /frame-ancestors 'none'/.test(csp) ||
        /^(DENY|SAMEORIGIN)$/i.test(String(res.headers['x-frame-options']))
      expect(framing).toBe(true)
    }
  })

  it('keeps API answers out of caches and lets them load nothing', async () => {
    const res = await (await t.user()).client.get('/api/v1/me')
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'")
    const page = await t.client().get('/healthz')
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'")
  })
})

describe('health and metrics', () => {
  it('/healthz answers 200', async () => {
    const res = await t.client().get('/healthz')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok' })
  })

  it('/readyz answers 200 ready when the database is migrated', async () => {
    const res = await t.client().get('/readyz')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      status: 'ready',
      checks: { database: 'up', migrations: 'current', redis: 'not configured' },
    })
  })

  it('/metrics counts requests by route and status', async () => {
    await t.client().get('/healthz')
    await t.client().get('/api/v1/me')
    const res = await t.client().get('/metrics')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/plain')
    expect(res.body).toContain('# TYPE atrium_http_requests_total counter')
    expect(res.body).toMatch(
      /atrium_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]/,
    )
    expect(res.body).toMatch(
      /atrium_http_requests_total\{method="GET",route="\/api\/v1\/me",status="401"\} [1-9]/,
    )
    expect(res.body).toContain('atrium_http_request_duration_seconds_bucket')
  })
})

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents every /api/v1 route with responses', async () => {
    const res = await t.client().get('/api/openapi.json')
    expect(res.statusCode).toBe(200)
    const doc = res.json()
    expect(doc.openapi).toMatch(/^3\.1\./)
    expect(doc.info.title).toBeTruthy()

    const registered = [...registeredRoutes()].filter((r) => r.split(' ')[1]!.startsWith('/api/v1/'))
    for (const r of API_V1_ROUTES) expect(registered).toContain(r)

    const documented = new Set<string>()
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
        documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)
        const codes = Object.keys(op.responses ?? {})
        expect(codes.length, `${method} ${path} declares responses`).toBeGreaterThan(0)
        // A redirect is the success of a route that sends the browser on (a gateway's return URL).
        expect(
          codes.some((c) => c.startsWith('2') || c === '303'),
          `${method} ${path} declares a success response`,
        ).toBe(true)
      }
    }
    for (const r of registered) expect(documented, `${r} is documented`).toContain(r)
    for (const r of documented) {
      const [method, path] = r.split(' ') as [string, string]
      if (path.startsWith('/api/v1/'))
        expect(t.app.hasRoute({ method: method as 'GET', url: path }), r).toBe(true)
    }
  })

  it('describes errors with the Problem schema', async () => {
    const doc = (await t.client().get('/api/openapi.json')).json()
    const op = doc.paths['/api/v1/members/{id}'].patch
    expect(JSON.stringify(op.responses['404'])).toContain('Problem')
    expect(op.parameters.some((p: { name: string; in: string }) => p.name === 'id' && p.in === 'path')).toBe(
      true,
    )
  })
})

describe('CORS', () => {
  it('grants no cross-origin access to a preflight from another origin', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/me',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    expect(res.headers['access-control-allow-credentials']).toBeUndefined()
  })

  it('grants no cross-origin access to a simple request from another origin', async () => {
    const u = await t.user()
    const res = await u.client.request({
      method: 'GET',
      url: '/api/v1/me',
      headers: { origin: 'https://evil.example' },
    })
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    const auth = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/sign-in/email',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(auth.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('serves same-origin callers normally', async () => {
    const res = await t.client().request({ method: 'GET', url: '/healthz', headers: { origin: APP_URL } })
    expect(res.statusCode).toBe(200)
  })
})

describe('OpenAPI for Better Auth routes', () => {
  it('describes /api/auth endpoints beside the Atrium API', async () => {
    const doc = (await t.client().get('/api/openapi.json')).json()
    for (const path of [
      '/api/auth/sign-in/email',
      '/api/auth/sign-up/email',
      '/api/auth/two-factor/enable',
      '/api/auth/reset-password',
    ])
      expect(doc.paths[path], path).toBeDefined()
    expect(doc.paths['/api/auth/sign-in/email'].post.tags).toEqual(['Authentication'])
    expect(doc.components.schemas.AuthUser).toBeDefined()
    expect(doc.components.schemas.Me).toBeDefined()
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[\w.]+/g) ?? []
    for (const ref of new Set(refs)) expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined()
  })
})

describe('API reference', () => {
  it('serves the Scalar page for the OpenAPI document from this server only', async () => {
    const res = await t.client().get('/api/docs/')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.body).toContain('/api/openapi.json')
    const script = await t.client().get('/api/docs/js/scalar.js')
    expect(script.statusCode).toBe(200)
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'")
  })
})
