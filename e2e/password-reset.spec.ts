import { expect, test } from './fixtures.ts'
import { followMailLink, person, signIn, signUp, verifyEmail } from './helpers.ts'

test('a user resets a forgotten password', async ({ page }) => {
  const user = person('Rita Reset')
  await signUp(page, user)
  await verifyEmail(page, user)

  await page.goto('/sign-in')
  await page.getByRole('link', { name: 'Forgot your password?' }).click()
  await expect(page).toHaveURL(/\/forgot-password/)
  await page.getByLabel('Email address').fill(user.email)
  await page.getByRole('button', { name: 'Send reset link' }).click()
  await expect(page.getByText(`If an account exists for ${user.email}`)).toBeVisible()

  await followMailLink(page, user.email, /Reset your Atrium password/)
  await expect(page).toHaveURL(/\/reset-password\?token=/)
  const newPassword = 'a-brand-new-passphrase'
  await page.getByLabel('New password', { exact: true }).fill(newPassword)
  await page.getByLabel('Confirm new password').fill('something-else-entirely')
  await page.getByRole('button', { name: 'Set new password' }).click()
  await expect(page.getByText('The passwords do not match.')).toBeVisible()
  await page.getByLabel('Confirm new password').fill(newPassword)
  await page.getByRole('button', { name: 'Set new password' }).click()
  await expect(page.getByText('Your password has been changed')).toBeVisible()

  await signIn(page, user)
  await expect(page.getByRole('alert')).toContainText('incorrect')
  await signIn(page, { ...user, password: newPassword })
  await expect(page).toHaveURL(/\/workspaces\/new/)
})

test('bad links explain what happened', async ({ page }) => {
  await page.goto('/reset-password?error=INVALID_TOKEN')
  await expect(page.getByText('This reset link is not valid')).toBeVisible()
  await page.getByRole('link', { name: 'Request a new reset link' }).click()
  await expect(page).toHaveURL(/\/forgot-password/)

  await page.goto('/verify-email?error=invalid_token')
  await expect(page.getByText('We could not verify your email')).toBeVisible()

  await page.goto('/invite/not-a-real-token')
  await expect(page.getByText('Invitation not found')).toBeVisible()

  await page.goto('/settings/members')
  await expect(page).toHaveURL(/\/sign-in\?redirect=/)
})
