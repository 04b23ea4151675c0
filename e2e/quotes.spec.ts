import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

test('quotes: create, send, the client accepts on the public page, the owner sees it and converts it to an invoice', async ({
  page,
  a11y,
  browser,
  baseURL,
}) => {
  // A long journey on a shared machine: three times the default timeout.
  test.slow()
  const owner = person('Quinn Quote')
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, 'Quote Co', `quote-${uniqueSuffix()}`)
  const client = await page.request.post('/api/v1/clients', {
    data: { name: 'Fabrikam Software', email: `buyer.${uniqueSuffix()}@example.test`, currency: 'EUR' },
  })
  expect(client.status()).toBe(201)

  // The list starts empty; the nav entry leads there.
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'Quotes', exact: true })
    .click()
  await expect(page.getByRole('heading', { name: 'Quotes', level: 1 })).toBeVisible()
  await expect(page.getByText('No quotes yet')).toBeVisible()

  // The shared editor, as a quote: "Valid until" instead of a due date.
  await page.getByRole('link', { name: 'New quote' }).first().click()
  await expect(page.getByRole('heading', { name: 'New quote', level: 1 })).toBeVisible()
  await expect(page.getByLabel('Valid until')).toBeVisible()
  await page.getByRole('combobox', { name: 'Client' }).fill('fabrik')
  await page.getByRole('option', { name: /Fabrikam Software/ }).click()
  const line = page.getByRole('group', { name: 'Line 1' })
  await line.getByLabel('Description').fill('Website redesign')
  await line.getByLabel('Quantity').fill('2')
  await line.getByLabel('Unit price').fill('1250')
  await expect(page.getByRole('region', { name: 'Totals' }).getByText('€2,500.00').first()).toBeVisible()
  await a11y.scan(page, 'quote editor')
  await page.getByRole('button', { name: 'Create draft' }).click()
  await expect(page).toHaveURL(/\/quotes\/quo_/)
  await expect(page.getByRole('heading', { name: 'Draft quote', level: 1 })).toBeVisible()
  const quoteUrl = page.url()

  // Sent: it takes its number; the progress says where it stands.
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByRole('heading', { name: 'Send the quote' })).toBeVisible()
  await dialog.getByRole('button', { name: 'Send', exact: true }).click()
  await expect(page.getByText('Quote sent')).toBeVisible()
  const heading = page.getByRole('heading', { level: 1 })
  await expect(heading).toHaveText(/^QUO-\d{4}-\d{5}$/)
  const number = (await heading.textContent())?.trim() ?? ''
  const progress = page.getByRole('list', { name: 'Progress' })
  await expect(progress.locator('[aria-current="step"]')).toHaveText(/Sent/)
  await expect(page.locator(`iframe[title="PDF of quote ${number}"]`)).toHaveAttribute('src', /\/pdf$/)

  // A view link, shown once.
  await page.getByRole('button', { name: 'New view link' }).click()
  const linkBox = page.getByRole('textbox', { name: 'View link' })
  await expect(linkBox).toHaveValue(/\/view\//)
  const viewPath = new URL(await linkBox.inputValue()).pathname
  await a11y.scan(page, 'sent quote')

  // The client, in a browser without a session, accepts by typing a name.
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } })
  const clientPage = await context.newPage()
  a11y.track(clientPage)
  await clientPage.goto(viewPath)
  await expect(clientPage.getByRole('heading', { name: `Quote ${number}`, level: 1 })).toBeVisible()
  await clientPage.getByRole('button', { name: 'Accept', exact: true }).click()
  await clientPage.getByRole('dialog').getByLabel('Your full name').fill('Farah Fabrikam')
  await clientPage.getByRole('dialog').getByRole('button', { name: 'Accept quote' }).click()
  await expect(clientPage.getByText('Accepted', { exact: true })).toBeVisible()
  await a11y.flush()
  await context.close()

  // The owner sees it accepted, with the name, and converts it.
  await page.goto(quoteUrl)
  await expect(page.getByText('Accepted', { exact: true }).first()).toBeVisible()
  await expect(page.getByText(/Accepted by Farah Fabrikam/)).toBeVisible()
  await page.getByRole('button', { name: 'Convert to invoice' }).click()
  await expect(page).toHaveURL(/\/invoices\/inv_/)
  await expect(page.getByRole('heading', { name: 'Draft invoice', level: 1 })).toBeVisible()
  await expect(page.getByRole('group', { name: 'Line 1' }).getByLabel('Description')).toHaveValue(
    'Website redesign',
  )

  // The quote now reads Converted and leads to its invoice.
  await page.goto(quoteUrl)
  await expect(page.getByText('Converted', { exact: true }).first()).toBeVisible()
  await expect(page.getByRole('link', { name: 'Open the invoice' })).toHaveAttribute(
    'href',
    /\/invoices\/inv_/,
  )

  // The list, with the status filter and a saved view; dark theme at 1280 px.
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'Quotes', exact: true })
    .click()
  const grid = page.getByRole('grid', { name: 'Quotes' })
  await expect(grid.getByText(number)).toBeVisible()
  await page.getByRole('button', { name: '+ Status' }).click()
  await page.getByLabel('Converted', { exact: true }).check()
  await expect(page).toHaveURL(/status=converted/)
  await page.keyboard.press('Escape')
  await expect(grid.getByText(number)).toBeVisible()
  await page.getByRole('button', { name: 'Save view' }).click()
  await page.getByRole('dialog').getByLabel('Name').fill('Won')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('link', { name: 'Won' })).toBeFocused()
  await page.emulateMedia({ colorScheme: 'dark' })
  await a11y.scan(page, 'quotes list (dark)')
  await page.screenshot({ path: 'docs/screenshot-quotes-dark.png', fullPage: false })
  await page.emulateMedia({ colorScheme: 'light' })
  await page.getByRole('link', { name: 'All', exact: true }).click()
  await expect(page).not.toHaveURL(/status=/)
  await page.getByRole('link', { name: 'Won' }).click()
  await expect(page).toHaveURL(/status=converted/)
})
