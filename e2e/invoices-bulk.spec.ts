import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

test('invoices list: bulk send (one refused), mark sent, pay in full, delete a draft, and a saved view', async ({
  page,
  a11y,
}) => {
  // A long journey on a shared machine: three times the default timeout.
  test.slow()
  const owner = person('Bea Bulk')
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, 'Bulk Co', `bulk-${uniqueSuffix()}`)

  // Two clients, one without an email address, and four drafts (through the API).
  const clientId = async (name: string, email: string | null) => {
    const response = await page.request.post('/api/v1/clients', { data: { name, email, currency: 'EUR' } })
    expect(response.status()).toBe(201)
    return (await response.json()).id as string
  }
  const mailed = await clientId('Contoso Mail', `ap.${uniqueSuffix()}@example.test`)
  const unmailed = await clientId('Nomail Partners', null)
  const draft = async (client: string, description: string) => {
    const response = await page.request.post('/api/v1/invoices', {
      data: { clientId: client, lines: [{ description, quantity: '1', unitPrice: 10000 }] },
    })
    expect(response.status(), await response.text()).toBe(201)
  }
  await draft(mailed, 'Audit')
  await draft(mailed, 'Workshop')
  await draft(unmailed, 'Support')

  await page.goto('/invoices')
  const grid = page.getByRole('grid', { name: 'Invoices' })
  await expect(grid.getByRole('row')).toHaveCount(4)

  // Send all three: the client without an address is refused, the others go.
  await grid.getByRole('checkbox', { name: 'Select all rows shown' }).check()
  const bar = page.getByRole('region', { name: 'Bulk actions' })
  await expect(bar.getByText('3 invoices selected')).toBeVisible()
  await a11y.scan(page, 'invoices bulk bar')
  await bar.getByRole('button', { name: 'Send', exact: true }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByRole('heading', { name: 'Send 3 invoices?' })).toBeVisible()
  await a11y.scan(page, 'bulk send dialog')
  await dialog.getByRole('button', { name: 'Send', exact: true }).click()
  await expect(page.getByText(/2 invoices sent\. 1 left unchanged/)).toBeVisible()
  await expect(bar).toBeHidden()
  await expect(grid.getByText('Sent', { exact: true })).toHaveCount(2)

  // The draft left: mark it sent (no email).
  await grid.getByRole('checkbox', { name: 'Select Nomail Partners' }).check()
  await bar.getByRole('button', { name: 'Mark sent' }).click()
  await expect(dialog.getByRole('heading', { name: 'Mark 1 invoice sent?' })).toBeVisible()
  await dialog.getByRole('button', { name: 'Mark sent' }).click()
  await expect(page.getByText('1 invoice marked sent.')).toBeVisible()
  await expect(grid.getByText('Sent', { exact: true })).toHaveCount(3)

  // The whole view (filtered to sent), paid in full.
  await page.getByRole('button', { name: '+ Status' }).click()
  await page.getByLabel('Sent', { exact: true }).check()
  await page.keyboard.press('Escape')
  await expect(page).toHaveURL(/status=sent/)
  await expect(page.getByText('3 invoices', { exact: true })).toBeVisible()
  await grid.getByRole('checkbox', { name: 'Select all rows shown' }).check()
  await bar.getByRole('button', { name: 'Pay in full' }).click()
  await expect(dialog.getByLabel('Method')).toHaveValue('bank_transfer')
  await dialog.getByLabel('Reference').fill('Batch 12')
  await dialog.getByRole('button', { name: 'Pay in full' }).click()
  await expect(page.getByText('3 invoices paid.')).toBeVisible()
  await expect(page.getByText('No invoices match')).toBeVisible()

  // A saved view of the paid ones, restored after a reload.
  await page.getByRole('button', { name: /Remove the Status filter/ }).click()
  await page.getByRole('button', { name: '+ Status' }).click()
  await page.getByLabel('Paid', { exact: true }).check()
  await page.keyboard.press('Escape')
  await expect(grid.getByText('Paid', { exact: true })).toHaveCount(3)
  await page.getByRole('button', { name: 'Save view' }).click()
  await dialog.getByLabel('Name').fill('Paid')
  await dialog.getByRole('button', { name: 'Save view' }).click()
  const views = page.getByRole('navigation', { name: 'Saved views' })
  await expect(views.getByRole('link', { name: 'Paid' })).toBeFocused()
  await views.getByRole('link', { name: 'All' }).click()
  await expect(page).not.toHaveURL(/status=/)
  await page.reload()
  await views.getByRole('link', { name: 'Paid' }).click()
  await expect(page).toHaveURL(/status=paid/)

  // A new draft, deleted from the list.
  // (Made behind the app's back, through the API: the page is loaded again to read it.)
  await draft(mailed, 'Mistake')
  await page.goto('/invoices')
  await expect(grid.getByRole('row')).toHaveCount(5)
  await grid.getByRole('checkbox', { name: 'Select Contoso Mail' }).check()
  await bar.getByRole('button', { name: 'Delete drafts' }).click()
  await expect(dialog.getByRole('heading', { name: 'Delete 1 draft?' })).toBeVisible()
  await dialog.getByRole('button', { name: 'Delete drafts' }).click()
  await expect(page.getByText('1 draft deleted.')).toBeVisible()
  await expect(grid.getByRole('row')).toHaveCount(4)

  // Dark theme at 1280 px.
  await page.emulateMedia({ colorScheme: 'dark' })
  await grid.getByRole('checkbox', { name: 'Select all rows shown' }).check()
  await a11y.scan(page, 'invoices list with bulk bar (dark)')
  await page.screenshot({ path: 'docs/screenshot-invoices-bulk-dark.png', fullPage: false })
})
