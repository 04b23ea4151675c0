import { queryOptions } from '@tanstack/react-query'
import type { z } from 'zod'
import type { ProfileSchema, UpdateProfileSchema } from '../../../../contracts/account.ts'
import { api, apiRequest } from '../../lib/api.ts'

export type Profile = z.output<typeof ProfileSchema>
export type UpdateProfile = z.input<typeof UpdateProfileSchema>

export const profileQuery = queryOptions({
  queryKey: ['me', 'profile'],
  queryFn: ({ signal }) => api.get<Profile>('/api/v1/me/profile', signal),
})

export const profileApi = {
  update: (input: UpdateProfile) => api.patch<Profile>('/api/v1/me/profile', input),
  // A wrong current password answers 400; it is not a lost session either way.
  changePassword: (input: { currentPassword: string; newPassword: string; revokeOtherSessions: boolean }) =>
    apiRequest('/api/auth/change-password', { method: 'POST', body: input, unauthorizedIsAnswer: true }),
  changeEmail: (newEmail: string) =>
    api.post('/api/auth/change-email', { newEmail, callbackURL: '/settings/profile' }),
  deleteAccount: (password: string) => api.post('/api/v1/me/deletion', { password }),
}
