import type { Page } from '@playwright/test'
import { expect } from './fixtures.ts'

export type Person = { name: string; email: string; password: string }

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
}

export function person(name: string): Person {
  const local = name.toLowerCase().replace(/[^a-z]+/g, '.')
  return { name, email: `${local}.${uniqueSuffix()}@example.test`, password: 'correct-horse-battery-staple' }
}

export async function followMailLink(page: Page, to: string, subject: RegExp): Promise<string> {
  const message = page
    .locator('article')
    .filter({ hasText: to })
    .filter({ has: page.getByRole('heading', { name: subject }) })
  await expect(async () => {
    await page.goto('/dev/mail')
    await expect(message.first()).toBeVisible({ timeout: 1_000 })
  }).toPass({ timeout: 30_000 })
  const link = message.first().getByRole('link').first()
  const href = await link.getAttribute('href')
  await link.click()
  return href ?? ''
}

export async function signUp(page: Page, user: Person, options: { prefilled?: boolean } = {}): Promise<void> {
  if (!options.prefilled) await page.goto('/sign-up')
  await page.getByLabel('Full name').fill(user.name)
  if (options.prefilled) await expect(page.getByLabel('Email address')).toHaveValue(user.email)
  else await page.getByLabel('Email address').fill(user.email)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByText('Check your inbox')).toBeVisible()
}

export async function verifyEmail(page: Page, user: Person): Promise<void> {
  await followMailLink(page, user.email, /Verify your email/)
  await expect(page).toHaveURL(/\/verify-email/)
  await expect(page.getByText('Your email is verified')).toBeVisible()
}

export async function signIn(page: Page, user: Person): Promise<void> {
  await page.goto('/sign-in')
  await page.getByLabel('Email address').fill(user.email)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

export async function createWorkspace(page: Page, name: string, slug: string): Promise<string> {
  await expect(page).toHaveURL(/\/workspaces\/new/)
  await page.getByLabel('Workspace name').fill(name)
  const derived = await page.getByLabel('URL slug').inputValue()
  await page.getByLabel('URL slug').fill(slug)
  await page.getByRole('button', { name: 'Create workspace' }).click()
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible()
  return derived
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Account menu' }).click()
  await page.getByRole('button', { name: 'Sign out', exact: true }).click()
  await expect(page).toHaveURL(/\/sign-in/)
}

/** In a page of the invited person's own browser: opens their invitation email, creates their account and accepts. */
export async function acceptInvitationAsNewUser(page: Page, member: Person): Promise<void> {
  await followMailLink(page, member.email, /invited you to/)
  await page.getByRole('link', { name: 'Create an account' }).click()
  await signUp(page, member, { prefilled: true })
  await verifyEmail(page, member)
  await page.getByRole('link', { name: 'Continue' }).click()
  await page.getByRole('button', { name: 'Accept invitation' }).click()
}
