import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium, type Page } from '@playwright/test'
import pg from 'pg'
import {
  ADMIN_URL,
  databaseUrl,
  demoPassword,
  fmt,
  signIn,
  sleep,
  startAtrium,
  stop,
  waitReady,
} from './lib.ts'

// node bench/web-grid.ts: the client grid in the production build (run `vite build` first), on
// PostgreSQL with 10,000 clients (seeded through the import API) and 10,000 members (SQL). Three runs of
// each figure: time to the first client row (no throttling; CPU ×4 + 1.6 Mbps + 150 ms), bytes on the
// wire, Tab presses from load to the first row, long frames while scrolling 10,000 loaded rows, and the
// owner picker's open and filter times.
const PORT = 3811
const APP = `http://localhost:${PORT}`
const RUNS = Number(process.env.BENCH_RUNS ?? 3)

async function api(cookie: string, method: string, path: string, body?: unknown, type = 'application/json') {
  const res = await fetch(`${APP}${path}`, {
    method,
    headers: { cookie, origin: APP, ...(body === undefined ? {} : { 'content-type': type }) },
    body:
      body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : (body as string),
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return res.status === 204 ? null : res.json()
}

async function seedClients(cookie: string, count: number) {
  const rows = ['Name,Email']
  for (let i = 0; i < count; i++) rows.push(`Bench client ${i},bench${i}@clients.example`)
  const upload = await api(
    cookie,
    'POST',
    '/api/v1/clients/import?filename=bench.csv',
    rows.join('\n'),
    'text/csv',
  )
  const options = { mapping: { '0': 'name', '1': 'email' }, duplicates: 'skip' }
  await api(cookie, 'POST', `/api/v1/clients/import/${upload.id}/check`, options)
  await api(cookie, 'POST', `/api/v1/clients/import/${upload.id}/run`, options)
  for (;;) {
    const run = await api(cookie, 'GET', `/api/v1/clients/import/${upload.id}`)
    if (run.status === 'completed') return
    if (run.status === 'failed') throw new Error('import failed')
    await sleep(500)
  }
}

async function seedMembers(db: string, workspaceId: string, count: number) {
  const client = new pg.Client({ connectionString: db })
  await client.connect()
  await client.query(
    `with u as (insert into users (name, email, email_verified)
       select 'Bench member ' || g, 'member' || g || '@bench.example', true from generate_series(1, $1) g
       returning id)
     insert into memberships (workspace_id, user_id, role) select $2, id, 'member' from u`,
    [count, workspaceId],
  )
  await client.end()
}

async function newContext(cookie: string): Promise<BrowserContext> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
  const context = await browser.newContext({ baseURL: APP, viewport: { width: 1440, height: 900 } })
  await context.addCookies(
    cookie.split('; ').map((pair) => {
      const [name, ...value] = pair.split('=')
      return { name: name as string, value: value.join('='), url: APP }
    }),
  )
  return context
}

const firstRow = '[role="grid"] [role="row"][aria-rowindex="2"]'

/** Milliseconds from navigation start to the first client row, and bytes received. */
async function timeToFirstRow(cookie: string, throttled: boolean) {
  const context = await newContext(cookie)
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  let bytes = 0
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength
  })
  if (throttled) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 })
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    })
  }
  await page.goto('/clients', { waitUntil: 'commit' })
  await page.waitForSelector(firstRow, { timeout: 60_000 })
  const ms = await page.evaluate(() => performance.now())
  await page.waitForLoadState('networkidle')
  await context.browser()?.close()
  return { ms, bytes }
}

async function tabsToFirstRow(cookie: string) {
  const context = await newContext(cookie)
  const page = await context.newPage()
  await page.goto('/clients')
  await page.waitForSelector(firstRow)
  let presses = 0
  while (presses < 100) {
    presses++
    await page.keyboard.press('Tab')
    const inGrid = await page.evaluate(() => document.activeElement?.getAttribute('role') === 'gridcell')
    if (inGrid) break
  }
  await context.browser()?.close()
  return presses
}

/** Loads every row by scrolling to the end, then scrolls through them and records frame times. */
async function scrolling(page: Page, total: number) {
  const grid = page.locator('[role="grid"]')
  for (let i = 0; i < 1000; i++) {
    const loaded = await grid.evaluate((el) => {
      el.scrollTop = el.scrollHeight
      return Number(el.querySelectorAll('[role="rowgroup"]')[1]?.getBoundingClientRect().height ?? 0)
    })
    if (loaded / 36 >= total) break
    await sleep(150)
  }
  return grid.evaluate(async (el) => {
    el.scrollTop = 0
    const frames: number[] = []
    const long: number[] = []
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) long.push(entry.duration)
    })
    try {
      observer.observe({ type: 'long-animation-frame', buffered: false })
    } catch {}
    let last = performance.now()
    await new Promise<void>((resolve) => {
      const step = () => {
        const now = performance.now()
        frames.push(now - last)
        last = now
        el.scrollTop += 180
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) resolve()
        else requestAnimationFrame(step)
      }
      requestAnimationFrame(step)
    })
    observer.disconnect()
    frames.shift()
    frames.sort((a, b) => a - b)
    const pct = (p: number) => frames[Math.min(frames.length - 1, Math.floor(frames.length * p))] ?? 0
    return {
      frames: frames.length,
      p50: pct(0.5),
      p95: pct(0.95),
      max: frames[frames.length - 1] ?? 0,
      over50: frames.filter((f) => f > 50).length,
      longAnimationFrames: long.filter((d) => d > 50).length,
    }
  })
}

async function ownerPicker(page: Page) {
  const ownerCell = page.locator(`${firstRow} [role="gridcell"]`).nth(4)
  const t0 = Date.now()
  await ownerCell.click()
  await page.waitForSelector('[role="listbox"] [role="option"]:nth-child(3)')
  const open = Date.now() - t0
  const t1 = Date.now()
  await page.keyboard.type('member 9876')
  await page.waitForFunction(() => {
    const options = [...document.querySelectorAll('[role="listbox"] [role="option"]')]
    return options.length > 0 && options.every((o) => o.textContent?.includes('9876'))
  })
  const filter = Date.now() - t1
  await page.keyboard.press('Escape')
  return { open, filter }
}

async function main() {
  const admin = new pg.Pool({ connectionString: ADMIN_URL, max: 1 })
  const name = `atrium_webbench_${Date.now()}`
  await admin.query(`create database ${name}`)
  const dataDir = mkdtempSync(join(tmpdir(), 'atrium-webbench-'))
  const atrium = startAtrium({
    DATA_DIR: dataDir,
    PORT: String(PORT),
    APP_URL: APP,
    DATABASE_URL: databaseUrl(name),
  })
  try {
    await waitReady(`http://127.0.0.1:${PORT}/readyz`, performance.now())
    const password = await demoPassword(atrium.log)
    const cookie = await signIn(APP, 'demo@atrium.local', password)
    const me = await api(cookie, 'GET', '/api/v1/me')
    console.log('seeding 10,000 clients through the import API and 10,000 members…')
    await seedClients(cookie, 10_000)
    await seedMembers(databaseUrl(name), me.activeWorkspace.id, 10_000)
    const total = (await api(cookie, 'GET', '/api/v1/clients/count')).count

    const rows: [string, string][] = []
    for (const throttled of [false, true]) {
      const runs = []
      for (let i = 0; i < RUNS; i++) runs.push(await timeToFirstRow(cookie, throttled))
      const label = throttled
        ? 'first client row, CPU ×4 + 1.6 Mbps + 150 ms (ms)'
        : 'first client row, no throttling (ms)'
      rows.push([label, runs.map((r) => fmt(r.ms)).join(' / ')])
      if (!throttled)
        rows.push([
          'bytes on the wire for /clients (KB)',
          runs.map((r) => fmt(r.bytes / 1024, 1)).join(' / '),
        ])
    }
    if (process.env.BENCH_ONLY === 'first-row') {
      for (const [label, value] of rows) console.log(`${label.padEnd(60)} ${value}`)
      console.log(
        `${'load average (1, 5, 15 min)'.padEnd(60)} ${loadavg()
          .map((l) => fmt(l, 1))
          .join(', ')}`,
      )
      return
    }
    const tabs = []
    for (let i = 0; i < RUNS; i++) tabs.push(await tabsToFirstRow(cookie))
    rows.push(['Tab presses from load to the first row', tabs.join(' / ')])
    for (let i = 0; i < RUNS; i++) {
      const context = await newContext(cookie)
      const page = await context.newPage()
      await page.goto('/clients')
      await page.waitForSelector(firstRow)
      const picker = await ownerPicker(page)
      rows.push([
        `owner picker, 10,000 members: open / filter (ms), run ${i + 1}`,
        `${picker.open} / ${picker.filter}`,
      ])
      const s = await scrolling(page, total)
      rows.push([
        `scrolling ${total} loaded rows, run ${i + 1}`,
        `${s.frames} frames, p50 ${fmt(s.p50, 1)} ms, p95 ${fmt(s.p95, 1)} ms, max ${fmt(s.max)} ms, ${s.over50} frames > 50 ms (${s.longAnimationFrames} long animation frames)`,
      ])
      await context.browser()?.close()
    }
    for (const [label, value] of rows) console.log(`${label.padEnd(60)} ${value}`)
    // Other processes on the machine slow the throttled figures the most: say how busy it was.
    console.log(
      `${'load average (1, 5, 15 min) at the end'.padEnd(60)} ${loadavg()
        .map((l) => fmt(l, 1))
        .join(', ')}`,
    )
  } finally {
    await stop(atrium.child)
    rmSync(dataDir, { recursive: true, force: true })
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

await main()
