import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import {
  createWorkspace,
  followMailLink,
  person,
  signIn,
  signOut,
  signUp,
  uniqueSuffix,
  verifyEmail,
} from './helpers.ts'
import { secondsLeftInStep, totp } from './totp.ts'

async function freshCode(secret: string, used: Set<string>): Promise<string> {
  for (;;) {
    if (secondsLeftInStep() > 3) {
      const code = totp(secret)
      if (!used.has(code)) {
        used.add(code)
        return code
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000))
  }
}

async function onboard(page: Page) {
  const user = person('Sam Secure')
  await signUp(page, user)
  await verifyEmail(page, user)
  await signIn(page, user)
  await createWorkspace(page, 'Secure Co', `secure-co-${uniqueSuffix()}`)
  return user
}

test('two-factor authentication: enable, then sign in with a code and with a recovery code', async ({
  page,
  a11y,
}) => {
  test.setTimeout(180_000)
  const user = await onboard(page)
  const used = new Set<string>()

  const nav = page.getByRole('navigation', { name: 'Main navigation' })
  await nav.getByRole('link', { name: 'Workspace settings' }).click()
  const requireTwoFactor = page.getByRole('switch', {
    name: 'Require two-factor authentication for all members',
  })
  await expect(requireTwoFactor).toHaveAttribute('aria-checked', 'false')
  await requireTwoFactor.click()
  await expect(page.getByRole('alert')).toContainText('two-factor')
  await expect(requireTwoFactor).toHaveAttribute('aria-checked', 'false')
  await page.getByLabel('Workspace name').fill('Secure Company')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByText('Workspace saved.')).toBeVisible()
  await expect(page.getByRole('button', { name: /Switch workspace/ })).toContainText('Secure Company')

  await nav.getByRole('link', { name: 'Security' }).click()
  await expect(page.getByRole('heading', { name: 'Security', level: 1 })).toBeVisible()
  await expect(page.getByRole('table', { name: 'Sessions' }).getByText('This device')).toBeVisible()
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click()
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible()
  const secret = await page.getByTestId('totp-secret').getAttribute('data-secret')
  expect(secret).toBeTruthy()
  await a11y.scan(page, 'security (2FA setup)')
  await page.getByLabel('Code from your app').fill(await freshCode(secret!, used))
  await page.getByRole('button', { name: 'Confirm and turn on' }).click()
  await expect(page.getByTestId('recovery-codes').getByRole('listitem')).toHaveCount(10)
  const codes = (await page.getByTestId('recovery-codes').getByRole('listitem').allTextContents()).map((c) =>
    c.trim(),
  )
  expect(codes).toHaveLength(10)
  await a11y.scan(page, 'security (recovery codes)')
  await page.getByRole('button', { name: 'I have saved my codes' }).click()
  await expect(page.getByText('Two-factor authentication is turned on.')).toBeVisible()

  await nav.getByRole('link', { name: 'Workspace settings' }).click()
  await requireTwoFactor.click()
  await expect(requireTwoFactor).toHaveAttribute('aria-checked', 'true')
  await page.reload()
  await expect(requireTwoFactor).toHaveAttribute('aria-checked', 'true')

  await signOut(page)
  await signIn(page, user)
  await expect(page.getByLabel('Authentication code')).toBeVisible()
  await a11y.scan(page, 'sign-in (two-factor step)')
  await page.getByLabel('Authentication code').fill('000000')
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page.getByRole('alert')).toContainText('not valid')
  await page.getByLabel('Authentication code').fill(await freshCode(secret!, used))
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible()

  await signOut(page)
  await signIn(page, user)
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click()
  await page.getByLabel('Recovery code').fill(codes[0]!)
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible()

  await nav.getByRole('link', { name: 'Security' }).click()
  const sessions = page.getByRole('table', { name: 'Sessions' })
  await expect(sessions.getByText('This device')).toBeVisible()
  await page.getByRole('button', { name: 'Sign out all other sessions' }).click()
  await expect(page.getByText(/Signed out \d+ other sessions?\./)).toBeVisible()
  await expect(sessions.getByRole('row')).toHaveCount(2)
})

test('members are told to turn on two-factor authentication when the workspace requires it', async ({
  page,
  browser,
  baseURL,
  a11y,
}) => {
  test.setTimeout(180_000)
  const owner = await onboard(page)
  const member = person('Mia Member')
  const nav = page.getByRole('navigation', { name: 'Main navigation' })

  await nav.getByRole('link', { name: 'Security' }).click()
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click()
  await page.getByLabel('Password').fill(owner.password)
  await page.getByRole('button', { name: 'Continue' }).click()
  const secret = await page.getByTestId('totp-secret').getAttribute('data-secret')
  await page.getByLabel('Code from your app').fill(await freshCode(secret!, new Set()))
  await page.getByRole('button', { name: 'Confirm and turn on' }).click()
  await page.getByRole('button', { name: 'I have saved my codes' }).click()

  await nav.getByRole('link', { name: 'Workspace settings' }).click()
  const requireTwoFactor = page.getByRole('switch', {
    name: 'Require two-factor authentication for all members',
  })
  await requireTwoFactor.click()
  await expect(requireTwoFactor).toHaveAttribute('aria-checked', 'true')

  await nav.getByRole('link', { name: 'Members' }).click()
  const inviteForm = page.getByRole('form', { name: 'Invite a member' })
  await inviteForm.getByLabel('Email address').fill(member.email)
  await inviteForm.getByRole('button', { name: 'Send invitation' }).click()
  await expect(page.getByText(`Invitation sent to ${member.email}.`)).toBeVisible()

  const memberContext = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
  })
  const memberPage = await memberContext.newPage()
  a11y.track(memberPage)
  await followMailLink(memberPage, member.email, /invited you to/)
  await memberPage.getByRole('link', { name: 'Create an account' }).click()
  await signUp(memberPage, member, { prefilled: true })
  await verifyEmail(memberPage, member)
  await memberPage.getByRole('link', { name: 'Continue' }).click()
  await memberPage.getByRole('button', { name: 'Accept invitation' }).click()

  const banner = memberPage.getByText('Two-factor authentication required')
  await expect(banner).toBeVisible()
  await memberPage
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'Members' })
    .click()
  await expect(memberPage.getByRole('alert').filter({ hasText: 'requires two-factor' }).first()).toBeVisible()
  await a11y.scan(memberPage, 'members (two-factor required)')
  await memberPage.getByRole('link', { name: 'Set it up in Security settings' }).click()
  await expect(memberPage.getByRole('heading', { name: 'Security', level: 1 })).toBeVisible()
  await expect(memberPage.getByRole('button', { name: 'Turn on two-factor authentication' })).toBeVisible()
  await a11y.flush()
  await memberContext.close()
})

test.describe('on a phone', () => {
  test.use({ viewport: { width: 375, height: 812 } })

  test('the navigation collapses into a menu button', async ({ page, a11y }) => {
    await onboard(page)
    const menuButton = page.getByRole('button', { name: 'Menu', exact: true })
    await expect(menuButton).toBeVisible()
    await expect(menuButton).toHaveAttribute('aria-expanded', 'false')
    await expect(page.getByRole('navigation', { name: 'Main navigation' })).toBeHidden()
    await menuButton.click()
    const nav = page.getByRole('navigation', { name: 'Main navigation' })
    await expect(nav).toBeVisible()
    await expect(page.getByRole('button', { name: 'Close menu' })).toHaveAttribute('aria-expanded', 'true')
    await a11y.scan(page, 'phone (menu open)')
    await nav.getByRole('link', { name: 'Members' }).click()
    await expect(page.getByRole('heading', { name: 'Members', level: 1 })).toBeVisible()
    await expect(nav).toBeHidden()
    await page.reload()
    await expect(page.getByRole('heading', { name: 'Members', level: 1 })).toBeVisible()
    await page.screenshot({ path: test.info().outputPath('phone-shell.png') })
    await page.keyboard.press('Tab')
    await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused()
  })
})
