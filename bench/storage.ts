import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { startS3 } from '../server/src/kernel/storage/s3-test-server.ts'
import { demoPassword, fmt, rssMiB, signIn, sleep, stop, waitReady } from './lib.ts'

// npm run bench -- storage: a 1 GiB file uploaded and downloaded through /api/v1/files, on local disk and
// on an S3 server (s3rver, in this process), with the server's RSS sampled every 50 ms.
const SIZE = Number(process.env.BENCH_FILE_MIB ?? 1024) * 1024 * 1024
const CHUNK = 256 * 1024

function body(hash: ReturnType<typeof createHash>): Readable {
  const line = Buffer.from('Atrium streams files through a bounded buffer, whatever their size.\n')
  const chunk = Buffer.alloc(CHUNK)
  for (let i = 0; i < CHUNK; i++) chunk[i] = line[i % line.length]!
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < SIZE; sent += CHUNK) {
        hash.update(chunk)
        yield chunk
      }
    })(),
  )
}

/** Peak RSS of `pid` while `fn` runs. */
async function sampled<T>(
  pid: number,
  fn: () => Promise<T>,
): Promise<{ value: T; peak: number; ms: number }> {
  let peak = rssMiB(pid)
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB(pid))
  }, 50)
  const t0 = performance.now()
  try {
    const value = await fn()
    return { value, peak, ms: performance.now() - t0 }
  } finally {
    clearInterval(timer)
  }
}

async function round(label: string, port: number, extraEnv: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'atrium-bench-storage-'))
  const appUrl = `http://localhost:${port}`
  let log = ''
  const child = spawn(process.execPath, ['server/src/main.ts', 'serve'], {
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      PORT: String(port),
      APP_URL: appUrl,
      FILES_MAX_BYTES: String(2 * SIZE),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => {
    log += d
  })
  child.stderr!.on('data', (d) => {
    log += d
  })
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`, performance.now())
    const password = await demoPassword(() => log)
    const cookie = await signIn(appUrl, 'demo@atrium.local', password)
    // Warm up the route (and the S3 SDK) with a small file, then let the heap settle.
    const warm = await fetch(`${appUrl}/api/v1/files?name=warm.txt`, {
      method: 'POST',
      body: 'warm up\n',
      headers: { cookie, origin: appUrl, 'content-type': 'application/octet-stream' },
    })
    if (warm.status !== 201) throw new Error(`warm-up upload answered ${warm.status}: ${await warm.text()}`)
    await sleep(2000)
    const idle = rssMiB(child.pid!)

    const sent = createHash('sha256')
    const up = await sampled(child.pid!, async () => {
      const res = await fetch(`${appUrl}/api/v1/files?name=big.txt`, {
        method: 'POST',
        body: Readable.toWeb(body(sent)) as ReadableStream,
        duplex: 'half',
        headers: { cookie, origin: appUrl, 'content-type': 'application/octet-stream' },
      } as RequestInit)
      if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`)
      return (await res.json()) as { id: string; sha256: string; size: number }
    })
    if (up.value.sha256 !== sent.digest('hex') || up.value.size !== SIZE)
      throw new Error('upload hash differs')

    const down = await sampled(child.pid!, async () => {
      const res = await fetch(`${appUrl}/api/v1/files/${up.value.id}/content`, { headers: { cookie } })
      const got = createHash('sha256')
      let bytes = 0
      for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
        got.update(part)
        bytes += part.length
      }
      if (bytes !== SIZE || got.digest('hex') !== up.value.sha256) throw new Error('download differs')
    })
    const mib = SIZE / 1024 / 1024
    console.log(
      `storage ${label}: ${fmt(mib)} MiB up ${fmt(mib / (up.ms / 1000), 1)} MiB/s, down ${fmt(mib / (down.ms / 1000), 1)} MiB/s; ` +
        `server RSS idle ${fmt(idle)} MiB, peak during upload ${fmt(up.peak)} (+${fmt(up.peak - idle)}), ` +
        `during download ${fmt(down.peak)} (+${fmt(down.peak - idle)})`,
    )
  } finally {
    await stop(child)
    rmSync(dataDir, { recursive: true, force: true })
  }
}

export async function storageBench() {
  await round('local disk', 3861, {})
  const s3 = await startS3('atrium-bench')
  try {
    await round('S3 (s3rver)', 3862, s3.env)
  } finally {
    await s3.close()
  }
}
