import { expect, test } from './fixtures.ts'
import { ownerWithWorkspace, seedClients } from './grid-helpers.ts'

test.use({ actionTimeout: 15_000 })

test('grid: columns, header sort, inline edit with undo, filter chips, a saved view restored after reload', async ({
  page,
  a11y,
}) => {
  test.setTimeout(240_000)
  await ownerWithWorkspace(page, 'Gina Grid')
  await seedClients(page, 80)
  await page.goto('/clients')
  const grid = page.getByRole('grid', { name: 'Client list' })
  await expect(grid.getByRole('row')).not.toHaveCount(1)
  // Newest first by default; rows are virtualized, so far fewer than 83 rows are in the page.
  await expect(grid.getByRole('row').nth(1)).toContainText('Client 080')
  expect(await grid.getByRole('row').count()).toBeLessThan(60)
  await expect(grid).toHaveAttribute('aria-rowcount', '84')

  // Choose columns: show the Industry custom field and hide Tags, then move Industry earlier.
  await page.getByRole('button', { name: 'Columns' }).click()
  await page.getByRole('checkbox', { name: 'Industry' }).check()
  await page.getByRole('checkbox', { name: 'Tags' }).uncheck()
  await page.getByRole('button', { name: 'Move Industry earlier' }).click()
  await a11y.scan(page, 'column chooser')
  await page.keyboard.press('Escape')
  await expect(page.getByRole('button', { name: 'Columns' })).toBeFocused()
  const headers = grid.getByRole('columnheader')
  await expect(headers).toHaveText([/^$/, /Name/, /Status/, /Owner/, /Industry/, /Created/])

  // Resize a column by keyboard on its header (Shift+Right widens it by 20 px).
  const created = grid.getByRole('columnheader', { name: /Created/ })
  const before = (await created.boundingBox())?.width ?? 0
  await created.focus()
  await page.keyboard.press('Shift+ArrowRight')
  await expect.poll(async () => (await created.boundingBox())?.width).toBe(before + 20)

  // Sort by a header: name ascending, then descending.
  await grid.getByRole('button', { name: /Name/ }).click()
  await expect(page).toHaveURL(/sort=name/)
  await expect(grid.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'ascending')
  await expect(grid.getByRole('row').nth(1)).toContainText('Client 001')
  await grid.getByRole('button', { name: /Name/ }).click()
  await expect(grid.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending')
  await expect(grid.getByRole('row').nth(1)).toContainText('Northwind Traders')

  // Inline edit the status of Northwind, then undo it from the toast.
  const northwind = grid.getByRole('row').filter({ hasText: 'Northwind Traders' })
  await northwind.getByRole('gridcell').nth(2).click()
  await northwind.getByRole('combobox', { name: 'Status of Northwind Traders' }).selectOption('lead')
  await expect(northwind).toContainText('Lead')
  await expect(
    page.getByRole('status').filter({ hasText: 'Status of Northwind Traders changed.' }),
  ).toBeVisible()
  await page.getByRole('button', { name: 'Undo' }).click()
  await expect(
    page.getByRole('status').filter({ hasText: 'Change to Northwind Traders undone.' }),
  ).toBeVisible()
  await a11y.scan(page, 'toast')
  await expect(northwind).toContainText('Active')
  await expect
    .poll(async () =>
      (await page.request.get('/api/v1/clients?q=northwind')).json().then((b) => b.data[0].status),
    )
    .toBe('active')

  // A number custom field inline: show Seats, edit it with the keyboard (e, type, Enter).
  await page.getByRole('button', { name: 'Columns' }).click()
  await page.getByRole('checkbox', { name: 'Seats' }).check()
  await page.keyboard.press('Escape')
  await northwind.getByRole('gridcell').last().click()
  await page.keyboard.press('e')
  await page.getByRole('textbox', { name: 'Seats of Northwind Traders' }).fill('45')
  await page.keyboard.press('Enter')
  await expect(northwind.getByRole('gridcell').last()).toHaveText('45')
  await expect(northwind.getByRole('gridcell').last()).toBeFocused()

  // Filter chips: status is Active, tags vip or pharma (any).
  await page.getByRole('button', { name: '+ Filter' }).click()
  await page.getByRole('button', { name: 'Status', exact: true }).click()
  await page.getByRole('checkbox', { name: 'Active' }).check()
  await page.getByRole('button', { name: 'Apply' }).click()
  await expect(page).toHaveURL(/status=active/)
  await page.getByRole('button', { name: '+ Filter' }).click()
  await page.getByRole('button', { name: 'Tags', exact: true }).click()
  await page.getByLabel('Tags', { exact: true }).fill('vip')
  await page.keyboard.press('Enter')
  await page.getByLabel('Tags', { exact: true }).fill('pharma')
  await page.keyboard.press('Enter')
  await page.getByRole('radio', { name: 'Any of these tags' }).check()
  await a11y.scan(page, 'tag filter editor')
  await page.getByRole('button', { name: 'Apply' }).click()
  await expect(page).toHaveURL(/tagMatch=any/)
  await expect(page.getByRole('button', { name: /Tags: vip or pharma/ })).toBeVisible()
  await expect(grid.getByRole('row')).toHaveCount(3)
  await expect(grid).toContainText('Northwind Traders')
  await expect(grid).toContainText('Fabrikam Software')

  // Save the view: focus moves to its link afterwards; reload restores filters, sort and columns.
  await page.getByRole('button', { name: 'Comfortable' }).click()
  await page.getByRole('button', { name: 'Save view' }).click()
  await page.getByLabel('View name').fill('Active VIPs')
  await a11y.scan(page, 'save view dialog')
  await page.getByRole('dialog').getByRole('button', { name: 'Save view' }).click()
  const views = page.getByRole('navigation', { name: 'Saved views' })
  await expect(views.getByRole('link', { name: 'Active VIPs' })).toBeFocused()

  await views.getByRole('link', { name: 'All clients' }).click()
  await page.getByRole('button', { name: 'Columns' }).click()
  await page.getByRole('checkbox', { name: 'Industry' }).uncheck()
  await page.keyboard.press('Escape')
  await views.getByRole('link', { name: 'Active VIPs' }).click()
  await page.reload()
  await expect(grid.getByRole('row')).toHaveCount(3)
  await expect(headers).toHaveText([/^$/, /Name/, /Status/, /Owner/, /Industry/, /Created/, /Seats/])
  await expect(page.getByRole('button', { name: 'Comfortable' })).toHaveAttribute('aria-pressed', 'true')
  await expect(grid.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending')
  await expect(page.getByRole('button', { name: /Status: Active/ })).toBeVisible()

  // Screenshots for the docs: the whole list, light and dark.
  await views.getByRole('link', { name: 'All clients' }).click()
  await expect(grid.getByRole('row').nth(1)).toContainText('Client 080')
  await page.getByRole('button', { name: 'Compact' }).click()
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.screenshot({ path: 'docs/screenshot-clients.png' })
  await page.evaluate(() => localStorage.setItem('atrium.theme', 'dark'))
  await page.reload()
  await expect(grid.getByRole('row').nth(1)).toContainText('Client 080')
  await a11y.scan(page, 'grid, dark')
  await page.screenshot({ path: 'docs/screenshot-grid-dark.png' })
})

test('grid: a keyboard-only pass through the list, bulk owner change, focus back after dialogs', async ({
  page,
}) => {
  test.setTimeout(240_000)
  const owner = await ownerWithWorkspace(page, 'Kim Keys')
  await seedClients(page, 30)
  await page.goto('/clients')
  const grid = page.getByRole('grid', { name: 'Client list' })
  await expect(grid.getByRole('row').nth(1)).toContainText('Client 030')

  // `/` focuses search from anywhere.
  await page.locator('body').click({ position: { x: 5, y: 400 } })
  await page.keyboard.press('/')
  await expect(page.getByRole('searchbox', { name: 'Search clients' })).toBeFocused()

  // Tab reaches the grid in one stop; j/k move between rows, x selects.
  const firstCell = grid.getByRole('row').nth(1).getByRole('gridcell').nth(1)
  for (let i = 0; i < 20 && !(await firstCell.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('Tab')
  await expect(firstCell).toBeFocused()
  await page.keyboard.press('j')
  await expect(grid.getByRole('row').nth(2).getByRole('gridcell').nth(1)).toBeFocused()
  await page.keyboard.press('x')
  await page.keyboard.press('j')
  await page.keyboard.press('x')
  await page.keyboard.press('k')
  await expect(grid.getByRole('row').nth(2)).toHaveAttribute('aria-selected', 'true')
  await expect(grid.getByRole('row').nth(3)).toHaveAttribute('aria-selected', 'true')
  const bar = page.getByRole('region', { name: 'Bulk actions' })
  await expect(bar).toContainText('2 clients selected')

  // Change owner in bulk; the picker searches the server as one types.
  await bar.getByRole('button', { name: 'Change owner' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByRole('combobox', { name: 'Owner' }).fill(owner.name.slice(0, 3))
  await expect(dialog.getByRole('option', { name: new RegExp(owner.name) })).toBeVisible()
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('Enter')
  await expect(dialog).toContainText(`Chosen: ${owner.name}`)
  await dialog.getByRole('button', { name: 'Change owner' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Changed the owner of 2 clients.' })).toBeVisible()
  await expect(bar).toBeHidden()
  // The bar went away with the dialog: focus is back in the grid, not on <body>.
  await expect(grid.locator(':focus')).toHaveCount(1)
  await expect(grid.getByRole('row').nth(2)).toContainText(owner.name)

  // Archive one by keyboard: x, then the bar's Archive, confirm; focus returns to the grid.
  await page.keyboard.press('x')
  await bar.getByRole('button', { name: 'Archive' }).focus()
  await page.keyboard.press('Enter')
  await page.getByRole('dialog').getByRole('button', { name: 'Archive' }).click()
  await expect(bar).toBeHidden()
  await expect(grid.locator(':focus')).toHaveCount(1)

  // Enter opens the focused row.
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/clients\/cli_/)
})

test('grid: phones get a list layout', async ({ page, a11y }) => {
  test.setTimeout(180_000)
  await ownerWithWorkspace(page, 'Pia Phone')
  await seedClients(page, 5)
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto('/clients')
  const list = page.getByRole('list', { name: 'Client list' })
  await expect(list.locator(':scope > li')).toHaveCount(8)
  await expect(page.getByRole('grid')).toHaveCount(0)
  await page.getByLabel('Sort by').selectOption('name')
  await expect(list.locator(':scope > li').first()).toContainText('Client 001')
  await a11y.scan(page, 'phone list')
  await page.screenshot({ path: 'test-results/grid-phone.png' })
})
