import { queryOptions } from '@tanstack/react-query'
import { api, queryString } from '../../lib/api.ts'
import type { Role } from '../auth/api.ts'

export type Member = {
  id: string
  userId: string
  name: string
  email: string
  role: Role
  createdAt: string
}
export type Invitation = {
  id: string
  email: string
  role: Role
  status: string
  expiresAt: string
  createdAt: string
  inviterName: string | null
}
export type InvitationToken = {
  workspaceName: string
  email: string
  role: Role
  inviterName: string | null
  status: string
  expiresAt: string
}
type Page<T> = { data: T[]; nextCursor: string | null }

async function listAll<T>(path: string, signal: AbortSignal): Promise<T[]> {
  const items: T[] = []
  let cursor: string | null = null
  do {
    const page: Page<T> = await api.get<Page<T>>(`${path}${queryString({ limit: 100, cursor })}`, signal)
    items.push(...page.data)
    cursor = page.nextCursor
  } while (cursor)
  return items
}

export const membersQuery = queryOptions({
  queryKey: ['members'],
  queryFn: ({ signal }) => listAll<Member>('/api/v1/members', signal),
})

/** Members whose name or email matches `q`, 20 at most (a workspace may have thousands). */
export const memberSearch = (q: string) => ({
  queryKey: ['members', 'search', q],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    api.get<{ data: Member[] }>(`/api/v1/members${queryString({ q: q || undefined, limit: 20 })}`, signal),
})

export const invitationsQuery = queryOptions({
  queryKey: ['invitations'],
  queryFn: ({ signal }) => listAll<Invitation>('/api/v1/invitations', signal),
})

export const invitationTokenQuery = (token: string) =>
  queryOptions({
    queryKey: ['invitation-token', token],
    queryFn: ({ signal }) =>
      api.get<InvitationToken>(`/api/v1/invitation-tokens/${encodeURIComponent(token)}`, signal),
  })

const id = (value: string) => encodeURIComponent(value)

export const membersApi = {
  changeRole: ({ memberId, role }: { memberId: string; role: Role }) =>
    api.patch<Member>(`/api/v1/members/${id(memberId)}`, { role }),
  remove: (memberId: string) => api.delete(`/api/v1/members/${id(memberId)}`),
  transferOwnership: (memberId: string) =>
    api.post<{ data: Member[] }>(`/api/v1/members/${id(memberId)}/transfer-ownership`, {}),
  invite: (input: { email: string; role: Role }) => api.post<Invitation>('/api/v1/invitations', input),
  resendInvitation: (invitationId: string) => api.post(`/api/v1/invitations/${id(invitationId)}/resend`, {}),
  revokeInvitation: (invitationId: string) => api.delete(`/api/v1/invitations/${id(invitationId)}`),
  acceptInvitation: (token: string) =>
    api.post<{ workspaceId: string }>(`/api/v1/invitation-tokens/${id(token)}/accept`, {}),
}

export const assignableRoles: Role[] = ['owner', 'admin', 'member']
export const invitableRoles: Role[] = ['admin', 'member']
