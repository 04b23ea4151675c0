import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

async function openPalette(page: Page) {
  await page.keyboard.press('ControlOrMeta+k')
  const palette = page.getByRole('dialog', { name: 'Command palette' })
  await expect(palette).toBeVisible()
  await expect(palette.getByRole('combobox')).toBeFocused()
  return palette
}

test('the command palette and shortcuts, by keyboard only', async ({ page, a11y }) => {
  const owner = person('Paloma Keys')
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, 'Keyboard Co', `keys-${uniqueSuffix()}`)
  for (const name of ['Northwind Traders', 'Contoso Ltd']) {
    const created = await page.request.post('/api/v1/clients', { data: { name } })
    expect(created.status()).toBe(201)
  }

  // Tab to the palette's button, open it, close it: focus comes back to the button.
  const trigger = page.getByRole('button', { name: /Search or jump to/ })
  for (let i = 0; i < 20 && !(await trigger.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('Tab')
  await expect(trigger).toBeFocused()
  await page.keyboard.press('Enter')
  let palette = page.getByRole('dialog', { name: 'Command palette' })
  await expect(palette.getByRole('combobox')).toBeFocused()
  await a11y.scan(page, 'palette open')
  await page.keyboard.press('Escape')
  await expect(palette).toBeHidden()
  await expect(trigger).toBeFocused()

  // Search records: the client's row, then Enter opens its page.
  palette = await openPalette(page)
  await page.keyboard.type('northw')
  const hit = palette.getByRole('option', { name: /Northwind Traders/ })
  await expect(hit).toBeVisible()
  await expect(palette.getByRole('option', { name: /Contoso/ })).toHaveCount(0)
  await expect(hit).toHaveAttribute('aria-selected', 'true')
  await a11y.scan(page, 'palette with results')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1, name: 'Northwind Traders' })).toBeVisible()

  // Go to a page by name, with the arrow keys.
  palette = await openPalette(page)
  await page.keyboard.type('audit')
  await expect(palette.getByRole('option', { name: 'Go to Audit log' })).toBeVisible()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/settings\/audit/)

  // `?` lists every shortcut; `g` then `c` jumps to clients.
  await page.locator('body').press('?')
  const shortcuts = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(shortcuts).toBeVisible()
  await expect(shortcuts.getByText('Go to Clients')).toBeVisible()
  await expect(shortcuts.getByText('Toggle dark theme')).toBeVisible()
  await a11y.scan(page, 'shortcuts')
  await page.keyboard.press('Escape')
  await expect(shortcuts).toBeHidden()
  await page.keyboard.press('g')
  await page.keyboard.press('c')
  await expect(page).toHaveURL(/\/clients$/)

  // Run an action: the theme switches, and the palette is accessible in dark too.
  palette = await openPalette(page)
  await page.keyboard.type('dark theme')
  await page.keyboard.press('Enter')
  await expect(page.locator('html')).toHaveClass(/dark/)
  palette = await openPalette(page)
  await page.keyboard.type('new client')
  await expect(palette.getByRole('option', { name: 'New client' })).toBeVisible()
  await a11y.scan(page, 'palette dark')
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/clients\/new/)

  // Sign out from the palette.
  palette = await openPalette(page)
  await page.keyboard.type('sign out')
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/sign-in/)
})
