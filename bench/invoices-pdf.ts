import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { sampleDocument } from '../server/src/modules/invoices/render/fixtures.ts'
import { preloadFonts } from '../server/src/modules/invoices/render/fonts.ts'
import { renderPdf } from '../server/src/modules/invoices/render/pdf.ts'

// npm run bench -- invoices (or node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256
// bench/invoices-pdf.ts): invoice PDF renders per second
// on one core (one process, one thread, fonts parsed before timing) for a 1-page and a 5-page invoice,
// and the memory one render allocates. Each figure runs for SECONDS after a warm-up.
const SECONDS = Number(process.env.BENCH_PDF_SECONDS ?? 5)

function pageCount(pdf: Uint8Array): number {
  return (
    Buffer.from(pdf)
      .toString('latin1')
      .match(/\/Type \/Page\b/g)?.length ?? 0
  )
}

/** The number of lines that fills exactly `pages` pages of the classic template. */
async function linesFor(pages: number): Promise<number> {
  let n = 20
  while (pageCount(await renderPdf(sampleDocument({ lineCount: n }))) < pages) n += 5
  while (pageCount(await renderPdf(sampleDocument({ lineCount: n - 1 }))) >= pages) n--
  return n
}

async function throughput(label: string, lineCount: number) {
  const doc = sampleDocument({ lineCount })
  const first = await renderPdf(doc)
  for (let i = 0; i < 50; i++) await renderPdf(doc)
  let n = 0
  const t0 = performance.now()
  const end = t0 + SECONDS * 1000
  while (performance.now() < end) {
    await renderPdf(doc)
    n++
  }
  const ms = (performance.now() - t0) / n
  // Memory per render: heap and array buffers allocated by 20 renders in a row, with a young generation
  // large enough (--min-semi-space-size, set by invoicesPdfBench) that no collection runs in between.
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const before = process.memoryUsage()
  for (let i = 0; i < 20; i++) await renderPdf(doc)
  const after = process.memoryUsage()
  const perRender = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 20 / 1024
  return {
    label,
    lines: lineCount,
    pages: pageCount(first),
    rate: 1000 / ms,
    ms,
    kib: first.length / 1024,
    perRender: gc ? perRender : Number.NaN,
  }
}

async function main() {
  const t0 = performance.now()
  preloadFonts()
  const parse = performance.now() - t0
  const c0 = performance.now()
  await renderPdf(sampleDocument({ lineCount: 8 }))
  const cold = performance.now() - c0
  const fivePages = await linesFor(5)
  const results = [await throughput('1-page invoice', 8), await throughput('5-page invoice', fivePages)]
  const rss0 = process.memoryUsage().rss
  const doc = sampleDocument({ lineCount: 8 })
  for (let i = 0; i < 2000; i++) await renderPdf(doc)
  ;(globalThis as { gc?: () => void }).gc?.()
  const rssGrowth = (process.memoryUsage().rss - rss0) / 1024 / 1024

  console.log(`\nInvoice PDFs (pdfkit, DejaVu Sans parsed once), one core, ${SECONDS} s per figure`)
  console.log(
    `  font parse (once per process)        ${parse.toFixed(1)} ms; first render ${cold.toFixed(1)} ms`,
  )
  for (const r of results)
    console.log(
      `  ${`${r.label} (${r.lines} lines, ${r.pages} p.)`.padEnd(36)} ${r.rate.toFixed(1).padStart(7)} renders/s  ` +
        `${r.ms.toFixed(2)} ms each  ${r.kib.toFixed(1)} KiB  ~${(r.perRender / 1024).toFixed(2)} MiB allocated per render`,
    )
  console.log(`  RSS growth over 2000 more renders    ${rssGrowth.toFixed(1)} MiB`)
  const one = results[0]!
  console.log(`  target 1-page ≥ 100/s: ${one.rate >= 100 ? 'met' : 'NOT met'} (${one.rate.toFixed(1)}/s)`)
}

/** Runs the figures in a child process with --expose-gc (memory figures need explicit collections). */
export async function invoicesPdfBench(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['--child'], {
    execArgv: ['--expose-gc', '--min-semi-space-size=256', '--max-semi-space-size=256'],
    stdio: 'inherit',
  })
  await new Promise<void>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`invoices bench exited ${code}`)),
    ),
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
