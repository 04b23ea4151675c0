import { findBrowser } from './browser.ts'
import { run } from './run.ts'

// The whole suite, in the order that fails fastest: static checks, migration drift, integration tests
// on PGlite (and PostgreSQL when TEST_DATABASE_URL is set), then the browser journeys.
const steps: {
  name: string
  cmd: string
  args: string[]
  env?: Record<string, string>
  when?: () => boolean | Promise<boolean>
}[] = [
  { name: 'typecheck', cmd: 'tsc', args: ['-p', 'tsconfig.json', '--noEmit'] },
  { name: 'lint', cmd: 'biome', args: ['check', '.'] },
  { name: 'migration drift', cmd: 'node', args: ['scripts/check-migrations.ts'] },
  { name: 'integration tests (PGlite)', cmd: 'vitest', args: ['run'], env: { ATRIUM_TEST_ENGINE: 'pglite' } },
  {
    name: 'integration tests (PostgreSQL)',
    cmd: 'vitest',
    args: ['run'],
    env: { ATRIUM_TEST_ENGINE: 'postgres' },
    when: () => Boolean(process.env.TEST_DATABASE_URL),
  },
  { name: 'web build', cmd: 'vite', args: ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'] },
  { name: 'web budget', cmd: 'node', args: ['scripts/check-web-budget.ts'] },
  {
    name: 'end-to-end tests (Chromium)',
    cmd: 'playwright',
    args: ['test'],
    when: async () => {
      const browser = await findBrowser()
      if (browser) {
        // playwright.config.ts launches the browser found here.
        process.env.CHROMIUM_PATH = browser
        return true
      }
      process.exitCode = 1
      return false
    },
  },
]

const only = process.argv.slice(2)
const results: { name: string; ok: boolean; ms: number }[] = []
for (const step of steps) {
  if (only.length && !only.some((o) => step.name.includes(o))) continue
  if (step.when && !(await step.when())) {
    if (process.exitCode) results.push({ name: step.name, ok: false, ms: 0 })
    continue
  }
  console.log(`\n▶ ${step.name}`)
  const started = Date.now()
  const code = await run(step.cmd, step.args, step.env)
  results.push({ name: step.name, ok: code === 0, ms: Date.now() - started })
  if (code !== 0) break
}
console.log('\nSummary')
for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${(r.ms / 1000).toFixed(1)} s)`)
const failed = results.filter((r) => !r.ok).length
console.log(`steps: ${results.length - failed} passed, ${failed} failed`)
process.exit(failed ? 1 : (process.exitCode ?? 0))
