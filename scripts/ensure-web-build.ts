import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { run } from './run.ts'

// `npm start` serves the built web app: build it when it is missing or older than its sources.
const dist = 'web/dist/index.html'
const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const p = join(dir, e.name)
    return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }, 0)

const stale = !existsSync(dist) || newest('web/src') > statSync(dist).mtimeMs
if (stale) {
  if (!existsSync('node_modules/vite')) {
    console.error(
      'web/dist is missing and Vite is not installed: run "npm install" (with dev dependencies) first.',
    )
    process.exit(1)
  }
  // Vite's own progress (modules transformed, chunks written) is shown, with the time spent so far.
  console.log('Building the web app (first start, or its sources changed)…')
  const started = Date.now()
  const tick = setInterval(
    () => console.log(`  still building the web app… ${Math.round((Date.now() - started) / 1000)} s`),
    5000,
  )
  const code = await run('vite', ['build', '--config', 'web/vite.config.ts', '--logLevel', 'info'])
  clearInterval(tick)
  console.log(
    code === 0
      ? `Web app built in ${((Date.now() - started) / 1000).toFixed(1)} s.`
      : 'Building the web app failed (see above).',
  )
  process.exit(code)
}
