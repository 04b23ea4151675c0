import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

test('recurring invoices: start one (lines, every month, three invoices), pause and resume, edit, list', async ({
  page,
  a11y,
}) => {
  // A long journey on a shared machine: three times the default timeout.
  test.slow()
  const owner = person('Remy Recurring')
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, 'Retainer Co', `recurring-${uniqueSuffix()}`)
  const client = await page.request.post('/api/v1/clients', {
    data: { name: 'Tailspin Toys', email: `ap.${uniqueSuffix()}@example.test`, currency: 'EUR' },
  })
  expect(client.status()).toBe(201)

  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'Recurring invoices', exact: true })
    .click()
  await expect(page.getByRole('heading', { name: 'Recurring invoices', level: 1 })).toBeVisible()
  await expect(page.getByText('No recurring invoices yet')).toBeVisible()
  await page.getByRole('link', { name: 'New recurring invoice' }).first().click()
  await expect(page.getByRole('heading', { name: 'New recurring invoice', level: 1 })).toBeVisible()

  // Without a client the server's refusal lands on the field.
  await page.getByRole('group', { name: 'Line 1' }).getByLabel('Description').fill('Monthly retainer')
  await page.getByRole('button', { name: 'Start' }).click()
  await expect(page.getByRole('combobox', { name: 'Client' })).toHaveAttribute('aria-invalid', 'true')

  await page.getByLabel('Name', { exact: true }).fill('Tailspin retainer')
  await page.getByRole('combobox', { name: 'Client' }).fill('tailsp')
  await page.getByRole('option', { name: /Tailspin Toys/ }).click()
  await page.getByRole('group', { name: 'Line 1' }).getByLabel('Unit price').fill('500')
  await page.getByLabel('Period').selectOption('monthly')
  await page.getByLabel('Ends').selectOption('count')
  await page.getByLabel('Number of invoices').fill('3')
  await page.getByLabel(/Send each invoice to the client/).check()
  await expect(page.getByText(/Each invoice: €500\.00/)).toBeVisible()
  await a11y.scan(page, 'recurring form')
  await page.getByRole('button', { name: 'Start' }).click()
  await expect(page).toHaveURL(/\/recurring\/rec_/)
  await expect(page.getByRole('heading', { name: 'Tailspin retainer', level: 1 })).toBeVisible()
  await expect(page.getByText('Every month')).toBeVisible()
  await expect(page.getByText('After 3 invoices')).toBeVisible()
  await expect(page.getByText('Sent automatically')).toBeVisible()

  // Pause, then resume.
  await page.getByRole('button', { name: 'Pause' }).click()
  await expect(page.getByText('Recurring invoice paused')).toBeVisible()
  await expect(page.getByText('Paused', { exact: true })).toBeVisible()
  await page.getByRole('button', { name: 'Resume' }).click()
  await expect(page.getByText('Recurring invoice resumed')).toBeVisible()
  await expect(page.getByText('Active', { exact: true })).toBeVisible()

  // Edit: every two months from now on.
  await page.getByRole('button', { name: 'Edit' }).click()
  await expect(page.getByRole('heading', { name: 'Edit recurring invoice', level: 1 })).toBeVisible()
  await expect(page.getByRole('group', { name: 'Line 1' }).getByLabel('Description')).toHaveValue(
    'Monthly retainer',
  )
  await page.getByLabel('Every', { exact: true }).fill('2')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByText('Every 2 months')).toBeVisible()
  await expect(page.getByRole('link', { name: 'All invoices of Tailspin Toys' })).toHaveAttribute(
    'href',
    /\/invoices\?client=cli_/,
  )

  // The list, light and dark at 1280 px.
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'Recurring invoices', exact: true })
    .click()
  const grid = page.getByRole('grid', { name: 'Recurring invoices' })
  await expect(grid.getByText('Tailspin retainer')).toBeVisible()
  await expect(grid.getByText('Every 2 months')).toBeVisible()
  await page.emulateMedia({ colorScheme: 'dark' })
  await a11y.scan(page, 'recurring list (dark)')
  await grid.getByText('Tailspin retainer').click()
  await expect(page.getByRole('heading', { name: 'Tailspin retainer', level: 1 })).toBeVisible()
  await a11y.scan(page, 'recurring page (dark)')
  await page.screenshot({ path: 'docs/screenshot-recurring-dark.png', fullPage: false })
})
