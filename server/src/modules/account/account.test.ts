import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/harness.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t?.close())

describe('GET /api/v1/me', () => {
  it('refuses anonymous callers with a problem', async () => {
    const res = await t.client().get('/api/v1/me')
    expect(res.statusCode).toBe(401)
    expect(res.headers['content-type']).toContain('application/problem+json')
  })

  it('returns the user, their workspaces and permissions', async () => {
    const u = await t.user({ workspace: 'Acme' })
    const res = await u.client.get('/api/v1/me')
    expect(res.statusCode).toBe(200)
    const me = res.json()
    expect(me.user.email).toBe(u.email)
    expect(me.activeWorkspace).toMatchObject({ id: u.workspaceId, name: 'Acme', role: 'owner' })
    expect(me.permissions).toContain('members:write')
  })
})
