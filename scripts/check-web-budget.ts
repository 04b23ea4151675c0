import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

// node scripts/check-web-budget.ts [page …]: after `vite build`, adds up the compressed JavaScript a
// first visit to each page loads (the entry, its static imports and the page's route chunks, as the boot
// script preloads them) from the brotli files the build wrote, and fails when a page is over budget.
// A route file's loader or search validation runs in the entry, so importing a heavy module there (zod
// through a contract, a chart library) shows up here. `node bench/web-bytes.ts` measures the same in a
// real browser.
const BUDGET_KB = 120
const dist = new URL('../web/dist/', import.meta.url).pathname
const pages = process.argv.slice(2).length ? process.argv.slice(2) : ['/clients', '/']

const html = readFileSync(join(dist, 'index.html'), 'utf8')
const entry = [...html.matchAll(/<script type="module"[^>]*src="\/assets\/([^"]+)"/g)].map((m) => m[1]!)
const preloads = [...html.matchAll(/<link rel="modulepreload"[^>]*href="\/assets\/([^"]+)"/g)].map(
  (m) => m[1]!,
)

/** The boot script's route map (`[[pattern, files], …]`), read back out of index.html. */
function routeChunks(): [string, string[]][] {
  const start = html.indexOf('of [[')
  if (start < 0) throw new Error('index.html has no route map: was it built with build/boot-plugin.ts?')
  const from = start + 3
  for (let end = html.indexOf(']]', from); end >= 0; end = html.indexOf(']]', end + 1)) {
    try {
      return JSON.parse(html.slice(from, end + 2))
    } catch {}
  }
  throw new Error('the route map in index.html could not be read')
}

const wireSize = (file: string) => {
  const path = join(dist, 'assets', file)
  return existsSync(`${path}.br`) ? statSync(`${path}.br`).size : statSync(path).size
}

const routes = routeChunks()
let over = false
for (const page of pages) {
  const match = routes.find(([pattern]) => new RegExp(pattern).test(page))
  const files = new Set([...entry, ...preloads, ...(match?.[1] ?? [])].filter((f) => f.endsWith('.js')))
  const sizes = [...files].map((file) => [file, wireSize(file)] as const).sort((a, b) => b[1] - a[1])
  const total = sizes.reduce((sum, [, size]) => sum + size, 0)
  const within = total <= BUDGET_KB * 1024
  over ||= !within
  console.log(
    `${page}: ${(total / 1024).toFixed(1)} KB of JavaScript in ${sizes.length} files (budget ${BUDGET_KB} KB): ${within ? 'within' : 'OVER'}`,
  )
  for (const [file, size] of sizes.slice(0, 5))
    console.log(`  ${(size / 1024).toFixed(1).padStart(7)} KB  ${file}`)
}
if (over) process.exitCode = 1
