import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Page } from '@playwright/test'
import Stripe from 'stripe'
import { StripeTestServer } from '../server/src/modules/payments/stripe-test-server.ts'
import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

// The operator bills workspaces: this journey runs its own server, configured as an installation that
// sells plans through Stripe (the operator's account, played by the local stand-in), with plans from a
// plans file and one operator by email. The other journeys' server stays an installation without billing.
const port = Number(process.env.E2E_PORT ?? 3100) + 2
const stripePort = port + 1000
const baseURL = `http://localhost:${port}`
const SK = `sk_test_${'E2eBilling'.padEnd(30, 'x')}wxyz`
const WHSEC = `whsec_${'E2eBillingSecret'.padEnd(32, 'y')}abcd`
const operator = person('Oona Operator')

const plans = [
  {
    key: 'free',
    name: 'Free',
    description: 'For trying Atrium out.',
    isDefault: true,
    sortOrder: 0,
    limits: {
      seats: 3,
      clients: 25,
      invoicesPerMonth: 20,
      storageBytes: 1_000_000_000,
      apiCallsPerMonth: 1000,
    },
  },
  {
    key: 'pro',
    name: 'Pro',
    description: 'For a growing studio.',
    currency: 'USD',
    monthlyAmount: 2900,
    yearlyAmount: 29000,
    stripePriceMonthly: 'price_proMonthly',
    stripePriceYearly: 'price_proYearly',
    sortOrder: 1,
    limits: {
      seats: 10,
      clients: 50,
      invoicesPerMonth: 500,
      storageBytes: 10_000_000_000,
      apiCallsPerMonth: 100000,
    },
    features: { recurringInvoices: true },
  },
  {
    key: 'business',
    name: 'Business',
    description: 'For agencies with many clients.',
    currency: 'USD',
    monthlyAmount: 9900,
    yearlyAmount: 99000,
    stripePriceMonthly: 'price_businessMonthly',
    stripePriceYearly: 'price_businessYearly',
    sortOrder: 2,
    limits: {
      seats: 50,
      clients: null,
      invoicesPerMonth: null,
      storageBytes: 100_000_000_000,
      apiCallsPerMonth: null,
    },
    features: { recurringInvoices: true, customDomain: true, sso: true, whiteLabel: true },
  },
]

let stripe: StripeTestServer
let server: ChildProcess | null = null

test.use({ baseURL })

test.beforeAll(async () => {
  test.setTimeout(180_000)
  stripe = new StripeTestServer()
  stripe.keys.add(SK)
  stripe.billing.addPrice('price_proMonthly', 2900, 'usd', 'month', 'Pro')
  stripe.billing.addPrice('price_proYearly', 29000, 'usd', 'year', 'Pro')
  stripe.billing.addPrice('price_businessMonthly', 9900, 'usd', 'month', 'Business')
  stripe.billing.addPrice('price_businessYearly', 99000, 'usd', 'year', 'Business')
  await stripe.start(stripePort)

  const dir = resolve(`test-results/e2e-billing-${Date.now()}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(`${dir}/plans.json`, JSON.stringify(plans))
  server = spawn(process.execPath, ['server/src/main.js', 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      APP_URL: baseURL,
      DATA_DIR: `${dir}/data`,
      LOG_LEVEL: 'warn',
      ATRIUM_SEED: 'false',
      STRIPE_API_URL: `http://127.0.0.1:${stripePort}`,
      STRIPE_SECRET_KEY: SK,
      STRIPE_WEBHOOK_SECRET: WHSEC,
      PLANS_FILE: `${dir}/plans.json`,
      OPERATOR_EMAILS: operator.email,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  for (let i = 0; ; i++) {
    const ready = await fetch(`${baseURL}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ready) break
    if (i > 240 || server.exitCode !== null) throw new Error('the billing server did not start')
    await new Promise((r) => setTimeout(r, 500))
  }
})

test.afterAll(async () => {
  server?.kill('SIGTERM')
  await stripe?.stop()
})

const signer = new Stripe('sk_test_signer')

/** Stripe delivers events to the operator's webhook, signed with its secret. */
async function deliver(page: Page, events: Record<string, unknown>[]) {
  for (const event of events) {
    const payload = JSON.stringify(event)
    const res = await page.request.post('/webhooks/stripe', {
      headers: {
        'content-type': 'application/json',
        'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret: WHSEC }),
      },
      data: payload,
    })
    expect(res.status(), await res.text()).toBe(200)
  }
}

async function newOwner(page: Page, name: string, workspace: string) {
  const owner = person(name)
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, workspace, `${workspace.toLowerCase().replace(/\W+/g, '-')}-${uniqueSuffix()}`)
  return owner
}

const meter = (page: Page, name: string) => page.getByRole('progressbar', { name })

test('an owner subscribes, previews and confirms a plan change, and sees the usage bars', async ({
  page,
  a11y,
}) => {
  test.slow()
  await newOwner(page, 'Bea Billing', 'Bills Co')
  for (const name of ['Northwind', 'Contoso', 'Fabrikam'])
    expect((await page.request.post('/api/v1/clients', { data: { name } })).status()).toBe(201)

  // Free: the plan, its state and the usage bars against its limits.
  await page.getByRole('link', { name: 'Billing', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Billing', level: 1 })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Current plan' })).toBeVisible()
  await expect(meter(page, 'Clients')).toHaveAttribute('aria-valuetext', '3 of 25')
  await expect(meter(page, 'Clients')).toHaveAttribute('aria-valuenow', '12')
  await expect(meter(page, 'Seats')).toHaveAttribute('aria-valuetext', '1 of 3')
  // Recurring invoices are not in the free plan: their entry point is not offered.
  await expect(page.getByRole('link', { name: 'Recurring' })).toHaveCount(0)
  await a11y.scan(page, 'billing, free plan')

  // No subscription yet: choosing Pro goes to Stripe Checkout.
  await page.context().route('https://checkout.stripe.com/**', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<html lang="en"><title>Checkout</title><h1>Stripe Checkout</h1></html>',
    }),
  )
  await page.getByRole('button', { name: 'Choose Pro' }).click()
  await expect(page).toHaveURL(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/)
  const sessionId = page.url().split('/').pop()!
  const session = stripe.requests.findLast((r) => r.path === '/v1/checkout/sessions')!
  expect(session.params).toMatchObject({
    mode: 'subscription',
    line_items: { '0': { price: 'price_proMonthly' } },
  })

  // The customer pays; Stripe tells Atrium; back in Atrium the plan is active.
  const { subscriptionId, events } = stripe.billing.completeCheckout(sessionId, {
    brand: 'visa',
    last4: '4242',
  })
  await deliver(page, [...events, ...stripe.billing.takeEvents()])
  await page.goto('/settings/billing?checkout=success')
  await expect(page.getByText('Your subscription is being set up')).toBeVisible()
  await expect(page.getByText('Active', { exact: true })).toBeVisible()
  await expect(page.getByText('Visa ending in 4242')).toBeVisible()
  await expect(meter(page, 'Clients')).toHaveAttribute('aria-valuetext', '3 of 50')
  await expect(page.getByRole('link', { name: 'Recurring' })).toBeVisible()
  await expect(page.getByText('Current plan', { exact: true }).last()).toBeVisible()

  // The card is declined at renewal: past due, a banner on every page; the owner goes to Stripe's portal.
  await deliver(page, stripe.billing.failPayment(subscriptionId))
  // (The session answer may carry the workspace's cached state for a few seconds.)
  const banner = page.getByRole('status').filter({ hasText: 'Payment failed' })
  await expect(async () => {
    await page.goto('/clients')
    await expect(banner).toBeVisible({ timeout: 1_000 })
  }).toPass({ timeout: 20_000 })
  await a11y.scan(page, 'past-due banner')
  await page.context().route('https://billing.stripe.com/**', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<html lang="en"><title>Portal</title></html>',
    }),
  )
  await banner.getByRole('button', { name: 'Update payment method' }).click()
  await expect(page).toHaveURL(/^https:\/\/billing\.stripe\.com\/p\/session\//)
  await deliver(page, stripe.billing.recover(subscriptionId))
  await expect(async () => {
    await page.goto('/settings/billing')
    await expect(page.getByText('Active', { exact: true })).toBeVisible({ timeout: 1_000 })
    await expect(page.getByText('Payment failed')).toHaveCount(0, { timeout: 1_000 })
  }).toPass({ timeout: 20_000 })

  // Upgrade: the proration preview first, then the change.
  await page.getByRole('button', { name: 'Choose Business' }).click()
  const dialog = page.getByRole('dialog', { name: 'Change to Business?' })
  await expect(dialog.getByText('Due now')).toBeVisible()
  await expect(dialog.getByText(/\$\d+\.\d\d/).first()).toBeVisible()
  expect(stripe.requests.some((r) => r.path === '/v1/invoices/create_preview')).toBe(true)
  await a11y.scan(page, 'proration preview')
  await dialog.getByRole('button', { name: 'Confirm change' }).click()
  await expect(page.getByText('The workspace is now on Business.')).toBeVisible()
  await deliver(page, stripe.billing.takeEvents())
  await page.reload()
  await expect(page.getByText('$99.00 / month').first()).toBeVisible()
  await expect(meter(page, 'Clients')).toHaveAttribute('aria-valuetext', '3 (unlimited)')

  // Yearly prices, by keyboard.
  await page.getByRole('radio', { name: 'Monthly' }).focus()
  await page.keyboard.press('ArrowRight')
  await expect(page.getByRole('radio', { name: 'Yearly' })).toBeChecked()
  await expect(page.getByText('$290.00 / year')).toBeVisible()

  // Cancel at the period's end, then resume.
  await page.getByRole('button', { name: 'Cancel at period end' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel at period end' }).click()
  await expect(page.getByText(/Your subscription ends on/)).toBeVisible()
  await a11y.scan(page, 'billing, canceling')
  await page.getByRole('button', { name: 'Resume subscription' }).click()
  await expect(page.getByText('Your subscription continues.')).toBeVisible()
  await expect(page.getByText(/Your subscription ends on/)).toHaveCount(0)

  // Stripe's invoices for the workspace.
  await expect(page.getByRole('region', { name: 'Invoices' }).getByRole('row')).not.toHaveCount(1)
  await page.setViewportSize({ width: 1280, height: 1500 })
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: 'docs/screenshot-billing.png', fullPage: true })
  await a11y.flush()
})

test('the operator caps a workspace; its owner sees the limit and a 402 when going over it', async ({
  page,
  browser,
  a11y,
}) => {
  test.slow()
  const owner = await newOwner(page, 'Carl Capped', 'Capped Co')
  const slug = (await (await page.request.get('/api/v1/me')).json()).activeWorkspace.slug as string
  for (const name of ['Alpha', 'Beta'])
    expect((await page.request.post('/api/v1/clients', { data: { name } })).status()).toBe(201)
  // Not an operator: the area does not exist for them.
  await page.goto('/operator')
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
  expect(owner.email).not.toBe(operator.email)

  // The operator, in their own browser.
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 } })
  const op = await context.newPage()
  await signUp(op, operator)
  await verifyEmail(op, operator)
  await signIn(op, operator)
  await createWorkspace(op, 'Operations', `ops-${uniqueSuffix()}`)
  await op.getByRole('link', { name: 'Operator' }).click()
  await expect(op.getByRole('heading', { name: 'Operator', level: 1 })).toBeVisible()
  const plansTable = op.getByRole('region', { name: 'Plans' })
  await expect(plansTable.getByRole('row', { name: /Pro/ })).toContainText('Plans file')
  await a11y.scan(op, 'operator home')

  // An operator plan: created, then archived.
  await op.getByRole('button', { name: 'New plan' }).click()
  const planDialog = op.getByRole('dialog', { name: 'New plan' })
  await planDialog.getByLabel('Key').fill('starter')
  await planDialog.getByLabel('Name', { exact: true }).fill('Starter')
  await planDialog.getByLabel('Clients').fill('10')
  await planDialog.getByLabel('Recurring invoices').check()
  await a11y.scan(op, 'new plan dialog')
  await planDialog.getByRole('button', { name: 'Create plan' }).click()
  await expect(op.getByText('Plan Starter saved.')).toBeVisible()
  await plansTable.getByRole('button', { name: 'Archive Starter' }).click()
  await op.getByRole('dialog').getByRole('button', { name: 'Archive' }).click()
  await expect(op.getByText('Plan Starter archived.')).toBeVisible()

  // The owner's workspace: capped at two clients.
  await op.getByLabel('Search workspaces').fill(slug)
  const row = op.getByRole('row', { name: /Capped Co/ })
  await expect(row).toContainText('Clients: 2')
  await row.getByRole('button', { name: /Plan and limits/ }).click()
  const capDialog = op.getByRole('dialog', { name: 'Plan and limits for Capped Co' })
  await capDialog.getByLabel('Clients').fill('2')
  await a11y.scan(op, 'workspace limits dialog')
  await capDialog.getByRole('button', { name: 'Save' }).click()
  await expect(op.getByText('Capped Co updated.')).toBeVisible()
  await expect(row).toContainText('Clients: 2 / 2')
  await a11y.flush()
  await context.close()

  // The owner sees the limit reached.
  await page.goto('/settings/billing')
  await expect(meter(page, 'Clients')).toHaveAttribute('aria-valuetext', '2 of 2, Limit reached')
  await expect(page.getByText('2 of 2 · Limit reached')).toBeVisible()
  await a11y.scan(page, 'billing, limit reached')

  // A third client is refused: the limit in the viewer's words (from the 402's members) and the way to the plans.
  await page.goto('/clients/new')
  await page.getByLabel('New client name').fill('Gamma')
  await page.getByRole('button', { name: 'Create', exact: true }).click()
  const toast = page.getByRole('alert').filter({ has: page.getByRole('button', { name: 'See plans' }) })
  await expect(toast).toBeVisible()
  await expect(toast).toContainText('Clients: this workspace’s plan allows 2; it uses 2.')
  await a11y.scan(page, 'quota toast')
  await toast.getByRole('button', { name: 'See plans' }).click()
  await expect(page).toHaveURL(/\/settings\/billing$/)
  await expect(page.getByRole('heading', { name: 'Plans' })).toBeVisible()
  await a11y.flush()
})

test('without Stripe on the installation, the billing page shows the plan and the usage only', async ({
  page,
  a11y,
}) => {
  // The other journeys' server: no STRIPE_SECRET_KEY, no plans file (the default free plan, unlimited).
  const plain = `http://localhost:${Number(process.env.E2E_PORT ?? 3100)}`
  const owner = person('Nora Nostripe')
  await page.goto(`${plain}/sign-up`)
  await page.getByLabel('Full name').fill(owner.name)
  await page.getByLabel('Email address').fill(owner.email)
  await page.getByLabel('Password').fill(owner.password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByText('Check your inbox')).toBeVisible()
  await expect(async () => {
    await page.goto(`${plain}/dev/mail`)
    await expect(page.getByRole('article').filter({ hasText: owner.email }).first()).toBeVisible({
      timeout: 1_000,
    })
  }).toPass({ timeout: 30_000 })
  await page.getByRole('article').filter({ hasText: owner.email }).first().getByRole('link').first().click()
  await expect(page.getByText('Your email is verified')).toBeVisible()
  await page.goto(`${plain}/sign-in`)
  await page.getByLabel('Email address').fill(owner.email)
  await page.getByLabel('Password').fill(owner.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await createWorkspace(page, 'Plain Co', `plain-${uniqueSuffix()}`)
  await page.goto(`${plain}/settings/billing`)
  await expect(
    page.getByText('Paid plans are not sold on this installation.', { exact: false }),
  ).toBeVisible()
  await expect(meter(page, 'Clients')).toHaveAttribute('aria-valuetext', '0 (unlimited)')
  await expect(page.getByRole('heading', { name: 'Plans' })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Manage payment method' })).toHaveCount(0)
  // Every feature is on: recurring invoices are offered.
  await expect(page.getByRole('link', { name: 'Recurring invoices' })).toBeVisible()
  await a11y.scan(page, 'billing without Stripe')
})
