import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signOut, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'
import { secondsLeftInStep, totp } from './totp.ts'

test('profile: time zone, change the password, then sign in with the new one', async ({ page, a11y }) => {
  const user = person('Paula Profile')
  await signUp(page, user)
  await verifyEmail(page, user)
  await signIn(page, user)
  await createWorkspace(page, 'Profile Co', `profile-${uniqueSuffix()}`)

  await page.goto('/settings/profile')
  await expect(page.getByRole('heading', { name: 'Profile', level: 1 })).toBeVisible()
  await expect(page.locator('#main').getByText('PP', { exact: true })).toBeVisible()

  const zone = page.getByRole('combobox', { name: 'Time zone' })
  await zone.fill('berlin')
  await expect(page.getByRole('option', { name: /Europe\/Berlin/ })).toBeVisible()
  await zone.press('Enter')
  await page.getByRole('button', { name: 'Save profile' }).click()
  await expect(page.getByText('Profile saved.')).toBeVisible()
  await page.reload()
  await expect(page.getByRole('combobox', { name: 'Time zone' })).toHaveValue('Europe/Berlin')
  await expect(page.getByText(/You own Profile Co/)).toBeVisible()
  await a11y.scan(page, 'profile')

  await page.getByLabel('Current password').fill('not my password at all')
  await page.getByLabel('New password').fill('an even better passphrase')
  await page.getByRole('button', { name: 'Change password' }).click()
  await expect(page.getByRole('alert')).toBeVisible()
  await expect(page).toHaveURL(/\/settings\/profile/)

  await page.getByLabel('Current password').fill(user.password)
  await page.getByRole('button', { name: 'Change password' }).click()
  await expect(page.getByText('Password changed.')).toBeVisible()

  await signOut(page)
  await signIn(page, user)
  await expect(page.getByRole('alert')).toBeVisible()
  await signIn(page, { ...user, password: 'an even better passphrase' })
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible()
})

test('two-factor setup: a mistyped code keeps the user on the step with the error', async ({
  page,
  a11y,
}) => {
  const user = person('Tina Typo')
  await signUp(page, user)
  await verifyEmail(page, user)
  await signIn(page, user)
  await createWorkspace(page, 'Typo Co', `typo-${uniqueSuffix()}`)
  await page.goto('/settings/security')
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click()
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Continue' }).click()
  const secret = await page.getByTestId('totp-secret').getAttribute('data-secret')
  let wrong = '000000'
  while (wrong === totp(secret!)) wrong = '111111'
  await page.getByLabel('Code from your app').fill(wrong)
  await page.getByRole('button', { name: 'Confirm and turn on' }).click()
  await expect(page.getByRole('alert')).toBeVisible()
  await expect(page).toHaveURL(/\/settings\/security/)
  await expect(page.getByLabel('Code from your app')).toBeVisible()
  await a11y.scan(page, 'security (wrong setup code)')
  while (secondsLeftInStep() <= 3) await page.waitForTimeout(1_000)
  await page.getByLabel('Code from your app').fill(totp(secret!))
  await page.getByRole('button', { name: 'Confirm and turn on' }).click()
  await expect(page.getByTestId('recovery-codes').getByRole('listitem')).toHaveCount(10)
})
