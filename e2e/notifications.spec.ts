import { expect, test } from './fixtures.ts'
import {
  acceptInvitationAsNewUser,
  createWorkspace,
  person,
  signIn,
  signUp,
  uniqueSuffix,
  verifyEmail,
} from './helpers.ts'

test('a client assigned by the owner notifies the member live: badge, list, mark read, settings', async ({
  page,
  browser,
  baseURL,
  a11y,
}) => {
  test.setTimeout(180_000)
  const owner = person('Nora Owner')
  const member = person('Ben Member')
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, 'Bell Co', `bell-co-${uniqueSuffix()}`)
  const invited = await page.request.post('/api/v1/invitations', {
    data: { email: member.email, role: 'member' },
  })
  expect(invited.status()).toBe(201)

  const memberContext = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
  })
  const memberPage = await memberContext.newPage()
  a11y.track(memberPage)
  await acceptInvitationAsNewUser(memberPage, member)
  await expect(memberPage.getByText('You are in Bell Co as Member.')).toBeVisible()
  const bell = memberPage.getByTestId('notification-bell')
  await expect(bell).toHaveAccessibleName('Notifications')
  await expect(memberPage.getByTestId('notification-badge')).toHaveCount(0)
  // The member's socket is open before the owner acts, so the badge moves without a reload.
  await memberPage.waitForLoadState('networkidle')

  const me = await memberPage.request.get('/api/v1/me')
  const memberId = (await me.json()).user.id as string
  const created = await page.request.post('/api/v1/clients', {
    data: { name: 'Bellwether Ltd', assigneeIds: [memberId] },
  })
  expect(created.status(), await created.text()).toBe(201)

  await expect(memberPage.getByTestId('notification-badge')).toHaveText('1', { timeout: 30_000 })
  await expect(bell).toHaveAccessibleName('Notifications, 1 unread')
  await bell.click()
  await expect(memberPage.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible()
  const item = memberPage.getByTestId('notification').filter({ hasText: 'Bellwether Ltd is assigned to you' })
  await expect(item).toHaveAttribute('data-unread', 'true')
  await expect(memberPage.getByRole('heading', { name: 'Today' })).toBeVisible()
  await a11y.scan(memberPage, 'notifications')
  await item.getByRole('button', { name: /Mark read/ }).click()
  await expect(item).not.toHaveAttribute('data-unread', 'true')
  await expect(memberPage.getByTestId('notification-badge')).toHaveCount(0)
  await expect(item.getByRole('link', { name: 'Bellwether Ltd is assigned to you' })).toHaveAttribute(
    'href',
    /^\/clients\/cli_/,
  )

  await memberPage.locator('#main').getByRole('link', { name: 'Notification settings' }).click()
  await expect(memberPage.getByRole('heading', { name: 'Notification settings', level: 1 })).toBeVisible()
  const emailBox = memberPage.getByRole('checkbox', { name: 'A client is assigned to you: Email' })
  await expect(emailBox).toBeChecked()
  const saved = memberPage.waitForResponse(
    (r) => r.url().endsWith('/api/v1/notifications/preferences') && r.request().method() === 'PUT',
  )
  await emailBox.uncheck()
  expect((await saved).status()).toBe(200)
  await expect(emailBox).not.toBeChecked()
  await a11y.scan(memberPage, 'notification settings')
  await a11y.flush()
  await memberContext.close()
})
