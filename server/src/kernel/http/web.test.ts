import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { inlineScriptHashes, registerWebApp } from './web.ts'

function dist() {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-dist-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><script>document.title="x"</script><div id="root"></div>',
  )
  writeFileSync(join(dir, 'assets', 'app-123.js'), 'console.log(1)')
  return dir
}

describe('web app serving', () => {
  it('serves hashed assets with a long cache, client routes with index.html, and API misses as problems', async () => {
    const app = Fastify()
    await registerWebApp(app, dist())
    const asset = await app.inject('/assets/app-123.js')
    expect(asset.statusCode).toBe(200)
    expect(asset.headers['cache-control']).toContain('immutable')
    const route = await app.inject('/settings/members')
    expect(route.statusCode).toBe(200)
    expect(route.body).toContain('<div id="root">')
    expect(route.headers['cache-control']).toBe('no-cache')
    const api = await app.inject('/api/v1/nothing')
    expect(api.statusCode).toBe(404)
    expect(api.headers['content-type']).toContain('application/problem+json')
    await app.close()
  })

  it('hashes inline scripts for the content security policy', () => {
    expect(inlineScriptHashes(dist())).toEqual([expect.stringMatching(/^'sha256-[A-Za-z0-9+/=]+'$/)])
  })
})
