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

test('an owner creates a workspace, invites a member who joins, and the audit log records it', async ({
  page,
  browser,
  baseURL,
  a11y,
}) => {
  const owner = person('Olivia Owner')
  const member = person('Max Member')
  const workspaceName = 'Acme Studio'

  await signUp(page, owner)
  await verifyEmail(page, owner)

  await signIn(page, owner)
  const derivedSlug = await createWorkspace(page, workspaceName, `acme-studio-${uniqueSuffix()}`)
  expect(derivedSlug).toBe('acme-studio')
  await expect(page).toHaveTitle('Dashboard · Atrium')
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible()
  await expect(page.getByText(`Welcome, ${owner.name}`)).toBeVisible()
  await expect(page.getByText(`You are in ${workspaceName} as Owner.`)).toBeVisible()
  await page.waitForLoadState('networkidle')
  await page.screenshot({ path: 'docs/screenshot-app-shell.png' })

  await signOut(page)
  await signIn(page, owner)
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible()

  const nav = page.getByRole('navigation', { name: 'Main navigation' })
  await nav.getByRole('link', { name: 'Members' }).click()
  await expect(page.getByRole('heading', { name: 'Members', level: 1 })).toBeVisible()
  const inviteForm = page.getByRole('form', { name: 'Invite a member' })
  await inviteForm.getByLabel('Email address').fill(member.email)
  await inviteForm.getByLabel('Role').selectOption('member')
  await inviteForm.getByRole('button', { name: 'Send invitation' }).click()
  await expect(page.getByText(`Invitation sent to ${member.email}.`)).toBeVisible()
  const invitations = page.getByRole('table', { name: 'Invitations' })
  await expect(invitations.getByRole('row', { name: new RegExp(member.email) })).toContainText('Pending')

  const memberContext = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
  })
  const memberPage = await memberContext.newPage()
  a11y.track(memberPage)
  const inviteLink = await followMailLink(memberPage, member.email, /invited you to/)
  expect(inviteLink).toContain('/invite/')
  await expect(memberPage.getByTestId('invite-workspace')).toHaveText(workspaceName)
  await memberPage.getByRole('link', { name: 'Create an account' }).click()
  await expect(memberPage).toHaveURL(/\/sign-up/)
  await signUp(memberPage, member, { prefilled: true })
  await verifyEmail(memberPage, member)
  await memberPage.getByRole('link', { name: 'Continue' }).click()
  await expect(memberPage).toHaveURL(/\/invite\//)
  await memberPage.getByRole('button', { name: 'Accept invitation' }).click()
  await expect(memberPage.getByText(`You are in ${workspaceName} as Member.`)).toBeVisible()
  const memberNav = memberPage.getByRole('navigation', { name: 'Main navigation' })
  await expect(memberNav.getByRole('link', { name: 'Members' })).toBeVisible()
  await expect(memberNav.getByRole('link', { name: 'Audit log' })).toHaveCount(0)
  await a11y.flush()
  await memberContext.close()

  await page.reload()
  const members = page.getByRole('table', { name: 'Workspace members' })
  const memberRow = members.getByRole('row', { name: new RegExp(member.email) })
  await expect(memberRow).toBeVisible()
  const roleSelect = memberRow.getByLabel(`Role for ${member.name}`)
  await expect(roleSelect).toHaveValue('member')
  const roleChange = page.waitForResponse(
    (response) => response.request().method() === 'PATCH' && response.url().includes('/api/v1/members/'),
  )
  await roleSelect.selectOption('admin')
  expect((await roleChange).status()).toBe(200)
  await expect(roleSelect).toHaveValue('admin')

  await memberRow.getByRole('button', { name: `Remove ${member.name}` }).click()
  const removeDialog = page.getByRole('dialog', { name: 'Remove member?' })
  await expect(removeDialog).toBeVisible()
  await a11y.scan(page, 'members (remove dialog)')
  await removeDialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(removeDialog).toBeHidden()
  await expect(memberRow).toBeVisible()

  await nav.getByRole('link', { name: 'Audit log' }).click()
  const entries = page.getByRole('table', { name: 'Audit entries' })
  await expect(entries).toBeVisible()
  for (const action of ['auth.sign_in', 'invitation.created', 'member.joined', 'member.role_changed']) {
    await expect(entries.getByText(action, { exact: true }).first()).toBeVisible()
  }
  const roleChangeRow = entries.getByRole('row').filter({ hasText: 'member.role_changed' }).first()
  await roleChangeRow.getByRole('button', { name: 'Show changes' }).click()
  await expect(page.getByRole('cell', { name: 'admin' }).first()).toBeVisible()

  await page.getByRole('combobox', { name: 'Action' }).fill('member.role_changed')
  await page.getByRole('combobox', { name: 'Action' }).press('Enter')
  await page.getByRole('button', { name: 'Apply filters' }).click()
  await expect(page).toHaveURL(/action=member\.role_changed/)
  await expect(entries.getByText('invitation.created', { exact: true })).toHaveCount(0)
  await expect(page.getByRole('link', { name: 'Export CSV' })).toHaveAttribute(
    'href',
    /action=member\.role_changed/,
  )

  await page.getByRole('button', { name: /Switch workspace/ }).click()
  await page.getByRole('link', { name: 'Create a workspace' }).click()
  await createWorkspace(page, 'Second Studio', `second-studio-${uniqueSuffix()}`)
  await expect(page.getByText('You are in Second Studio as Owner.')).toBeVisible()
  await page.getByRole('button', { name: /Switch workspace/ }).click()
  await page.getByRole('button', { name: new RegExp(`^${workspaceName}`) }).click()
  await expect(page.getByText(`You are in ${workspaceName} as Owner.`)).toBeVisible()

  await nav.getByRole('link', { name: 'Appearance' }).click()
  await page.getByRole('radio', { name: /Dark/ }).check()
  await expect(page.locator('html')).toHaveClass(/dark/)
  await page.reload()
  await expect(page.locator('html')).toHaveClass(/dark/)
  await a11y.scan(page, 'appearance (dark)')
  await page.getByRole('radio', { name: /Light/ }).check()
  await expect(page.locator('html')).not.toHaveClass(/dark/)
})
