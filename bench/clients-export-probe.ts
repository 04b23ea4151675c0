import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureDataset, PASSWORD } from './clients-data.ts'
import { APP_URL, BASE, PORT } from './clients-http.ts'
import { exportRun } from './clients-io.ts'
import { signIn, stop, waitReady } from './lib.ts'

/*
 * The export alone, with the server's garbage collections: `node bench/clients-export-probe.ts`
 * streams the 1,000,000-client workspace of the kept benchmark database once and prints the RSS
 * growth and the last `--trace-gc` lines (heap sizes), to tell V8's heap from the rest.
 * EXPORT_NODE_OPTIONS adds flags to the server's node.
 */
const data = await ensureDataset()
const big = data.workspaces['bench-big']!
const dataDir = mkdtempSync(join(tmpdir(), 'atrium-bench-'))
let out = ''
const child = spawn(
  process.execPath,
  [
    '--trace-gc',
    ...(process.env.EXPORT_NODE_OPTIONS ?? '').split(' ').filter(Boolean),
    'server/src/main.ts',
    'serve',
  ],
  {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(PORT),
      APP_URL,
      DATABASE_URL: data.databaseUrl,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
)
child.stdout.on('data', (d) => {
  out += d
})
child.stderr.on('data', (d) => {
  out += d
})
const atrium = { child, log: () => out }
try {
  await waitReady(`${BASE}/readyz`, performance.now()).catch((err) => {
    console.log(atrium.log().slice(-2000))
    throw err
  })
  const cookie = await signIn(APP_URL, big.owner.email, PASSWORD)
  const r = await exportRun(cookie, atrium.child.pid!)
  const gc = atrium
    .log()
    .split('\n')
    .filter((l) => /Scavenge|Mark-Compact|Mark-sweep/.test(l))
  console.log(
    `${r.rows} rows in ${r.seconds.toFixed(1)} s; RSS ${r.before} → peak ${r.peak} MiB (+${(r.growth * 1.048576).toFixed(0)} MB), trace ${r.trace.join(', ')}`,
  )
  console.log(
    `${gc.filter((l) => /Scavenge/.test(l)).length} scavenges, ${gc.filter((l) => !/Scavenge/.test(l)).length} full collections; full ones:`,
  )
  for (const l of gc.filter((l) => !/Scavenge/.test(l)).slice(-8)) console.log(`  ${l.slice(0, 160)}`)
  console.log(`last scavenges:`)
  for (const l of gc.filter((l) => /Scavenge/.test(l)).slice(-3)) console.log(`  ${l.slice(0, 160)}`)
} finally {
  await stop(atrium.child)
  rmSync(dataDir, { recursive: true, force: true })
}
