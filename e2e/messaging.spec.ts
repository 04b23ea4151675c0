import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import {
  createWorkspace,
  followMailLink,
  person,
  signIn,
  signUp,
  uniqueSuffix,
  verifyEmail,
} from './helpers.ts'

/** The tab goes to the background (or comes back): a hidden page reads nothing. */
async function setHidden(page: Page, hidden: boolean) {
  await page.evaluate((h) => {
    if (h) Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
    else Reflect.deleteProperty(document, 'visibilityState')
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)
}

test('two members chat in a channel: typing, a message with the unread badge, a reaction seen live', async ({
  page,
  browser,
  baseURL,
  a11y,
}) => {
  test.setTimeout(240_000)
  const ada = person('Ada Owner')
  const ben = person('Ben Member')
  await signUp(page, ada)
  await verifyEmail(page, ada)
  await signIn(page, ada)
  await createWorkspace(page, 'Chat Co', `chat-co-${uniqueSuffix()}`)
  const invited = await page.request.post('/api/v1/invitations', {
    data: { email: ben.email, role: 'member' },
  })
  expect(invited.status()).toBe(201)

  const benContext = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
  })
  const benPage = await benContext.newPage()
  a11y.track(benPage)
  await followMailLink(benPage, ben.email, /invited you to/)
  await benPage.getByRole('link', { name: 'Create an account' }).click()
  await signUp(benPage, ben, { prefilled: true })
  await verifyEmail(benPage, ben)
  await benPage.getByRole('link', { name: 'Continue' }).click()
  await benPage.getByRole('button', { name: 'Accept invitation' }).click()
  await expect(benPage.getByText('You are in Chat Co as Member.')).toBeVisible()

  // Ada creates a public channel and adds Ben from its settings.
  await page.getByRole('link', { name: 'Messages', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Messages', level: 1 })).toBeVisible()
  await page.getByRole('button', { name: 'New channel' }).click()
  const create = page.getByRole('dialog', { name: 'Create a channel' })
  await create.getByLabel('Name').fill('launch')
  await create.getByLabel('Topic').fill('Everything about the launch')
  await create.getByRole('button', { name: 'Create channel' }).click()
  await expect(page.getByRole('heading', { name: '#launch', level: 2 })).toBeVisible()
  await expect(page.getByText('Everything about the launch')).toBeVisible()
  await page.getByRole('button', { name: 'Channel settings' }).click()
  const settings = page.getByRole('dialog', { name: 'Channel settings' })
  await settings.getByRole('combobox', { name: 'Add a member' }).fill('Ben')
  await settings.getByRole('option', { name: /Ben Member/ }).click()
  await expect(page.getByText('Ben Member added.')).toBeVisible()
  await expect(settings.getByRole('listitem').filter({ hasText: 'Ben Member' })).toBeVisible()
  await a11y.scan(page, 'channel settings')
  await settings.getByRole('button', { name: 'Close' }).click()

  // Ben opens the channel: both pages have joined its room.
  await benPage.getByRole('link', { name: 'Messages', exact: true }).click()
  await benPage.getByRole('link', { name: '#launch' }).click()
  await expect(benPage.getByRole('heading', { name: '#launch', level: 2 })).toBeVisible()
  await benPage.waitForLoadState('networkidle')
  await page.waitForLoadState('networkidle')

  // Ada types: Ben sees it.
  const composer = page.getByRole('textbox', { name: 'Message #launch' })
  await composer.pressSequentially('Hello **team**, the launch is on Friday', { delay: 120 })
  await expect(benPage.getByTestId('typing')).toHaveText('Ada Owner is typing…', { timeout: 15_000 })

  // Ben's tab goes to the background; Ada sends.
  await setHidden(benPage, true)
  await composer.press('Enter')
  await expect(composer).toHaveValue('')
  const sent = page.getByTestId('message').filter({ hasText: 'Hello team' })
  await expect(sent.locator('strong')).toHaveText('team')

  const received = benPage.getByTestId('message').filter({ hasText: 'Hello team, the launch is on Friday' })
  await expect(received).toBeVisible({ timeout: 20_000 })
  await expect(received.locator('strong')).toHaveText('team')
  await expect(benPage.getByTestId('typing')).toHaveText('')
  const badge = benPage.getByTestId('messages-unread-badge')
  await expect(badge.locator('[aria-hidden="true"]')).toHaveText('1', { timeout: 20_000 })
  await expect(benPage.getByRole('link', { name: /^Messages\s?1 unread$/ })).toBeVisible()
  await expect(benPage.getByRole('link', { name: '#launch, 1 unread' })).toBeVisible()
  await expect(benPage.getByTestId('messages-live')).toHaveText(
    'New message from Ada Owner: Hello **team**, the launch is on Friday',
  )

  // Back in front: the conversation is read and the badge goes.
  await setHidden(benPage, false)
  await expect(benPage.getByTestId('messages-unread-badge')).toHaveCount(0, { timeout: 20_000 })

  // Ben reacts with the keyboard; Ada sees the reaction.
  await received.getByRole('button', { name: 'Add reaction' }).focus()
  await benPage.keyboard.press('Enter')
  await expect(benPage.getByRole('button', { name: 'React with 👍' })).toBeFocused()
  await benPage.keyboard.press('Enter')
  await expect(received.getByTestId('reaction')).toHaveAccessibleName('👍 1 reaction, from You')
  await expect(sent.getByTestId('reaction')).toHaveAccessibleName('👍 1 reaction, from Ben Member', {
    timeout: 20_000,
  })
  await expect(sent.getByTestId('reaction')).toHaveAttribute('aria-pressed', 'false')

  await a11y.scan(benPage, 'messages (member)')
  await a11y.scan(page, 'messages (owner)')
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.evaluate(() => document.documentElement.classList.add('dark'))
  await a11y.scan(page, 'messages (owner, dark)')
  await a11y.flush()
  await benContext.close()
})
