import Stripe from 'stripe'
import { StripeTestServer } from '../server/src/modules/payments/stripe-test-server.ts'
import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

const SK = `sk_test_${'E2eAtrium'.padEnd(30, 'x')}abcd`
const WHSEC = `whsec_${'E2eSigningSecret'.padEnd(32, 'y')}wxyz`

let stripe: StripeTestServer
test.beforeAll(async () => {
  stripe = new StripeTestServer()
  stripe.keys.add(SK)
  await stripe.start(Number(process.env.E2E_PORT ?? 3100) + 1000)
})
test.afterAll(() => stripe?.stop())

test('online payments: connect Stripe, pay from the view page up to Checkout, the webhook marks the invoice paid', async ({
  page,
  a11y,
  browser,
  baseURL,
}) => {
  const owner = person('Paula Pay')
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, 'Pay Co', `pay-${uniqueSuffix()}`)

  // Settings → Online payments: the keys go in, come back masked, and the connection is tested.
  await page.goto('/settings/payments')
  await expect(page.getByRole('heading', { name: 'Online payments', level: 1 })).toBeVisible()
  await page.getByLabel('Secret key').fill(SK)
  await page.getByLabel('Webhook signing secret').fill(WHSEC)
  await page.getByRole('button', { name: 'Connect Stripe' }).click()
  await expect(page.getByText('sk_test_…abcd')).toBeVisible()
  await expect(page.getByText('whsec_…wxyz')).toBeVisible()
  await expect(page.getByText(SK)).toHaveCount(0)
  await page.getByRole('button', { name: 'Test connection' }).click()
  await expect(page.getByText('Connected to Test Studio (test mode).', { exact: true })).toBeVisible()
  await a11y.scan(page, 'payment settings')
  const webhookUrl = (await (await page.request.get('/api/v1/payment-gateways/stripe')).json())
    .webhookUrl as string
  const workspaceId = webhookUrl.split('/').pop()!

  // A sent invoice and its view link.
  const client = await page.request.post('/api/v1/clients', {
    data: { name: 'Northwind Traders', currency: 'EUR' },
  })
  const clientId = (await client.json()).id as string
  const created = await page.request.post('/api/v1/invoices', {
    data: {
      clientId,
      currency: 'EUR',
      lines: [{ description: 'Design sprint', quantity: '2', unitPrice: 125000 }],
    },
  })
  const invoiceId = (await created.json()).id as string
  const sent = await page.request.post(`/api/v1/invoices/${invoiceId}/send`, { data: {} })
  expect(sent.status()).toBe(200)
  const link = await page.request.post(`/api/v1/invoices/${invoiceId}/view-link`, { data: {} })
  const path = new URL(((await link.json()) as { url: string }).url).pathname

  // The client, without a session, pays: up to Stripe Checkout's page.
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } })
  const clientPage = await context.newPage()
  a11y.track(clientPage)
  await context.route('https://checkout.stripe.com/**', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<html lang="en"><title>Checkout</title><h1>Stripe Checkout</h1></html>',
    }),
  )
  await clientPage.goto(path)
  await expect(clientPage.getByText('Amount due')).toBeVisible()
  await a11y.scan(clientPage, 'public invoice with Pay now')
  await clientPage.getByRole('button', { name: 'Pay now' }).click()
  await expect(clientPage).toHaveURL(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/)
  const session = stripe.requests.findLast((r) => r.path === '/v1/checkout/sessions')!
  expect(session.params).toMatchObject({
    mode: 'payment',
    line_items: { '0': { price_data: { currency: 'eur', unit_amount: '250000' } } },
    metadata: { atrium_invoice: invoiceId, atrium_workspace: workspaceId },
  })
  expect(session.idempotencyKey).toMatch(/^atrium-checkout-opay_/)

  // Stripe: the card is charged and the events are sent, signed with the workspace's secret.
  const signer = new Stripe('sk_test_signer')
  const sessionId = clientPage.url().split('/').pop()!
  for (const event of stripe.pay(sessionId).events) {
    const payload = JSON.stringify(event)
    const res = await page.request.post(`/webhooks/stripe/${workspaceId}`, {
      headers: {
        'content-type': 'application/json',
        'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret: WHSEC }),
      },
      data: payload,
    })
    expect(res.status(), await res.text()).toBe(200)
  }

  // Back on the view page: paid, nothing to pay.
  await clientPage.goto(`${path}?payment=success`)
  await expect(clientPage.getByText('Paid', { exact: true }).first()).toBeVisible()
  await expect(clientPage.getByRole('button', { name: 'Pay now' })).toHaveCount(0)

  // In the app: the invoice is paid and lists the online payment with fee, net and Stripe's link.
  await page.goto(`/invoices/${invoiceId}`)
  await expect(page.getByRole('heading', { name: 'Online payments', level: 2 })).toBeVisible()
  await expect(page.getByText(/Fee €72\.80 · net €2,427\.20/)).toBeVisible()
  await expect(page.getByRole('link', { name: 'Open in Stripe' })).toHaveAttribute(
    'href',
    /^https:\/\/dashboard\.stripe\.com\/test\/payments\/pi_/,
  )
  await a11y.scan(page, 'invoice with an online payment')
  await a11y.flush()
  await context.close()
})
