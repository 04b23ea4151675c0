import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { inlineScriptHashes, registerWebApp } from './web.ts'

const indexHtml = '<!doctype html><script>document.title="x"</script><div id="root"></div>'
const appJs = `console.log(${JSON.stringify('x'.repeat(2000))})`

/** A build as `vite build` leaves it: index.html and hashed assets, each with `.br` and `.gz` beside it. */
function dist(options: { compressed?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-dist-'))
  mkdirSync(join(dir, 'assets'))
  const write = (path: string, body: string) => {
    writeFileSync(join(dir, path), body)
    if (!options.compressed) return
    writeFileSync(join(dir, `${path}.br`), brotliCompressSync(body))
    writeFileSync(join(dir, `${path}.gz`), gzipSync(body))
  }
  write('index.html', indexHtml)
  write('assets/app-123.js', appJs)
  writeFileSync(join(dir, 'assets', 'style-456.css'), 'body{}')
  return dir
}

async function serve(dir: string) {
  const app = Fastify()
  await registerWebApp(app, dir)
  return app
}

describe('web app serving', () => {
  it('serves hashed assets with a long cache, client routes with index.html, and API misses as problems', async () => {
    const app = await serve(dist())
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

  it('sends the precompressed file the client accepts: brotli first, then gzip, else the plain file', async () => {
    const app = await serve(dist({ compressed: true }))
    const br = await app.inject({
      url: '/assets/app-123.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    })
    expect(br.statusCode).toBe(200)
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['content-type']).toContain('javascript')
    expect(br.headers.vary).toMatch(/accept-encoding/i)
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(appJs)

    const gzip = await app.inject({ url: '/assets/app-123.js', headers: { 'accept-encoding': 'gzip' } })
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(gzip.headers['cache-control']).toContain('immutable')
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(appJs)

    const plain = await app.inject({ url: '/assets/app-123.js', headers: { 'accept-encoding': 'identity' } })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers.vary).toMatch(/accept-encoding/i)
    expect(plain.body).toBe(appJs)

    // A file the build left uncompressed (too small to gain) is sent as it is.
    const small = await app.inject({
      url: '/assets/style-456.css',
      headers: { 'accept-encoding': 'br, gzip' },
    })
    expect(small.statusCode).toBe(200)
    expect(small.headers['content-encoding']).toBeUndefined()
    expect(small.body).toBe('body{}')
    await app.close()
  })

  it('sends the app page compressed too, never cached without revalidation', async () => {
    const app = await serve(dist({ compressed: true }))
    for (const url of ['/', '/clients', '/settings/members?x=1']) {
      const page = await app.inject({ url, headers: { 'accept-encoding': 'br' } })
      expect(page.statusCode).toBe(200)
      expect(page.headers['content-encoding']).toBe('br')
      expect(page.headers['content-type']).toContain('text/html')
      expect(page.headers['cache-control']).toBe('no-cache')
      expect(brotliDecompressSync(page.rawPayload).toString()).toBe(indexHtml)
    }
    await app.close()
  })

  it('hashes inline scripts for the content security policy', () => {
    expect(inlineScriptHashes(dist())).toEqual([expect.stringMatching(/^'sha256-[A-Za-z0-9+/=]+'$/)])
  })
})
