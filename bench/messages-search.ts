import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fmt, type LoadResult, load, signIn, sleep, startAtrium, stop, waitReady } from './lib.ts'
import { DB_NAME, ensureMessageDataset, PASSWORD } from './messages-data.ts'

// npm run bench -- messages-search (also the last part of `realtime`): message search through the API
// at 10 connections, in a workspace of 10,000,000 messages and in one of 10,000 (bench/messages-data.ts,
// kept in the database atrium_bench_messages). Queries rotate over common and rare words, typos, two
// words, a filter, and the newest messages without words. Three runs each; medians.

const QUERIES = [
  'q=invoice',
  'q=invocie',
  'q=deploy%20friday',
  'q=kakremi',
  'q=renmibel',
  'q=renmbel',
  'q=budget&hasAttachment=true',
  'q=contract&author=me',
  'q=holnavmi',
  'q=delpoy',
  'author=me',
  'q=customer%20feedback',
]
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export async function messageSearchBench(opts: { fresh?: boolean } = {}) {
  const data = await ensureMessageDataset(opts)
  console.log(
    `\nmessage search (PostgreSQL, data set ${data.generated ? `generated in ${fmt(data.generationSeconds)} s` : 'reused'}; 10 connections, ${RUNS} runs, medians)`,
  )
  const port = 3831
  const dataDir = mkdtempSync(join(tmpdir(), 'atrium-bench-msearch-'))
  const a = startAtrium({
    DATA_DIR: dataDir,
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
    DATABASE_URL: data.databaseUrl,
  })
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`, performance.now())
    await sleep(2000)
    const results: Record<string, LoadResult[]> = {}
    for (const slug of ['msg-small', 'msg-big']) {
      const w = data.workspaces[slug]!
      const cookie = await signIn(`http://localhost:${port}`, w.owner.email, PASSWORD)
      const paths = QUERIES.map((q) => `/api/v1/conversations/messages/search?${q}&limit=20`)
      for (const p of paths) {
        const r = await fetch(`http://127.0.0.1:${port}${p}`, { headers: { cookie } })
        if (r.status !== 200) throw new Error(`${p} answered ${r.status}: ${await r.text()}`)
      }
      results[slug] = []
      for (let i = 0; i < RUNS; i++)
        results[slug].push(
          await load(`http://127.0.0.1:${port}${paths[0]}`, { cookie }, 10, paths, {
            pid: a.child.pid!,
            database: DB_NAME,
          }),
        )
      const rs = results[slug]
      console.log(
        `  ${slug} (${w.messages.toLocaleString('en')} messages): p50 ${fmt(median(rs.map((r) => r.p50)))} ms, p99 ${fmt(median(rs.map((r) => r.p99)))} ms, ${fmt(median(rs.map((r) => r.rps)))} req/s; CPU per search: server ${fmt(median(rs.map((r) => r.serverCpu ?? 0)), 1)} ms, PostgreSQL ${fmt(median(rs.map((r) => r.pgCpu ?? 0)), 1)} ms; errors ${rs.reduce((s, r) => s + r.errors, 0)}; load average ${loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')}`,
      )
    }
    const big = results['msg-big']!
    const small = results['msg-small']!
    const ratio = (f: (r: LoadResult) => number) => median(big.map(f)) / Math.max(0.001, median(small.map(f)))
    console.log(
      `  ${data.workspaces['msg-big']!.messages.toLocaleString('en')} vs 10,000 messages: p99 ${fmt(
        ratio((r) => r.p99),
        2,
      )}×, PostgreSQL CPU per search ${fmt(
        ratio((r) => r.pgCpu ?? 0),
        2,
      )}× (target ≤ 2×)`,
    )
  } finally {
    await stop(a.child)
    rmSync(dataDir, { recursive: true, force: true })
  }
}
