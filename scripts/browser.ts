import { existsSync } from 'node:fs'
import { run } from './run.ts'

/**
 * Finds a Chromium for the end-to-end tests, in this order: CHROMIUM_PATH, Debian's /usr/bin/chromium,
 * Playwright's own download. When none is there it installs one where it can (apt-get as root on
 * Debian, else `playwright install chromium`). Returns the executable's path, or null after printing
 * the exact command to run.
 */
export async function findBrowser(): Promise<string | null> {
  const given = process.env.CHROMIUM_PATH
  if (given) {
    if (existsSync(given)) return given
    console.error(`CHROMIUM_PATH is set to ${given}, which does not exist.`)
    return null
  }
  const found = await installed()
  if (found) return found
  const debian = existsSync('/etc/debian_version')
  if (debian && process.getuid?.() === 0) {
    console.log('No Chromium found: installing Debian’s chromium with apt-get…')
    if ((await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'])) === 0) {
      const after = await installed()
      if (after) return after
    }
  }
  console.log('No Chromium found: downloading Playwright’s (npx playwright install chromium)…')
  if ((await run('playwright', ['install', 'chromium'])) === 0) {
    const after = await installed()
    if (after) return after
  }
  console.error(
    debian
      ? 'Could not install a browser. Run: sudo apt-get install -y chromium   (or: npx playwright install chromium)'
      : 'Could not install a browser. Run: npx playwright install chromium',
  )
  return null
}

async function installed(): Promise<string | null> {
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  try {
    const { chromium } = await import('playwright-core')
    const own = chromium.executablePath()
    if (own && existsSync(own)) return own
  } catch {}
  return null
}
