import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

// The widgets this spec moves and hides; other features' widgets may sit between them.
const core = ['Quick actions', 'Clients by status', 'New clients per week', 'My tasks due', 'Recent activity']
const widgetTitles = async (page: Page) =>
  (await page.locator('main section h2').allTextContents()).filter((title) => core.includes(title))

test('the dashboard: widgets chosen, ordered and hidden per member, kept after a reload', async ({
  page,
  a11y,
}) => {
  const owner = person('Dana Board')
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, 'Dashboard Co', `dash-${uniqueSuffix()}`)
  const clients: [string, string][] = [
    ['Northwind Traders', 'active'],
    ['Contoso Ltd', 'lead'],
    ['Fabrikam Inc', 'active'],
    ['Tailspin Toys', 'lead'],
    ['Litware', 'active'],
  ]
  for (const [name, status] of clients) {
    const created = await page.request.post('/api/v1/clients', { data: { name, status } })
    expect(created.status()).toBe(201)
  }
  await page.reload()

  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  const defaults = [
    'Quick actions',
    'Clients by status',
    'New clients per week',
    'My tasks due',
    'Recent activity',
  ]
  for (const title of defaults)
    await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible()
  // Charts are drawn for the eye and given as tables to screen readers.
  const byStatus = page.getByRole('figure', { name: 'Clients you can see, by status' })
  await expect(byStatus.getByRole('row', { name: 'Active 3' })).toBeAttached()
  await expect(byStatus.getByRole('row', { name: 'Lead 2' })).toBeAttached()
  await expect(byStatus.locator('[data-chart] svg')).toBeVisible()
  const perWeek = page.getByRole('figure', { name: /last eight weeks/ })
  await expect(perWeek.getByRole('row')).toHaveCount(9)
  await expect(page.getByRole('button', { name: 'New client' })).toBeVisible()
  await a11y.scan(page, 'dashboard')
  await page.screenshot({ path: 'docs/screenshot-dashboard.png', fullPage: true })

  // Customize: recent activity moves to the top, the weekly chart is hidden.
  const customize = page.getByRole('button', { name: 'Customize' })
  await customize.click()
  await expect(customize).toHaveAttribute('aria-expanded', 'true')
  for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Move Recent activity up' }).click()
  await expect(page.getByText(/^Recent activity moved to position 1 of \d+\.$/)).toBeAttached()
  await page.getByRole('checkbox', { name: 'Show New clients per week' }).uncheck()
  await a11y.scan(page, 'customizing')
  await page.getByRole('button', { name: 'Customize' }).click()
  const expected = ['Recent activity', 'Quick actions', 'Clients by status', 'My tasks due']
  await expect.poll(() => widgetTitles(page)).toEqual(expected)

  await page.reload()
  await expect(page.getByRole('heading', { level: 2, name: 'Recent activity' })).toBeVisible()
  await expect.poll(() => widgetTitles(page)).toEqual(expected)
  await expect(page.getByRole('heading', { name: 'New clients per week' })).toHaveCount(0)

  // Shown again, it comes back where it was.
  await page.getByRole('button', { name: 'Customize' }).click()
  await page.getByRole('checkbox', { name: 'Show New clients per week' }).check()
  await page.getByRole('button', { name: 'Customize' }).click()
  await expect
    .poll(() => widgetTitles(page))
    .toEqual([
      'Recent activity',
      'Quick actions',
      'Clients by status',
      'New clients per week',
      'My tasks due',
    ])

  // Dark theme: the charts follow it, and the page stays accessible.
  await page.evaluate(() => {
    localStorage.setItem('atrium.theme', 'dark')
  })
  await page.reload()
  await expect(page.locator('html')).toHaveClass(/dark/)
  await expect(
    page.getByRole('figure', { name: 'Clients you can see, by status' }).locator('svg'),
  ).toBeVisible()
  await a11y.scan(page, 'dashboard dark')
  await page.screenshot({ path: 'docs/screenshot-dashboard-dark.png', fullPage: true })
})
