import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { problems } from './problem.ts'

/** Hashes of the inline scripts in the built index.html, so the CSP can allow exactly those. */
export function inlineScriptHashes(distDir: string): string[] {
  const index = join(distDir, 'index.html')
  if (!existsSync(index)) return []
  const html = readFileSync(index, 'utf8')
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
  )
}

/**
 * Serves the built web app, with index.html for every other GET so client-side routes work. The build
 * writes `.br` and `.gz` beside each file; they are sent by negotiation (brotli, else gzip, else the
 * plain file) with `Vary: Accept-Encoding`. Hashed files under /assets/ are cached for a year, immutable.
 */
export async function registerWebApp(app: FastifyInstance, distDir: string): Promise<void> {
  const hasBuild = existsSync(join(distDir, 'index.html'))
  if (hasBuild) {
    await app.register(fastifyStatic, {
      root: distDir,
      wildcard: false,
      index: false,
      preCompressed: true,
      setHeaders(reply: { header(k: string, v: string): unknown }, path: string) {
        if (path.includes('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable')
      },
    })
  }
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0]!
    const isApi = url.startsWith('/api/') || url === '/api' || url.startsWith('/dev/')
    if (!isApi && hasBuild && (req.method === 'GET' || req.method === 'HEAD')) {
      reply.header('cache-control', 'no-cache')
      return reply.sendFile('index.html', { cacheControl: false })
    }
    const p = problems.notFound(isApi ? 'Route' : 'Page')
    return reply.status(404).type('application/problem+json').send(p.toJSON(req.url))
  })
}
