import { readFile, writeFile } from 'node:fs/promises'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

const header = 'Name,Email,Industry,Status,City,Country'
const goodRows = [
  'Northwind Traders,billing@northwind.example,retail,active,Seattle,US',
  'Contoso Ltd,hello@contoso.example,software,lead,Redmond,US',
]
const lastRow = 'Tailspin Toys,toys@tailspin.example,retail,lead,London,GB'
// Row 4 of the file (the header is row 1) has an email the server must refuse.
const badCsv = [
  header,
  ...goodRows,
  'Fabrikam Inc,not-an-email,manufacturing,active,Berlin,DE',
  lastRow,
].join('\n')
const fixedCsv = [
  header,
  ...goodRows,
  'Fabrikam Inc,info@fabrikam.example,manufacturing,active,Berlin,DE',
  lastRow,
].join('\n')

async function uploadAndMap(page: Page, file: string) {
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(file)
  await page.getByRole('button', { name: 'Upload and map columns' }).click()
  const mapping = page.getByRole('form', { name: 'Map columns' })
  await expect(mapping).toBeVisible()
  // The server suggests a mapping; set every column explicitly so the test does not depend on its guesses.
  await mapping.getByLabel('Import column Name as').selectOption('name')
  await mapping.getByLabel('Import column Email as').selectOption('email')
  await mapping.getByLabel('Import column Industry as').selectOption('cf.industry')
  await mapping.getByLabel('Import column Status as').selectOption('status')
  await mapping.getByLabel('Import column City as').selectOption('billingAddress.city')
  await mapping.getByLabel('Import column Country as').selectOption('billingAddress.country')
  await expect(mapping.getByRole('radio', { name: /Skip it/ })).toBeChecked()
  return mapping
}

function counts(page: Page, heading: string) {
  const region = page.getByRole('region', { name: heading })
  return (label: string) =>
    region
      .locator('div')
      .filter({ has: page.getByText(label, { exact: true }) })
      .locator('dd')
}

test('clients: custom field, CSV import with a bad row, search, filter, bulk tag and export', async ({
  page,
  a11y,
}, testInfo) => {
  test.setTimeout(240_000)
  const owner = person('Clara Clients')
  await signUp(page, owner)
  await verifyEmail(page, owner)
  await signIn(page, owner)
  await createWorkspace(page, 'Client Studio', `client-studio-${uniqueSuffix()}`)
  const nav = page.getByRole('navigation', { name: 'Main navigation' })

  // A select custom field, "industry".
  await nav.getByRole('link', { name: 'Custom fields' }).click()
  await expect(page.getByRole('heading', { name: 'Custom fields', level: 1 })).toBeVisible()
  const createField = page.getByRole('form', { name: 'Add a custom field' })
  await createField.getByLabel(/^Label/).fill('Industry')
  await expect(createField.getByLabel(/^Key/)).toHaveValue('industry')
  await createField.getByLabel('Type').selectOption('select')
  await createField.getByLabel(/^Options/).fill('retail\nsoftware\nmanufacturing')
  await createField.getByRole('button', { name: 'Add field' }).click()
  await expect(page.getByText('Field “Industry” added.')).toBeVisible()
  const fieldsTable = page.getByRole('table', { name: 'Fields' })
  await expect(fieldsTable.getByRole('row', { name: /Industry/ })).toContainText(
    'retail, software, manufacturing',
  )

  // An empty client list offers an import.
  await nav.getByRole('link', { name: 'Clients' }).click()
  await expect(page.getByRole('heading', { name: 'Clients', level: 1 })).toBeVisible()
  await expect(page.getByText('No clients yet')).toBeVisible()
  await page.getByRole('link', { name: 'Import CSV' }).first().click()
  await expect(page.getByRole('heading', { name: 'Import clients', level: 1 })).toBeVisible()

  // Import a file with one bad row: the check names it by its line number.
  const badFile = testInfo.outputPath('clients.csv')
  await writeFile(badFile, badCsv)
  await uploadAndMap(page, badFile)
  await page.getByRole('button', { name: 'Check' }).click()
  const checkCounts = counts(page, 'Check results')
  await expect(checkCounts('Created')).toHaveText('3')
  await expect(checkCounts('Failed')).toHaveText('1')
  const rowErrors = page.getByRole('table', { name: 'Rows with problems' })
  const badRow = rowErrors.getByRole('row').filter({ hasText: 'email' })
  await expect(badRow).toHaveCount(1)
  await expect(badRow.getByRole('cell').first()).toHaveText('4')
  await expect(page.getByRole('link', { name: 'Download the error report (CSV)' })).toBeVisible()
  await a11y.scan(page, 'import (check results)')
  await page.getByRole('button', { name: 'Import 3 clients' }).click()
  await expect(page.getByRole('heading', { name: 'Import finished' })).toBeVisible({ timeout: 60_000 })
  await expect(page.getByText('Created 3, updated 0, skipped 0, failed 1.')).toBeVisible()
  await expect(page.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100')

  // Re-import the fixed file, skipping duplicates: only the fixed row is added.
  await page.getByRole('button', { name: 'Import another file' }).click()
  const fixedFile = testInfo.outputPath('clients-fixed.csv')
  await writeFile(fixedFile, fixedCsv)
  await uploadAndMap(page, fixedFile)
  await page.getByRole('button', { name: 'Check' }).click()
  await expect(checkCounts('Created')).toHaveText('1')
  await expect(checkCounts('Skipped')).toHaveText('3')
  await expect(checkCounts('Failed')).toHaveText('0')
  await page.getByRole('button', { name: 'Import 1 client' }).click()
  await expect(page.getByText('Created 1, updated 0, skipped 3, failed 0.')).toBeVisible({ timeout: 60_000 })
  await page.getByRole('link', { name: 'View clients' }).click()

  const list = page.getByRole('grid', { name: 'Client list' })
  await expect(page.getByText('4 clients', { exact: true })).toBeVisible()
  for (const name of ['Northwind Traders', 'Contoso Ltd', 'Fabrikam Inc', 'Tailspin Toys']) {
    await expect(list.getByRole('link', { name })).toHaveCount(1)
  }

  // Search as you type tolerates a typo.
  await page.getByLabel('Search clients').fill('nortwind')
  await expect(page).toHaveURL(/q=nortwind/)
  await expect(list.getByRole('link', { name: 'Northwind Traders' })).toBeVisible()
  await expect(list.getByRole('link', { name: 'Contoso Ltd' })).toHaveCount(0)
  await page.getByLabel('Search clients').fill('')
  await expect(page).not.toHaveURL(/q=/)
  await expect(list.getByRole('link', { name: 'Contoso Ltd' })).toBeVisible()

  // Filter by the custom field; the view lives in the URL and can be saved.
  await page.getByRole('button', { name: '+ Filter' }).click()
  await page.getByRole('button', { name: 'Industry', exact: true }).click()
  await page.getByRole('checkbox', { name: 'retail' }).check()
  await page.getByRole('button', { name: 'Apply' }).click()
  await expect(page).toHaveURL(/cf\.industry=retail/)
  await expect(page.getByText('2 clients', { exact: true })).toBeVisible()
  await expect(list.getByRole('link', { name: 'Northwind Traders' })).toBeVisible()
  await expect(list.getByRole('link', { name: 'Tailspin Toys' })).toBeVisible()
  await expect(list.getByRole('link', { name: 'Contoso Ltd' })).toHaveCount(0)
  await page.getByRole('button', { name: 'Save view' }).click()
  const saveDialog = page.getByRole('dialog', { name: 'Save this view' })
  await saveDialog.getByLabel('View name').fill('Retail')
  await a11y.scan(page, 'clients (save view dialog)')
  await saveDialog.getByRole('button', { name: 'Save view' }).click()
  await expect(page.getByText('View “Retail” saved.')).toBeVisible()
  const views = page.getByRole('navigation', { name: 'Saved views' })
  await expect(views.getByRole('link', { name: 'Retail' })).toHaveAttribute('aria-current', 'page')

  // Select the filtered rows and tag them in bulk.
  await list.getByLabel('Select all rows shown').check()
  const bulk = page.getByRole('region', { name: 'Bulk actions' })
  await expect(bulk).toContainText('2 clients selected')
  await bulk.getByRole('button', { name: 'Add tags' }).click()
  const tagDialog = page.getByRole('dialog', { name: 'Add tags to 2 clients' })
  await tagDialog.getByLabel('Tags').fill('vip')
  await a11y.scan(page, 'clients (bulk tag dialog)')
  await tagDialog.getByRole('button', { name: 'Add tags' }).click()
  await expect(page.getByText('Tagged 2 clients.')).toBeVisible()
  await expect(list.getByRole('row', { name: /Northwind Traders/ })).toContainText('vip')
  await expect(list.getByRole('row', { name: /Tailspin Toys/ })).toContainText('vip')

  // Export the current view and read the file.
  const downloadPromise = page.waitForEvent('download')
  await page.getByRole('link', { name: 'Export CSV' }).click()
  const download = await downloadPromise
  expect(download.suggestedFilename()).toMatch(/\.csv$/)
  const csv = (await readFile((await download.path()) ?? '', 'utf8')).replace(/^\uFEFF/, '')
  const lines = csv.trim().split(/\r?\n/)
  expect(lines).toHaveLength(3)
  const columns = lines[0]?.split(',') ?? []
  expect(columns).toEqual(expect.arrayContaining(['name', 'email', 'tags', 'industry']))
  expect(csv).toContain('Northwind Traders')
  expect(csv).toContain('Tailspin Toys')
  expect(csv).not.toContain('Contoso')
  for (const line of lines.slice(1)) {
    expect(line).toContain('vip')
    expect(line).toContain('retail')
  }

  // The client page: fields beside the timeline; notes render Markdown without raw HTML.
  await list.getByRole('link', { name: 'Northwind Traders' }).click()
  await expect(page.getByRole('heading', { name: 'Northwind Traders', level: 1 })).toBeVisible()
  await expect(page.getByRole('main')).toContainText('billing@northwind.example')
  await expect(page.getByRole('main')).toContainText('Seattle')
  await page.getByRole('textbox', { name: 'Note' }).fill('**Key account** <img src=x onerror=alert(1)>')
  await page.getByRole('button', { name: 'Add note' }).click()
  const timeline = page.getByRole('region', { name: 'Timeline', exact: true })
  await expect(timeline.locator('strong', { hasText: 'Key account' })).toBeVisible()
  await expect(timeline.locator('img')).toHaveCount(0)
})
