import AxeBuilder from '@axe-core/playwright'
import { test as base, expect, type Page } from '@playwright/test'

export type A11y = {
  track: (page: Page) => void
  scan: (page: Page, label?: string) => Promise<void>
  flush: () => Promise<void>
}

const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => {})
  await page
    .waitForFunction(() => !document.querySelector('[role="status"] .animate-spin'), null, {
      timeout: 10_000,
    })
    .catch(() => {})
}

async function analyze(page: Page, label: string, violations: string[]): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(tags).analyze()
  for (const violation of results.violations) {
    const targets = violation.nodes.map((node) => node.target.join(' ')).join(', ')
    violations.push(`${label}: [${violation.impact}] ${violation.id} — ${violation.help} (${targets})`)
  }
}

export const test = base.extend<{ a11y: A11y }>({
  a11y: async ({ context: _context }, use, testInfo) => {
    const violations: string[] = []
    const visited = new Set<string>()
    let queue: Promise<void> = Promise.resolve()

    const scanUrl = (page: Page, url: URL) => {
      queue = queue.then(async () => {
        const scanner = await page.context().newPage()
        try {
          await scanner.goto(url.href)
          await settle(scanner)
          await analyze(scanner, `${url.pathname}${url.search}`, violations)
        } catch (error) {
          if (!scanner.isClosed()) violations.push(`${url.pathname}: scan failed: ${String(error)}`)
        } finally {
          await scanner.close().catch(() => {})
        }
      })
    }

    const a11y: A11y = {
      track(page) {
        page.on('framenavigated', (frame) => {
          if (frame !== page.mainFrame()) return
          const url = new URL(frame.url())
          const base = testInfo.project.use.baseURL
          if (!base || url.origin !== new URL(base).origin) return
          if (url.pathname.startsWith('/api/')) return
          const key = `${page.viewportSize()?.width ?? 0}:${url.pathname}`
          if (visited.has(key)) return
          visited.add(key)
          scanUrl(page, url)
        })
      },
      async scan(page, label) {
        await settle(page)
        await analyze(page, label ?? new URL(page.url()).pathname, violations)
      },
      flush: () => queue,
    }

    await use(a11y)
    await queue
    expect(violations, `accessibility violations:\n${violations.join('\n')}`).toEqual([])
  },
  page: async ({ page, a11y }, use) => {
    a11y.track(page)
    await use(page)
  },
})

export { expect }
