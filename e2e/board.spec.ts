import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { ownerWithWorkspace, seedClients } from './grid-helpers.ts'

test.use({ actionTimeout: 15_000 })

async function drag(page: Page, card: Locator, lane: Locator) {
  const from = await card.boundingBox()
  const to = await lane.boundingBox()
  if (!from || !to) throw new Error('card or lane not on screen')
  await page.mouse.move(from.x + 20, from.y + from.height / 2)
  await page.mouse.down()
  await page.mouse.move(from.x + 40, from.y + from.height / 2, { steps: 5 })
  await page.mouse.move(to.x + to.width / 2, to.y + 60, { steps: 15 })
  await page.mouse.up()
}

const statusOf = async (page: Page, name: string) =>
  (await (await page.request.get(`/api/v1/clients?q=${encodeURIComponent(name)}`)).json()).data[0].status

test('board: move a card by drag and by the keyboard "Move to…" menu, group by a custom field, save as a view', async ({
  page,
  a11y,
}) => {
  test.setTimeout(240_000)
  await ownerWithWorkspace(page, 'Bo Board')
  await seedClients(page, 4)
  await page.goto('/clients')
  await page.getByRole('button', { name: 'Board', exact: true }).click()
  await expect(page).toHaveURL(/layout=board/)
  const lane = (name: string) => page.getByRole('region', { name: new RegExp(`^${name}`) })
  await expect(lane('Active')).toContainText('Northwind Traders')
  await expect(lane('Lead')).toContainText('Contoso Pharma')
  await a11y.scan(page, 'board')

  // Drag Northwind from Active to Lead.
  await drag(page, lane('Active').locator('li', { hasText: 'Northwind Traders' }), lane('Lead'))
  await expect(lane('Lead')).toContainText('Northwind Traders')
  await expect(lane('Active')).not.toContainText('Northwind Traders')
  await expect.poll(() => statusOf(page, 'Northwind')).toBe('lead')

  // By keyboard: the card's "Move to…" menu, first choice with Enter.
  const contoso = lane('Lead').locator('li', { hasText: 'Contoso Pharma' })
  await contoso.getByRole('button', { name: 'Move to… Contoso Pharma' }).focus()
  await page.keyboard.press('Enter')
  const menu = page.getByRole('list', { name: 'Move Contoso Pharma to' })
  await expect(menu.getByRole('button', { name: 'Active' })).toBeFocused()
  await a11y.scan(page, 'move to menu')
  await page.keyboard.press('Tab')
  await expect(menu.getByRole('button', { name: 'Archived' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(lane('Archived')).toContainText('Contoso Pharma')
  await expect(
    page.getByRole('status').filter({ hasText: 'Moved Contoso Pharma to Archived.' }),
  ).toBeVisible()
  await expect.poll(() => statusOf(page, 'Contoso')).toBe('archived')
  // Undo puts it back.
  await page.getByRole('button', { name: 'Undo' }).click()
  await expect(lane('Lead')).toContainText('Contoso Pharma')

  // Group by the Industry select field; the board is saved as a view and comes back after reload.
  await page.getByLabel('Group by').selectOption({ label: 'Industry' })
  await expect(page).toHaveURL(/group=cf\.industry/)
  await expect(lane('software')).toContainText('Fabrikam Software')
  await drag(page, lane('software').locator('li', { hasText: 'Fabrikam Software' }), lane('energy'))
  await expect(lane('energy')).toContainText('Fabrikam Software')
  await page.getByRole('button', { name: 'Save view' }).click()
  await page.getByLabel('View name').fill('By industry')
  await page.getByRole('dialog').getByRole('button', { name: 'Save view' }).click()
  await expect(page.getByRole('link', { name: 'By industry' })).toBeFocused()
  await page.getByRole('link', { name: 'All clients' }).click()
  await expect(page.getByRole('grid', { name: 'Client list' })).toBeVisible()
  await page.getByRole('link', { name: 'By industry' }).click()
  await page.reload()
  await expect(lane('energy')).toContainText('Fabrikam Software')
  await expect(page.getByLabel('Group by')).toHaveValue('cf.industry')
  await page.getByLabel('Group by').selectOption('status')
  await expect(lane('Lead')).toContainText('Contoso Pharma')
  await page.screenshot({ path: 'docs/screenshot-board.png' })

  // The board in dark, as stored and restored on reload.
  await page.evaluate(() => localStorage.setItem('atrium.theme', 'dark'))
  await page.reload()
  await expect(page.locator('html')).toHaveClass(/dark/)
  await expect(lane('Lead')).toContainText('Contoso Pharma')
  await a11y.scan(page, 'board, dark')
  await page.screenshot({ path: 'docs/screenshot-board-dark.png' })
})
