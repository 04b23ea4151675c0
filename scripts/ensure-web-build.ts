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
  console.log('Building the web app…')
  process.exit(await run('vite', ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']))
}
