import { readFile } from 'node:fs/promises'
import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

test('invoices: draft with two lines and a discount, send, viewed, paid in two parts, PDF, credit note', async ({
  page,
  a11y,
  browser,
}) => {
  // A long journey on a shared machine: three times the default timeout.
  test.slow()
  const owner = person('Ivy Invoice')
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, 'Invoice Co', `invoice-${uniqueSuffix()}`)

  // 1. A tax rate and a product in the catalog (through the API), and a client with an email address.
  const tax = await page.request.post('/api/v1/tax-rates', { data: { name: 'VAT', percent: '20' } })
  expect(tax.status()).toBe(201)
  const taxId = (await tax.json()).id as string
  const product = await page.request.post('/api/v1/products', {
    data: { name: 'Design hour', unit: 'hour', unitPrice: 10000, currency: 'EUR', taxRateIds: [taxId] },
  })
  expect(product.status()).toBe(201)
  const clientEmail = `billing.${uniqueSuffix()}@example.test`
  const client = await page.request.post('/api/v1/clients', {
    data: { name: 'Northwind Traders', email: clientEmail, currency: 'EUR' },
  })
  expect(client.status()).toBe(201)

  // The list starts empty; the nav entry leads there.
  await page.getByRole('link', { name: 'Invoices', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Invoices', level: 1 })).toBeVisible()
  await expect(page.getByText('No invoices yet')).toBeVisible()

  // 2. The editor: client searched on the server, a catalog line, a free-text line, a 10 % discount.
  await page.getByRole('link', { name: 'New invoice' }).first().click()
  await expect(page.getByRole('heading', { name: 'New invoice', level: 1 })).toBeVisible()
  const clientBox = page.getByRole('combobox', { name: 'Client' })
  await clientBox.fill('northw')
  await page.getByRole('option', { name: /Northwind Traders/ }).click()

  const line1 = page.getByRole('group', { name: 'Line 1' })
  await line1.getByRole('button', { name: 'From catalog' }).click()
  await page.getByRole('combobox', { name: 'Product' }).fill('design')
  await page.getByRole('option', { name: /Design hour/ }).click()
  await expect(line1.getByLabel('Description')).toHaveValue('Design hour')
  await expect(line1.getByLabel('Unit price')).toHaveValue('100.00')
  await line1.getByLabel('Quantity').fill('3')

  await page.getByRole('button', { name: 'Add line' }).click()
  const line2 = page.getByRole('group', { name: 'Line 2' })
  await line2.getByLabel('Description').fill('Travel')
  await line2.getByLabel('Unit price').fill('80')
  await page.getByLabel('Invoice discount').fill('10')

  // 300 + 80 = 380; 10 % off = 342; 20 % VAT on the design line's 270 = 54; total 396.
  const totals = page.getByRole('region', { name: 'Totals' })
  await expect(totals.getByText('€396.00')).toBeVisible()
  await expect(totals.getByText('-€38.00')).toBeVisible()
  await a11y.scan(page, 'invoice editor')
  await page.getByRole('button', { name: 'Create draft' }).click()
  await expect(page).toHaveURL(/\/invoices\/inv_/)
  await expect(page.getByRole('heading', { name: 'Draft invoice', level: 1 })).toBeVisible()
  const invoiceUrl = page.url()

  // 3. Send it by email to the client.
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Send', exact: true }).click()
  await expect(page.getByText('Sent', { exact: true }).first()).toBeVisible()
  const number = (await page.getByRole('heading', { level: 1 }).textContent())?.trim() ?? ''
  expect(number).toMatch(/^INV-\d{4}-\d{5}$/)
  await expect(page.getByTestId('amount-due')).toHaveText('€396.00')
  await expect(page.locator(`iframe[title="PDF of invoice ${number}"]`)).toHaveAttribute('src', /\/pdf$/)

  // The e-invoice menu opens from the keyboard; without a seller VAT id it says why, and where to fix it.
  const eInvoice = page.getByRole('button', { name: 'Download e-invoice' })
  await eInvoice.focus()
  await page.keyboard.press('Enter')
  await expect(eInvoice).toHaveAttribute('aria-expanded', 'true')
  const formats = page.getByRole('list', { name: 'Download e-invoice' })
  await expect(formats.getByRole('button')).toHaveText(['Factur-X PDF', 'XRechnung UBL', 'XRechnung CII'])
  await formats.getByRole('button', { name: 'XRechnung UBL' }).click()
  await expect(page.getByText(/cannot be exported as an EN 16931 e-invoice/)).toBeVisible()
  await expect(page.getByRole('link', { name: 'Open invoice settings' })).toHaveAttribute(
    'href',
    '/settings/invoices',
  )
  await page.keyboard.press('Escape')
  await expect(eInvoice).toHaveAttribute('aria-expanded', 'false')
  await expect(eInvoice).toBeFocused()

  // 4. The email in the dev mailbox carries the view link.
  const message = page
    .locator('article')
    .filter({ hasText: clientEmail })
    .filter({ has: page.getByRole('heading', { name: new RegExp(number) }) })
  await expect(async () => {
    await page.goto('/dev/mail')
    await expect(message.first()).toBeVisible({ timeout: 1_000 })
  }).toPass({ timeout: 30_000 })
  const viewUrl = await message.first().locator('a[href*="/view/"]').first().getAttribute('href')
  expect(viewUrl).toBeTruthy()
  const token = new URL(viewUrl ?? '').pathname.split('/').pop() ?? ''

  // 5. The client opens it in another browser (no session): the invoice reads "Viewed".
  const other = await browser.newContext()
  const clientPage = await other.newPage()
  await clientPage.goto(viewUrl ?? '')
  const publicView = await clientPage.request.get(`/api/v1/public/invoices/${token}`)
  expect(publicView.status()).toBe(200)
  await other.close()
  await page.goto(invoiceUrl)
  await expect(page.getByText('Viewed', { exact: true }).first()).toBeVisible()

  // Emailed again, to the client's address.
  await page.getByRole('button', { name: 'Email again' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Email again' }).click()
  await expect(page.getByText(`Invoice emailed to ${clientEmail}`)).toBeVisible()

  // 6. A partial payment, then the rest: "Partially paid", then "Paid".
  await page.getByRole('button', { name: 'Record payment' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByLabel('Amount (EUR)').fill('96')
  await dialog.getByLabel('Reference').fill('Wire 1')
  await a11y.scan(page, 'record payment dialog')
  await dialog.getByRole('button', { name: 'Record payment' }).click()
  await expect(page.getByText('Partially paid', { exact: true }).first()).toBeVisible()
  await expect(page.getByTestId('amount-due')).toHaveText('€300.00')
  await page.getByRole('button', { name: 'Record payment' }).click()
  await expect(dialog.getByLabel('Amount (EUR)')).toHaveValue('300.00')
  await dialog.getByRole('button', { name: 'Record payment' }).click()
  await expect(page.getByText('Paid', { exact: true }).first()).toBeVisible()
  await expect(page.getByTestId('amount-due')).toHaveText('€0.00')

  // 7. The PDF downloads and is a PDF.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download PDF' }).click(),
  ])
  const file = await readFile((await download.path()) ?? '')
  expect(file.subarray(0, 5).toString('latin1')).toBe('%PDF-')

  // 8. Credit the travel line only.
  await page.getByRole('button', { name: 'Credit note' }).click()
  await dialog.getByLabel('Everything not credited yet').uncheck()
  await dialog.getByLabel(/^Travel/).check()
  await dialog.getByRole('button', { name: 'Credit note' }).click()
  await expect(page.getByText(/Credit note CN-\d{4}-\d{5} issued/)).toBeVisible()
  const notes = page.getByRole('region', { name: 'Credit notes' })
  await expect(notes.getByText(/^CN-\d{4}-\d{5}$/)).toBeVisible()

  // The credit note's page: the invoice it credits, its PDF and the e-invoice menu; then the list.
  await notes.getByRole('link', { name: /^CN-/ }).click()
  await expect(page).toHaveURL(/\/credit-notes\/crn_/)
  const creditNumber = (await page.getByRole('heading', { level: 1 }).textContent())?.trim() ?? ''
  expect(creditNumber).toMatch(/^CN-\d{4}-\d{5}$/)
  await expect(page.getByRole('link', { name: number })).toHaveAttribute('href', /\/invoices\/inv_/)
  await expect(page.locator(`iframe[title="PDF of credit note ${creditNumber}"]`)).toHaveAttribute(
    'src',
    /\/pdf$/,
  )
  await expect(page.getByRole('button', { name: 'Download e-invoice' })).toBeVisible()
  await page.goto('/credit-notes')
  await expect(page.getByRole('grid', { name: 'Credit notes' }).getByText(creditNumber)).toBeVisible()

  // The list shows the invoice; the status filter keeps it, the client chip searches the server.
  await page.goto('/invoices')
  const grid = page.getByRole('grid', { name: 'Invoices' })
  await expect(grid.getByRole('row')).toHaveCount(2)
  await expect(grid.getByText(number)).toBeVisible()
  await page.getByRole('button', { name: '+ Status' }).click()
  await page.getByLabel('Paid', { exact: true }).check()
  await expect(page).toHaveURL(/status=paid/)
  await expect(grid.getByText(number)).toBeVisible()
  await page.keyboard.press('Escape')
  await page.getByRole('button', { name: /^Total/ }).click()
  await expect(page).toHaveURL(/sort=total/)
  await page.screenshot({ path: 'docs/screenshot-invoices.png', fullPage: false })
  await grid.getByText(number).click()
  await expect(page).toHaveURL(/\/invoices\/inv_/)
})
