import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

test('public view page: the client opens an invoice by its link (number, total, PDF), accepts a quote and declines another', async ({
  page,
  a11y,
  browser,
  baseURL,
}) => {
  const owner = person('Vera View')
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, 'View Co', `view-${uniqueSuffix()}`)

  // The owner's client, a sent invoice and a sent quote, each with a view link (through the API).
  const client = await page.request.post('/api/v1/clients', {
    data: { name: 'Northwind Traders', email: `billing.${uniqueSuffix()}@example.test`, currency: 'EUR' },
  })
  expect(client.status()).toBe(201)
  const clientId = (await client.json()).id as string
  const sentWithLink = async (kind: 'invoices' | 'quotes') => {
    const created = await page.request.post(`/api/v1/${kind}`, {
      data: {
        clientId,
        currency: 'EUR',
        notes: 'Thank you for your business.',
        lines: [{ description: 'Design sprint', quantity: '2', unitPrice: 125000 }],
      },
    })
    expect(created.status(), await created.text()).toBe(201)
    const id = (await created.json()).id as string
    const sent = await page.request.post(`/api/v1/${kind}/${id}/send`, { data: {} })
    expect(sent.status(), await sent.text()).toBe(200)
    const link = await page.request.post(`/api/v1/${kind}/${id}/view-link`, { data: {} })
    expect(link.status()).toBe(200)
    const { url } = (await link.json()) as { url: string }
    return { id, number: (await sent.json()).number as string, path: new URL(url).pathname }
  }
  const invoice = await sentWithLink('invoices')
  const quote = await sentWithLink('quotes')
  const declined = await sentWithLink('quotes')

  // A second browser without a session opens the invoice's link.
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } })
  const clientPage = await context.newPage()
  a11y.track(clientPage)
  await clientPage.goto(invoice.path)
  await expect(clientPage.getByRole('heading', { name: `Invoice ${invoice.number}`, level: 1 })).toBeVisible()
  await expect(clientPage.getByText('Northwind Traders')).toBeVisible()
  await expect(clientPage.getByText('Design sprint')).toBeVisible()
  await expect(clientPage.getByText('€2,500.00').first()).toBeVisible()
  await expect(clientPage.getByText('Amount due')).toBeVisible()
  await expect(clientPage.getByText('Thank you for your business.')).toBeVisible()
  await a11y.scan(clientPage, 'public invoice')
  const pdfLink = clientPage.getByRole('link', { name: 'Download PDF' })
  const pdf = await clientPage.request.get((await pdfLink.getAttribute('href')) ?? '')
  expect(pdf.status()).toBe(200)
  expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-')
  // An invoice has nothing to accept.
  await expect(clientPage.getByRole('button', { name: 'Accept' })).toHaveCount(0)

  // Dark, and on a phone.
  await clientPage.emulateMedia({ colorScheme: 'dark' })
  await clientPage.setViewportSize({ width: 390, height: 844 })
  await a11y.scan(clientPage, 'public invoice (dark, phone)')
  await clientPage.emulateMedia({ colorScheme: 'light' })
  await clientPage.setViewportSize({ width: 1280, height: 800 })

  // The quote: accepted by typing a name.
  await clientPage.goto(quote.path)
  await expect(clientPage.getByRole('heading', { name: `Quote ${quote.number}`, level: 1 })).toBeVisible()
  await clientPage.getByRole('button', { name: 'Accept', exact: true }).click()
  const dialog = clientPage.getByRole('dialog')
  await expect(dialog.getByRole('heading', { name: 'Accept this quote' })).toBeVisible()
  await dialog.getByRole('button', { name: 'Accept quote' }).click()
  await expect(dialog.getByText(/required/i)).toBeVisible()
  await dialog.getByLabel('Your full name').fill('Nadia Northwind')
  await a11y.scan(clientPage, 'accept quote dialog')
  await dialog.getByRole('button', { name: 'Accept quote' }).click()
  await expect(dialog).toBeHidden()
  await expect(clientPage.getByText('Accepted', { exact: true })).toBeVisible()
  await expect(
    clientPage.getByRole('status').filter({ hasText: 'This quote has been accepted' }),
  ).toBeVisible()
  await expect(clientPage.getByRole('button', { name: 'Accept', exact: true })).toHaveCount(0)

  // Another quote: declined, with a reason.
  await clientPage.goto(declined.path)
  await clientPage.getByRole('button', { name: 'Decline', exact: true }).click()
  await dialog.getByLabel('Reason (optional)').fill('Over budget this quarter')
  await dialog.getByRole('button', { name: 'Decline quote' }).click()
  await expect(dialog).toBeHidden()
  await expect(clientPage.getByText('Declined', { exact: true })).toBeVisible()
  await expect(
    clientPage.getByRole('status').filter({ hasText: 'This quote has been declined' }),
  ).toBeVisible()

  // An unknown link says so.
  await clientPage.goto(`/view/${'A'.repeat(43)}`)
  await expect(clientPage.getByText(/This link is no longer valid/)).toBeVisible()
  await a11y.scan(clientPage, 'public view, invalid link')
  await a11y.flush()
  await context.close()

  // The owner sees the quote accepted, with the name typed.
  const owned = await page.request.get(`/api/v1/quotes/${quote.id}`)
  const ownedQuote = await owned.json()
  expect(ownedQuote.status).toBe('accepted')
  expect(ownedQuote.acceptedBy).toBe('Nadia Northwind')
  const ownedDeclined = await (await page.request.get(`/api/v1/quotes/${declined.id}`)).json()
  expect(ownedDeclined.status).toBe('declined')
  expect(ownedDeclined.declineReason).toBe('Over budget this quarter')
})
