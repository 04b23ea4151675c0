import { queryOptions, useQuery } from '@tanstack/react-query'
import type { BillingStatus, PlanFeatures } from '../../../../contracts/billing.ts'
import type { Permission, Role } from '../../../../contracts/permissions.ts'
import { ApiError, api } from '../../lib/api.ts'

export type { Permission, Role }

export type Me = {
  user: { id: string; name: string; email: string; emailVerified: boolean; twoFactorEnabled: boolean }
  activeWorkspace: { id: string; name: string; slug: string; role: Role; requireTwoFactor: boolean } | null
  workspaces: { id: string; name: string; slug: string; role: Role }[]
  permissions: Permission[]
  /** An instance administrator: may open `/operator`. */
  operator?: boolean
  /** The active workspace's plan features (gate the UI) and billing state (the past-due banner). */
  features?: PlanFeatures | null
  billingStatus?: BillingStatus | null
}

export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: ({ signal }) => api.get<Me>('/api/v1/me', signal),
})

export const maybeMeQuery = queryOptions({
  queryKey: ['me', 'maybe'],
  queryFn: async ({ signal }): Promise<Me | null> => {
    try {
      return await api.get<Me>('/api/v1/me', signal)
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null
      throw error
    }
  },
})

export function useMe() {
  return useQuery(meQuery)
}

export function can(me: Me | undefined | null, permission: Permission): boolean {
  return me?.permissions.includes(permission) ?? false
}

/** Who may see a registered item: holders of a permission, operators only, workspaces whose plan has a feature. */
export type Visibility = { permission?: Permission; operator?: boolean; feature?: keyof PlanFeatures }

/** Whether the user may see a registered item (page, widget, command, tab); one without conditions is for everyone. */
export function canSee(me: Me | undefined | null, item: Visibility): boolean {
  return (
    (!item.permission || can(me, item.permission)) &&
    (!item.operator || me?.operator === true) &&
    (!item.feature || me?.features?.[item.feature] !== false)
  )
}

export type SignInResult = { twoFactorRedirect?: boolean; user?: unknown }

export const authApi = {
  signUp: (input: { name: string; email: string; password: string }) =>
    api.post('/api/auth/sign-up/email', { ...input, callbackURL: '/verify-email' }),
  signIn: (input: { email: string; password: string }) =>
    api.post<SignInResult>('/api/auth/sign-in/email', input),
  verifyTotp: (code: string) => api.post('/api/auth/two-factor/verify-totp', { code }),
  verifyBackupCode: (code: string) => api.post('/api/auth/two-factor/verify-backup-code', { code }),
  signOut: () => api.post('/api/auth/sign-out', {}),
  requestPasswordReset: (email: string) =>
    api.post('/api/auth/request-password-reset', { email, redirectTo: '/reset-password' }),
  resetPassword: (input: { newPassword: string; token: string }) =>
    api.post('/api/auth/reset-password', input),
}

const redirectKey = 'atrium.afterVerify'

export function rememberRedirect(path: string | undefined): void {
  try {
    if (path) localStorage.setItem(redirectKey, path)
    else localStorage.removeItem(redirectKey)
  } catch {}
}

export function peekRememberedRedirect(): string | undefined {
  try {
    return safeRedirect(localStorage.getItem(redirectKey))
  } catch {
    return undefined
  }
}

export function safeRedirect(path: unknown): string | undefined {
  if (typeof path !== 'string') return undefined
  if (!path.startsWith('/') || path.startsWith('//')) return undefined
  return path
}
