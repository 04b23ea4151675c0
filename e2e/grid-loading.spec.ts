import { expect, test } from './fixtures.ts'
import { api, ownerWithWorkspace, seedClients } from './grid-helpers.ts'
import { followMailLink, person, signUp, verifyEmail } from './helpers.ts'

test.use({ actionTimeout: 15_000 })

test('clients: the first load uses what the boot script started; skeleton rows while the list loads; focus back after "Add tags"', async ({
  page,
  a11y,
}) => {
  test.setTimeout(300_000)
  await ownerWithWorkspace(page, 'Lola Loading')
  await seedClients(page, 5)

  // Each of the page's first GET requests goes out once: the app takes the boot script's responses.
  const requests: string[] = []
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.pathname.startsWith('/api/')) requests.push(`${request.method()} ${url.pathname}${url.search}`)
  })
  await page.goto('/clients')
  const grid = page.getByRole('grid', { name: 'Client list' })
  await expect(grid.getByRole('row').nth(1)).toContainText('Client 005')
  await expect(page.locator('head link[rel="modulepreload"][href*="clients.index"]')).toHaveCount(1)
  for (const path of [
    '/api/v1/me',
    '/api/v1/clients?limit=50',
    '/api/v1/clients/count',
    '/api/v1/custom-fields',
    '/api/v1/clients/views',
  ])
    expect(
      requests.filter((r) => r === `GET ${path}`),
      path,
    ).toHaveLength(1)

  // A slow list shows skeleton rows (no spinner) in a busy grid, then the rows.
  let release = () => {}
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  await page.route('**/api/v1/clients?limit=50', async (route) => {
    await held
    await route.continue()
  })
  await page.reload()
  await expect(grid).toHaveAttribute('aria-busy', 'true')
  await expect(grid.locator('.animate-pulse').first()).toBeVisible()
  await expect(page.locator('[role="status"] svg.animate-spin')).toHaveCount(0)
  release()
  await expect(grid.getByRole('row').nth(1)).toContainText('Client 005')
  await expect(grid).not.toHaveAttribute('aria-busy', 'true')
  await page.unroute('**/api/v1/clients?limit=50')

  // The bulk bar and its dialogs load on the first selection; after "Add tags" focus is in the grid.
  await grid.getByRole('row').nth(1).getByRole('gridcell').nth(1).click()
  await page.keyboard.press('x')
  const bar = page.getByRole('region', { name: 'Bulk actions' })
  await expect(bar).toContainText('1 client selected')
  await bar.getByRole('button', { name: 'Add tags' }).click()
  const dialog = page.getByRole('dialog', { name: /Add tags to/ })
  await dialog.getByLabel('Tags').fill('loaded')
  await a11y.scan(page, 'bulk tag dialog, loaded on first use')
  await dialog.getByRole('button', { name: 'Add tags' }).click()
  await expect(page.getByText('Tagged 1 client.')).toBeVisible()
  await expect(bar).toBeHidden()
  await expect(grid.locator(':focus')).toHaveCount(1)
  await expect(grid.getByRole('row').nth(1)).toContainText('loaded')
})

test('clients: a member with no assigned clients is told so, not asked to import', async ({
  page,
  browser,
  baseURL,
  a11y,
}) => {
  test.setTimeout(240_000)
  await ownerWithWorkspace(page, 'Olga Owner')
  await seedClients(page, 3)
  const member = person('Mo Member')
  await api(page, 'post', '/api/v1/invitations', { email: member.email, role: 'member' })

  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } })
  const memberPage = await context.newPage()
  a11y.track(memberPage)
  await followMailLink(memberPage, member.email, /invited you to/)
  await memberPage.getByRole('link', { name: 'Create an account' }).click()
  await signUp(memberPage, member, { prefilled: true })
  await verifyEmail(memberPage, member)
  await memberPage.getByRole('link', { name: 'Continue' }).click()
  await memberPage.getByRole('button', { name: 'Accept invitation' }).click()
  await expect(memberPage.getByText(/You are in .* as Member\./)).toBeVisible()

  await memberPage.goto('/clients')
  await expect(memberPage.getByText('No clients assigned to you yet')).toBeVisible()
  await expect(memberPage.getByText('Clients you own or are assigned to appear here.')).toBeVisible()
  await expect(memberPage.getByRole('main').getByText(/import/i)).toHaveCount(0)
  await expect(memberPage.getByRole('grid')).toHaveCount(0)
  await a11y.flush()
  await context.close()
})
