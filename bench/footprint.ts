import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { databaseUrl, fmt, rssMiB, sleep, startAtrium, stop, waitReady, withAdmin } from './lib.ts'

// npm run bench -- footprint: first start, restart and idle RSS on PGlite and PostgreSQL, as a newcomer
// runs it (`atrium serve` with the demo seed), ROUNDS times each; medians and every round printed.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const IDLE_MS = 5000

type Round = { first: number; restart: number; rssFirst: number; rssIdle: number }

async function round(env: Record<string, string>, port: number): Promise<Round> {
  const url = `http://127.0.0.1:${port}/readyz`
  const base = { ...env, PORT: String(port), APP_URL: `http://localhost:${port}` }
  let t0 = performance.now()
  let atrium = startAtrium(base)
  const first = await waitReady(url, t0)
  await sleep(IDLE_MS)
  const rssFirst = rssMiB(atrium.child.pid!)
  await stop(atrium.child)
  t0 = performance.now()
  atrium = startAtrium(base)
  const restart = await waitReady(url, t0)
  await sleep(IDLE_MS)
  const rssIdle = rssMiB(atrium.child.pid!)
  await stop(atrium.child)
  return { first, restart, rssFirst, rssIdle }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

function print(label: string, rounds: Round[], targets: { rss: number; first?: number; restart?: number }) {
  console.log(`\n${label} (${rounds.length} rounds; medians, then every round)`)
  const line = (name: string, key: keyof Round, unit: string, target?: number) =>
    console.log(
      `  ${name.padEnd(34)} ${fmt(median(rounds.map((r) => r[key]))).padStart(6)} ${unit}` +
        `${target ? `  (target ≤ ${target} ${unit})` : ''}   [${rounds.map((r) => fmt(r[key])).join(', ')}]`,
    )
  line('first start to /readyz 200', 'first', 'ms', targets.first)
  line('restart to /readyz 200', 'restart', 'ms', targets.restart)
  line(`RSS ${IDLE_MS / 1000} s after first start`, 'rssFirst', 'MiB')
  line(`idle RSS ${IDLE_MS / 1000} s after restart`, 'rssIdle', 'MiB', targets.rss)
}

export async function footprintBench() {
  const pglite: Round[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'atrium-footprint-'))
    try {
      pglite.push(await round({ DATA_DIR: dataDir }, 3811))
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  print('Footprint on PGlite (fresh data folder, demo seed)', pglite, {
    rss: 300,
    first: 3000,
    restart: 1500,
  })

  const postgres: Round[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const name = `atrium_footprint_${Date.now()}`
    const dataDir = mkdtempSync(join(tmpdir(), 'atrium-footprint-'))
    await withAdmin((a) => a.query(`create database ${name}`))
    try {
      postgres.push(await round({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl(name) }, 3812))
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
      await withAdmin((a) => a.query(`drop database if exists ${name} with (force)`))
    }
  }
  print('Footprint on PostgreSQL (fresh database, demo seed)', postgres, { rss: 150 })
}
