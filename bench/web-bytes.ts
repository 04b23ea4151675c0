import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { fmt, signIn, startAtrium, stop, waitReady } from './lib.ts'

// node bench/web-bytes.ts: bytes on the wire for the first load of /clients from the production build
// (run `vite build --config web/vite.config.ts` first), as Chromium receives them (brotli), by type. The
// budget is 120 KB of JavaScript. Embedded database, a fresh data folder, one user with one workspace.
const PORT = Number(process.env.BENCH_PORT ?? 3812)
const APP = `http://localhost:${PORT}`
const PAGE = process.env.BENCH_PAGE ?? '/clients'
const BUDGET_KB = 120

const dataDir = mkdtempSync(join(tmpdir(), 'atrium-web-bytes-'))
const env = { PORT: String(PORT), APP_URL: APP, DATA_DIR: dataDir, ATRIUM_SEED: 'false' }
const email = 'bytes@bench.example'
const password = 'correct-horse-battery-staple'
execFileSync(
  process.execPath,
  [
    'server/src/main.ts',
    'create-admin',
    '--email',
    email,
    '--password',
    password,
    '--workspace',
    'Bytes',
    '--slug',
    'bytes',
  ],
  { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: 'inherit' },
)
const atrium = startAtrium(env)
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
try {
  await waitReady(`${APP}/readyz`, performance.now())
  const cookie = await signIn(APP, email, password)
  const context = await browser.newContext({ baseURL: APP })
  await context.addCookies(
    cookie.split('; ').map((pair) => {
      const [name, ...value] = pair.split('=')
      return { name: name!, value: value.join('='), url: APP }
    }),
  )
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
  const requests = new Map<string, { url: string; type: string; encoding: string; headerBytes: number }>()
  const received: { url: string; type: string; encoding: string; bytes: number; body: number }[] = []
  cdp.on('Network.responseReceived', (e) => {
    const headers = Object.fromEntries(
      Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]),
    )
    requests.set(e.requestId, {
      url: e.response.url,
      type: e.type,
      encoding: String(headers['content-encoding'] ?? ''),
      headerBytes: e.response.encodedDataLength,
    })
  })
  cdp.on('Network.loadingFinished', (e) => {
    const request = requests.get(e.requestId)
    if (request)
      received.push({
        ...request,
        bytes: e.encodedDataLength,
        body: e.encodedDataLength - request.headerBytes,
      })
  })
  await page.goto(PAGE)
  await page.getByRole('heading', { level: 1 }).first().waitFor()
  await page.waitForLoadState('networkidle')

  const byType = new Map<string, number>()
  for (const r of received) byType.set(r.type, (byType.get(r.type) ?? 0) + r.bytes)
  console.log(`bytes on the wire for ${PAGE} (first load, no cache)`)
  for (const r of received.filter((r) => r.type === 'Script').sort((a, b) => b.bytes - a.bytes))
    console.log(
      `  ${fmt(r.body / 1024, 1).padStart(7)} KB  ${r.encoding || 'identity'}  ${new URL(r.url).pathname}`,
    )
  for (const [type, bytes] of byType) console.log(`${type.padEnd(12)} ${fmt(bytes / 1024, 1).padStart(8)} KB`)
  const total = received.reduce((sum, r) => sum + r.bytes, 0)
  const scripts = received.filter((r) => r.type === 'Script')
  const js = scripts.reduce((sum, r) => sum + r.body, 0)
  const jsWire = scripts.reduce((sum, r) => sum + r.bytes, 0)
  console.log(
    `${'total'.padEnd(12)} ${fmt(total / 1024, 1).padStart(8)} KB (${received.length} responses, with headers)`,
  )
  console.log(
    `JavaScript: ${scripts.length} files, ${fmt(js / 1024, 1)} KB compressed bodies (${fmt(jsWire / 1024, 1)} KB with headers); budget ${BUDGET_KB} KB: ${js <= BUDGET_KB * 1024 ? 'within' : 'OVER'}`,
  )
} finally {
  await browser.close()
  await stop(atrium.child)
  rmSync(dataDir, { recursive: true, force: true })
}
