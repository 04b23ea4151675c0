import type { Page } from '@playwright/test'
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
  await acceptInvitationAsNewUser(benPage, ben)
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
  await page.screenshot({ path: 'docs/screenshot-messages.png' })
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.evaluate(() => document.documentElement.classList.add('dark'))
  await a11y.scan(page, 'messages (owner, dark)')
  await page.screenshot({ path: 'docs/screenshot-messages-dark.png' })

  // Ben starts a direct conversation with Ada, picked from the members found by the API.
  await benPage.getByRole('button', { name: 'New message' }).click()
  const direct = benPage.getByRole('dialog', { name: 'Message a member' })
  await direct.getByRole('combobox', { name: 'Member' }).fill('Ada')
  await direct.getByRole('option', { name: /Ada Owner/ }).click()
  await direct.getByRole('button', { name: 'Open conversation' }).click()
  await expect(benPage.getByRole('heading', { name: 'Ada Owner', level: 2 })).toBeVisible()
  await expect(benPage.getByRole('link', { name: 'Ada Owner' })).toHaveAttribute('aria-current', 'page')
  // Ada's tab is open and visible: Ben sees her online beside the direct message.
  const adaDot = benPage.getByRole('link', { name: 'Ada Owner' }).getByTestId('presence-dot')
  await expect(adaDot).toHaveAttribute('data-state', 'online')
  await expect(adaDot).toHaveText('online')
  await expect(benPage.getByRole('textbox', { name: 'Message Ada Owner' })).toBeVisible()
  await a11y.flush()
  await benContext.close()
})

const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

test('history by scrolling, search and jump, thread, edit, delete, attachment, mention, channel settings', async ({
  page,
  a11y,
}) => {
  test.setTimeout(240_000)
  const ada = person('Ada Archivist')
  await signUp(page, ada)
  await verifyEmail(page, ada)
  await signIn(page, ada)
  await createWorkspace(page, 'Log Co', `log-co-${uniqueSuffix()}`)
  const created = await page.request.post('/api/v1/conversations', {
    data: { kind: 'channel_public', name: 'history', topic: 'Older things' },
  })
  expect(created.status()).toBe(201)
  const channelId = (await created.json()).id as string
  const post = (body: string) =>
    page.request.post(`/api/v1/conversations/${channelId}/messages`, { data: { body } })
  expect((await post('Needle: the budget spreadsheet is final')).status()).toBe(201)
  for (let i = 1; i <= 52; i++) expect((await post(`Note number ${i}`)).status()).toBe(201)

  await page.goto(`/messages?c=${channelId}`)
  const log = page.getByRole('log', { name: 'Messages in #history' })
  await expect(log.getByTestId('message').filter({ hasText: 'Note number 52' })).toBeVisible()
  await expect(log.getByTestId('message').filter({ hasText: 'Needle' })).toHaveCount(0)
  // Scrolling up loads the older page above, keeping what was read in place.
  await log.evaluate((el) => {
    el.scrollTop = 0
  })
  await expect(log.getByText('This is the start of the conversation.')).toBeVisible()
  await expect(log.getByTestId('message').filter({ hasText: 'Needle' })).toHaveCount(1)

  // Search, then jump to the message found.
  await page.getByRole('searchbox', { name: 'Search messages' }).fill('spreadsheet')
  await page.getByTestId('search-hit').filter({ hasText: 'budget spreadsheet' }).click()
  const needle = log.getByTestId('message').filter({ hasText: 'Needle' })
  await expect(needle).toHaveAttribute('aria-current', 'true')
  await expect(needle).toBeInViewport()
  await a11y.scan(page, 'messages after a jump')
  await page.getByRole('button', { name: 'Jump to the latest messages' }).click()
  await expect(log.getByTestId('message').filter({ hasText: 'Note number 52' })).toBeInViewport()

  // Keyboard: arrows move between messages; Tab reaches the focused message's own controls.
  await log.focus()
  await page.keyboard.press('ArrowUp')
  await expect(log.getByTestId('message').filter({ hasText: 'Note number 52' })).toBeFocused()
  await page.keyboard.press('ArrowUp')
  const note51 = log.getByTestId('message').filter({ hasText: 'Note number 51' })
  await expect(note51).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(note51.getByRole('button', { name: 'Add reaction' })).toBeFocused()

  // A thread reply.
  const last = log.getByTestId('message').filter({ hasText: 'Note number 52' })
  await last.hover()
  await last.getByRole('button', { name: 'Reply in thread' }).click()
  const thread = page.getByRole('complementary', { name: 'Thread' })
  await thread.getByRole('textbox', { name: 'Reply in thread' }).fill('A reply in the thread')
  await thread.getByRole('textbox', { name: 'Reply in thread' }).press('Enter')
  await expect(thread.getByTestId('message').filter({ hasText: 'A reply in the thread' })).toBeVisible()
  await expect(last.getByRole('button', { name: '1 reply' })).toBeVisible()
  await thread.getByRole('button', { name: 'Close thread' }).click()

  // A mention picked from the list, an attachment, then edit and delete.
  const composer = page.getByRole('textbox', { name: 'Message #history' })
  await composer.fill('Hi ')
  await composer.pressSequentially('@Ada')
  await expect(page.getByRole('option', { name: /Ada Archivist/ })).toBeVisible()
  await composer.press('Enter')
  await expect(composer).toHaveValue('Hi @"Ada Archivist" ')
  await composer.pressSequentially('see the picture')
  await page
    .getByLabel('Attach files')
    .setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG_1PX })
  await expect(page.getByRole('button', { name: 'Remove dot.png' })).toBeVisible()
  await composer.press('Enter')
  const sentWithPicture = log.getByTestId('message').filter({ hasText: 'see the picture' })
  await expect(sentWithPicture.getByRole('img', { name: 'Attachment: dot.png' })).toBeVisible()
  const mine = log.locator(`[data-message-id="${await sentWithPicture.getAttribute('data-message-id')}"]`)

  await mine.hover()
  await mine.getByRole('button', { name: 'Edit' }).click()
  await mine.getByRole('textbox', { name: 'Edit message' }).fill('see the picture, edited')
  await mine.getByRole('textbox', { name: 'Edit message' }).press('Enter')
  await expect(mine.getByText('(edited)')).toBeVisible()
  await mine.hover()
  await mine.getByRole('button', { name: 'Delete' }).click()
  await page
    .getByRole('dialog', { name: 'Delete this message?' })
    .getByRole('button', { name: 'Delete' })
    .click()
  await expect(log.getByText('This message was deleted.')).toBeVisible()

  // Channel settings: rename, archive (read only), unarchive, leave.
  await page.getByRole('button', { name: 'Channel settings' }).click()
  const settings = page.getByRole('dialog', { name: 'Channel settings' })
  await settings.getByLabel('Name').fill('archive-room')
  await settings.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByRole('heading', { name: '#archive-room', level: 2 })).toBeVisible()
  await settings.getByRole('button', { name: 'Archive channel' }).click()
  await expect(page.getByText('This conversation is archived')).toBeVisible()
  await expect(page.getByRole('textbox', { name: 'Message #archive-room' })).toHaveCount(0)
  await settings.getByRole('button', { name: 'Unarchive channel' }).click()
  await expect(page.getByText('This conversation is archived')).toHaveCount(0)
  await settings.getByRole('button', { name: 'Leave' }).click()
  await page
    .getByRole('dialog', { name: 'Leave this conversation?' })
    .getByRole('button', { name: 'Leave' })
    .click()
  await expect(page.getByText('You left the conversation.')).toBeVisible()
  await expect(page.getByText('Pick a conversation on the left, or start one.')).toBeVisible()
})
