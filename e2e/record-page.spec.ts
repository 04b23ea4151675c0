import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

async function editField(page: Page, label: string, value: string) {
  await page.getByRole('button', { name: new RegExp(`^Edit ${label}:`) }).click()
  const input = page.getByRole('textbox', { name: label, exact: true })
  await input.fill(value)
  await input.press('Enter')
}

test('record page: edit fields in place, add a note and a task, read the activity', async ({
  page,
  a11y,
}) => {
  const owner = person('Rita Record')
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, 'Record Co', `record-${uniqueSuffix()}`)

  const created = await page.request.post('/api/v1/clients', {
    data: { name: 'Northwind Traders', phone: '+44 20 7946 0958', notes: 'Met at the **fair**.' },
  })
  expect(created.status()).toBe(201)
  const clientId = (await created.json()).id as string
  await page.goto(`/clients/${clientId}`)
  await expect(page.getByRole('heading', { name: 'Northwind Traders', level: 1 })).toBeVisible()

  // The earlier free-text notes stay readable, pinned above the timeline.
  const pinned = page.getByRole('region', { name: 'Earlier notes' })
  await expect(pinned.locator('strong', { hasText: 'fair' })).toBeVisible()

  // Click to edit, Enter saves: a bare domain comes back with https://.
  await editField(page, 'Website', 'northwind.example')
  const website = page.getByRole('button', { name: /^Edit Website:/ })
  await expect(website).toContainText('https://northwind.example')
  await expect(website).toBeFocused()

  // Escape cancels and leaves the value as it was.
  await page.getByRole('button', { name: /^Edit Legal name:/ }).click()
  await page.getByRole('textbox', { name: 'Legal name', exact: true }).fill('Should not stay')
  await page.keyboard.press('Escape')
  await expect(page.getByRole('button', { name: /^Edit Legal name:/ })).not.toContainText('Should not stay')

  // Currency from a searchable list built from Intl data.
  await page.getByRole('button', { name: /^Edit Currency:/ }).click()
  const currency = page.getByRole('combobox', { name: 'Currency' })
  await currency.fill('euro')
  await expect(page.getByRole('option', { name: /^Euro/ })).toBeVisible()
  await a11y.scan(page, 'record page (currency list open)')
  await currency.press('Enter')
  await expect(page.getByRole('button', { name: /^Edit Currency:/ })).toContainText('Euro')

  // A note, in markdown.
  await page.getByRole('textbox', { name: 'Note' }).fill('Called **Bob** about the renewal.')
  await page.getByRole('button', { name: 'Add note' }).click()
  const timeline = page.getByRole('region', { name: 'Timeline', exact: true })
  await expect(timeline.getByText('Rita Record wrote a note')).toBeVisible()
  await expect(timeline.locator('strong', { hasText: 'Bob' })).toBeVisible()

  // A task with a due date and an assignee.
  await page.getByRole('button', { name: 'Task', exact: true }).click()
  await page.getByLabel('Task', { exact: true }).fill('Send the renewal offer')
  await page.getByLabel('Due date').fill('2030-01-15')
  await page.getByRole('button', { name: 'Add task' }).click()
  const tasks = page.getByRole('region', { name: 'Tasks' })
  await expect(tasks.getByText('Send the renewal offer')).toBeVisible()
  await expect(tasks.getByText(/Due .*2030/)).toBeVisible()

  // Readable activity: names and values, never raw ids.
  await expect(timeline.getByText('Rita Record set the website to https://northwind.example')).toBeVisible()
  await expect(timeline.getByText('Rita Record set the currency to Euro')).toBeVisible()
  await expect(timeline.getByText('Rita Record created this record')).toBeVisible()
  await expect(timeline.getByText(/[0-9a-f]{8}-[0-9a-f]{4}-/)).toHaveCount(0)
  await a11y.scan(page, 'record page')

  await page.setViewportSize({ width: 1440, height: 1100 })
  await page.reload()
  await expect(timeline.getByText('Rita Record wrote a note')).toBeVisible()
  await page.screenshot({ path: 'docs/screenshot-record-page.png', fullPage: false })
  await page.evaluate(() => localStorage.setItem('atrium.theme', 'dark'))
  await page.reload()
  await expect(page.locator('html')).toHaveClass(/dark/)
  await expect(timeline.getByText('Rita Record wrote a note')).toBeVisible()
  await a11y.scan(page, 'record page (dark)')
  await page.screenshot({ path: 'docs/screenshot-record-page-dark.png', fullPage: false })
  await page.evaluate(() => localStorage.setItem('atrium.theme', 'light'))
  await page.setViewportSize({ width: 1280, height: 800 })

  // Done: the task leaves the open list.
  await page.reload()
  await tasks.getByRole('checkbox', { name: 'Mark “Send the renewal offer” done' }).click()
  await expect(tasks.getByText('No open tasks.')).toBeVisible()

  // Contacts: the form dialog saves with Enter, then lists the contact; focus comes back to the button.
  await page.getByRole('tab', { name: 'Contacts' }).click()
  const addContact = page.getByRole('button', { name: 'Add contact' }).first()
  await addContact.click()
  const contactDialog = page.getByRole('dialog', { name: 'Add a contact' })
  await contactDialog.getByLabel('Name').fill('Nora North')
  await contactDialog.getByLabel('Email').fill('nora@northwind.example')
  await contactDialog.getByLabel('Email').press('Enter')
  await expect(contactDialog).toBeHidden()
  await expect(page.getByRole('row', { name: /Nora North/ })).toContainText('nora@northwind.example')
  await expect(addContact).toBeFocused()
  // At 1280 px the table fits its card: the row's last button is not clipped.
  const contactsTable = page.getByRole('region', { name: 'Contacts' })
  const sideways = await contactsTable.evaluate((el) => el.scrollWidth - el.clientWidth)
  expect(sideways).toBeLessThanOrEqual(0)
  await a11y.scan(page, 'record page, contacts')

  // Phones: the panes stack and nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 })
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Northwind Traders', level: 1 })).toBeVisible()
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  await editField(page, 'Phone', '+44 20 7946 0000')
  await expect(page.getByRole('button', { name: /^Edit Phone:/ })).toContainText('+44 20 7946 0000')
  await a11y.scan(page, 'record page (phone)')
})
