import { queryOptions } from '@tanstack/react-query'
import { api, apiRequest } from '../../lib/api.ts'

export type Session = {
  id: string
  current: boolean
  ipAddress: string | null
  userAgent: string | null
  device: string | null
  createdAt: string
  lastSeenAt: string | null
}

export const sessionsQuery = queryOptions({
  queryKey: ['sessions'],
  queryFn: ({ signal }) => api.get<{ data: Session[] }>('/api/v1/me/sessions', signal),
})

export const securityApi = {
  enableTwoFactor: (password: string) =>
    api.post<{ totpURI: string; backupCodes: string[] }>('/api/auth/two-factor/enable', { password }),
  // A wrong code answers 401: the user stays on the setup step with the error.
  confirmTwoFactor: (code: string) =>
    apiRequest('/api/auth/two-factor/verify-totp', {
      method: 'POST',
      body: { code },
      unauthorizedIsAnswer: true,
    }),
  disableTwoFactor: (password: string) => api.post('/api/auth/two-factor/disable', { password }),
  revokeSession: (id: string) => api.delete(`/api/v1/me/sessions/${encodeURIComponent(id)}`),
  revokeOtherSessions: () => api.post<{ revoked: number }>('/api/v1/me/sessions/revoke-others', {}),
}

export function secretFromTotpUri(uri: string): string {
  try {
    return new URL(uri).searchParams.get('secret') ?? ''
  } catch {
    return ''
  }
}

export function formatSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim()
}
