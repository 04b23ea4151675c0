import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_URL, createTestApp, type TestApp, type TestUser } from '../../../test/harness.ts'
import { databaseInputProblem } from './errors.ts'

let t: TestApp
let owner: TestUser

beforeAll(async () => {
  t = await createTestApp()
  owner = await t.user({ workspace: 'Input' })
})
afterAll(() => t?.close())

const problem = (
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
) => {
  expect(res.statusCode, res.body).toBe(status)
  expect(String(res.headers['content-type'])).toContain('application/problem+json')
  const body = JSON.parse(res.body)
  expect(body.status).toBe(status)
  return body as { type: string; detail?: string; errors?: { field: string; message: string }[] }
}
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

describe('NUL characters are refused with 400 naming the field, wherever they come', () => {
  it('in a JSON body field, nested or not', async () => {
    const res = await owner.client.patch('/api/v1/me', { name: 'Ann\u0000' })
    expect(problem(res, 400).errors).toEqual([{ field: 'name', message: expect.stringContaining('NUL') }])
    const nested = await owner.client.post('/api/v1/clients', {
      name: 'Acme',
      billingAddress: { line1: 'x\u0000' },
    })
    expect(problem(nested, 400).errors?.[0]?.field).toBe('billingAddress.line1')
    const me = await owner.client.get('/api/v1/me')
    expect(me.json().user.name).not.toContain('\u0000')
  })

  it('in the query string and the path', async () => {
    expect(problem(await owner.client.get('/api/v1/clients?q=ab%00c'), 400).errors?.[0]?.field).toBe('q')
    expect(problem(await owner.client.get('/api/v1/clients?cf.size=%00'), 400).errors?.[0]?.field).toBe(
      'cf.size',
    )
    expect(problem(await owner.client.get('/api/v1/audit-logs?action=x%00'), 400).errors?.[0]?.field).toBe(
      'action',
    )
    expect(problem(await owner.client.get('/api/v1/clients/cli_%00'), 400).errors?.[0]?.field).toBe('id')
  })

  it('in an uploaded file', async () => {
    const res = await owner.client.request({
      method: 'POST',
      url: '/api/v1/clients/import?filename=a.csv',
      payload: Buffer.from('name\nA\u0000B\n'),
      headers: { 'content-type': 'text/csv' },
    })
    expect(res.statusCode).toBe(400)
    expect(String(res.headers['content-type'])).toContain('application/problem+json')
  })
})

describe('bodies are UTF-8', () => {
  it('refuses another declared charset with 415', async () => {
    const res = await owner.client.request({
      method: 'PATCH',
      url: '/api/v1/me',
      payload: Buffer.from(JSON.stringify({ name: 'Ann' }), 'utf16le'),
      headers: { 'content-type': 'application/json; charset=utf-16' },
    })
    expect(problem(res, 415).errors?.[0]?.field).toBe('content-type')
  })

  it('accepts utf-8 spelled either way', async () => {
    for (const charset of ['utf-8', 'UTF8', '"utf-8"']) {
      const res = await owner.client.request({
        method: 'PATCH',
        url: '/api/v1/me',
        payload: JSON.stringify({ name: 'Ann' }),
        headers: { 'content-type': `application/json; charset=${charset}` },
      })
      expect(res.statusCode, charset).toBe(200)
    }
  })
})

describe("the router's own errors are problems", () => {
  it('an over-long path parameter is 414', async () => {
    const res = await owner.client.get(`/api/v1/clients/${'a'.repeat(150)}`)
    expect(problem(res, 414).errors?.[0]?.field).toBe('path')
  })

  it('bad percent-encoding in a path is 400', async () => {
    problem(await owner.client.get('/api/v1/clients/%E0%A4%A'), 400)
  })

  it('a URL larger than the header limit is 431, on a real socket', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = new URL(address)
    const raw = await new Promise<string>((resolve, reject) => {
      let data = ''
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`GET /api/v1/clients?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
      })
      socket.on('data', (chunk) => {
        data += chunk
      })
      socket.on('close', () => resolve(data))
      socket.on('error', (err) => (data ? resolve(data) : reject(err)))
    })
    expect(raw).toMatch(/^HTTP\/1\.1 431 /)
    expect(raw).toContain('Content-Type: application/problem+json')
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).status).toBe(431)
  })
})

describe('forged cursors and impossible dates are 400, not 500', () => {
  it('rejects forged keyset cursors on every paged list', async () => {
    const client = await owner.client.post('/api/v1/clients', { name: 'Cursor Co' })
    expect(client.statusCode).toBe(201)
    const forged = [
      b64({ t: '2026-01-01T00:00:00.000Z', id: 'x' }),
      b64({ t: 'yesterday', id: '00000000-0000-4000-8000-000000000000' }),
      b64({ t: '0000-01-01T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000000' }),
      b64([1, 2]),
      'not base64 at all!',
    ]
    for (const url of [
      '/api/v1/members',
      '/api/v1/invitations',
      '/api/v1/audit-logs',
      `/api/v1/clients/${client.json().id}/activity`,
      '/api/v1/clients',
    ]) {
      for (const cursor of forged) {
        const res = await owner.client.get(`${url}?cursor=${encodeURIComponent(cursor)}`)
        expect(problem(res, 400).errors?.[0]?.field, `${url} ${cursor}`).toBe('cursor')
      }
    }
  })

  it('rejects dates in year 0 naming the field', async () => {
    expect(
      problem(await owner.client.get('/api/v1/audit-logs?from=0000-01-01'), 400).errors?.[0]?.field,
    ).toBe('from')
    expect(
      problem(await owner.client.get('/api/v1/audit-logs?to=0000-12-31T00:00:00Z'), 400).errors?.[0]?.field,
    ).toBe('to')
    expect(
      problem(await owner.client.get('/api/v1/clients?createdFrom=0000-01-01'), 400).errors?.[0]?.field,
    ).toBe('createdFrom')
  })

  it('maps values PostgreSQL refuses to 400 or 409 when they slip past validation', () => {
    expect(databaseInputProblem({ code: '22P02' })?.status).toBe(400)
    expect(databaseInputProblem({ code: '22008' })?.status).toBe(400)
    expect(databaseInputProblem({ cause: { code: '23505' } })?.status).toBe(409)
    expect(databaseInputProblem({ code: '57P01' })).toBeNull()
    expect(databaseInputProblem(new Error('boom'))).toBeNull()
  })
})

describe('the OpenAPI document declares what is sent', () => {
  it('declares every error of our routes as application/problem+json', async () => {
    const doc = (await owner.client.get('/api/openapi.json')).json()
    let errors = 0
    for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths)) {
      if (!path.startsWith('/api/v1/')) continue
      for (const op of Object.values(ops)) {
        expect(op.responses['4XX'], path).toBeDefined()
        for (const [status, response] of Object.entries<any>(op.responses)) {
          if (!/^[45]/.test(status) || !response.content) continue
          errors++
          expect(Object.keys(response.content), `${path} ${status}`).toEqual(['application/problem+json'])
        }
      }
    }
    expect(errors).toBeGreaterThan(50)
  })
})

describe('sign-up from a loopback address', () => {
  const signUp = (app: TestApp, origin: string) =>
    app.client().request({
      method: 'POST',
      url: '/api/auth/sign-up/email',
      headers: { origin },
      payload: {
        email: `loop-${Math.random().toString(36).slice(2)}@example.com`,
        password: 'a-long-password-1',
        name: 'L',
      },
    })

  it('accepts 127.0.0.1 and [::1] when APP_URL is the default', async () => {
    const local = await createTestApp({ APP_URL: '' })
    try {
      for (const origin of ['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000']) {
        const res = await signUp(local, origin)
        expect(res.statusCode, `${origin}: ${res.body}`).toBe(200)
      }
      problem(await signUp(local, 'http://127.0.0.1:4000'), 403)
    } finally {
      await local.close()
    }
  })

  it('names the expected origin when APP_URL is set', async () => {
    const body = problem(await signUp(t, 'http://127.0.0.1:3000'), 403)
    expect(body.detail).toContain(APP_URL)
  })
})

describe('a POST without a body', () => {
  const draft = async () => {
    const client = (
      await owner.client.post('/api/v1/clients', { name: 'No Body Ltd', currency: 'EUR' })
    ).json()
    const res = await owner.client.post('/api/v1/invoices', {
      clientId: client.id,
      lines: [{ description: 'Work', quantity: '1', unitPrice: 100 }],
    })
    expect(res.statusCode, res.body).toBe(201)
    return res.json().id as string
  }

  it('is taken by a route whose body is optional, with or without a JSON content type', async () => {
    for (const headers of [{}, { 'content-type': 'application/json' }]) {
      const id = await draft()
      const res = await owner.client.request({ method: 'POST', url: `/api/v1/invoices/${id}/send`, headers })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json().status).toBe('sent')
    }
  })

  it('is refused with 400 naming `body` by a route that needs one', async () => {
    for (const headers of [{}, { 'content-type': 'application/json' }]) {
      const res = await owner.client.request({ method: 'POST', url: '/api/v1/clients', headers })
      expect(problem(res, 400).errors?.[0]?.field).toBe('body')
    }
  })
})
