import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

test('invoice settings, tax rates, the catalog, a client’s Invoices tab and the dashboard’s invoice widgets', async ({
  page,
  a11y,
}) => {
  const owner = person('Stella Settings')
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, 'Nordlicht Studio', `nordlicht-${uniqueSuffix()}`)
  const year = new Date().toISOString().slice(0, 4)

  // 1. Invoice settings: legal details and a numbering pattern whose next number follows the typing.
  await page.getByRole('link', { name: 'Invoice settings' }).click()
  await expect(page.getByRole('heading', { name: 'Invoice settings', level: 1 })).toBeVisible()
  await expect(page.getByText(`Next number: INV-${year}-00001`)).toBeVisible()
  const invoices = page.getByRole('group', { name: 'Invoices' })
  await invoices.getByRole('textbox', { name: 'Pattern' }).fill('NS-{YYYY}-{SEQ:4}')
  await expect(invoices.getByText(`Next number: NS-${year}-0001`)).toBeVisible()
  await invoices.getByRole('textbox', { name: 'Pattern' }).fill('NS-{YYYY}')
  await expect(invoices.getByText('Next number: shown once the pattern holds {SEQ}')).toBeVisible()
  await invoices.getByRole('textbox', { name: 'Pattern' }).fill('NS-{YYYY}-{SEQ:4}')
  await page.getByLabel('Legal name').fill('Nordlicht Studio GmbH')
  await page.getByLabel('Address line 1').fill('Hafenstraße 12')
  await page.getByLabel('Postal code').fill('20457')
  await page.getByLabel('City').fill('Hamburg')
  await page.getByLabel('VAT id').fill('DE123456789')
  await page.getByLabel('IBAN').fill('DE89370400440532013000')
  await page.getByLabel('Brand colour', { exact: true }).first().fill('#0f766e')
  // A pattern the server refuses lands on its field.
  await page
    .getByRole('group', { name: 'Quotes' })
    .getByRole('textbox', { name: 'Pattern' })
    .fill('Q-{MM}-{SEQ}')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByText('must hold {YYYY} or {YY} when numbers reset every year')).toBeVisible()
  await page.getByRole('button', { name: 'Use the default pattern for Quotes' }).click()
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByText('Invoice settings saved.')).toBeVisible()
  await a11y.scan(page, 'invoice settings saved')
  await page.reload()
  await expect(
    page.getByRole('group', { name: 'Invoices' }).getByRole('textbox', { name: 'Pattern' }),
  ).toHaveValue('NS-{YYYY}-{SEQ:4}')
  await expect(page.getByLabel('VAT id')).toHaveValue('DE123456789')

  // 2. Each template's preview is a PDF of a sample invoice with these details, in a new tab.
  for (const template of ['Classic', 'Modern', 'Compact']) {
    const link = page.getByRole('link', {
      name: `Preview the ${template} template (PDF, opens in a new tab)`,
    })
    await expect(link).toHaveAttribute('target', '_blank')
    const href = await link.getAttribute('href')
    expect(href).toContain(`template=${template.toLowerCase()}`)
    expect(href).toContain('brandColor=%230f766e')
    const pdf = await page.request.get(href!)
    expect(pdf.status()).toBe(200)
    expect(pdf.headers()['content-type']).toBe('application/pdf')
    const bytes = await pdf.body()
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-')
  }

  // 3. A tax rate, added in a dialog.
  await page.getByRole('link', { name: 'Tax rates' }).click()
  await expect(page.getByRole('heading', { name: 'Tax rates', level: 1 })).toBeVisible()
  await expect(page.getByText('No tax rates yet')).toBeVisible()
  await page.getByRole('button', { name: 'Add tax rate' }).click()
  const rateDialog = page.getByRole('dialog', { name: 'Add a tax rate' })
  await rateDialog.getByLabel('Name').fill('VAT')
  await rateDialog.getByLabel('Rate (%)').fill('19')
  await a11y.scan(page, 'add tax rate dialog')
  await rateDialog.getByRole('button', { name: 'Add tax rate' }).click()
  await expect(page.getByText('VAT saved.')).toBeVisible()
  await expect(page.getByRole('row', { name: /VAT 19 % Added to prices Standard rate/ })).toBeVisible()

  // 4. A product in the catalog, then found by a mistyped search.
  await page.getByRole('link', { name: 'Products and services' }).click()
  await expect(page.getByRole('heading', { name: 'Products and services', level: 1 })).toBeVisible()
  await page.getByRole('button', { name: 'Add product' }).click()
  const productDialog = page.getByRole('dialog', { name: 'Add a product' })
  await productDialog.getByLabel('Name').fill('Design hour')
  await productDialog.getByLabel('Unit', { exact: true }).fill('hours')
  await productDialog.getByLabel('Unit price').fill('95.555')
  await productDialog.getByRole('checkbox', { name: 'VAT (19 %)' }).check()
  await productDialog.getByRole('button', { name: 'Add product' }).click()
  await expect(productDialog.getByText('must be an amount with at most 2 decimals')).toBeVisible()
  await productDialog.getByLabel('Unit price').fill('95.50')
  await a11y.scan(page, 'add product dialog')
  await productDialog.getByRole('button', { name: 'Add product' }).click()
  await expect(page.getByText('Design hour saved.')).toBeVisible()
  await page.getByLabel('Search products').fill('desgn')
  await expect(page.getByRole('row', { name: /Design hour hours €95\.50 VAT \(19 %\)/ })).toBeVisible()
  await page.getByLabel('Search products').fill('nothing like it')
  await expect(page.getByText('No products match')).toBeVisible()

  // 5. A client with an invoice sent and paid in part: the Invoices tab shows the balance.
  const product = (await (await page.request.get('/api/v1/products?q=design')).json()).data[0]
  const client = await (
    await page.request.post('/api/v1/clients', { data: { name: 'Acme Trading', currency: 'EUR' } })
  ).json()
  const draft = await page.request.post('/api/v1/invoices', {
    data: { clientId: client.id, lines: [{ productId: product.id, quantity: '2' }] },
  })
  expect(draft.status()).toBe(201)
  const invoice = await draft.json()
  expect((await page.request.post(`/api/v1/invoices/${invoice.id}/send`, { data: {} })).status()).toBe(200)
  const paid = await page.request.post('/api/v1/payments', {
    data: {
      invoiceId: invoice.id,
      method: 'bank_transfer',
      amount: 10_000,
      paidOn: new Date().toISOString().slice(0, 10),
    },
  })
  expect(paid.status()).toBe(201)
  // 2 × €95.50 = €191.00 + 19 % VAT €36.29 = €227.29; €100.00 paid.
  await page.goto(`/clients/${client.id}`)
  await page.getByRole('tab', { name: 'Invoices' }).click()
  await expect(page).toHaveURL(/tab=invoices/)
  const balance = page.getByRole('region', { name: 'Balance per currency' })
  await expect(balance.getByRole('row', { name: 'EUR €127.29 €0.00 €100.00 €0.00' })).toBeVisible()
  const number = `NS-${year}-0001`
  await expect(page.getByRole('link', { name: number })).toHaveAttribute('href', `/invoices/${invoice.id}`)
  await expect(page.getByRole('link', { name: 'New invoice for Acme Trading' })).toHaveAttribute(
    'href',
    `/invoices/new?client=${client.id}`,
  )
  await a11y.scan(page, 'client invoices tab')

  // 6. The dashboard's invoice widgets.
  await page.getByRole('link', { name: 'Dashboard' }).click()
  for (const title of ['Outstanding', 'Overdue', 'Paid this month'])
    await expect(page.getByRole('heading', { level: 2, name: title, exact: true })).toBeVisible()
  const widget = (title: string) =>
    page
      .locator('section')
      .filter({ has: page.getByRole('heading', { level: 2, name: title, exact: true }) })
      .last()
  await expect(widget('Outstanding')).toContainText('€127.29')
  await expect(widget('Outstanding')).toContainText('1 invoice')
  await expect(widget('Outstanding').getByText(/Outstanding: €127\.29 in all, in EUR/)).toBeAttached()
  await expect(widget('Overdue')).toContainText('€0.00')
  await expect(widget('Paid this month')).toContainText('€100.00')
  await a11y.scan(page, 'dashboard with invoice widgets')
})
