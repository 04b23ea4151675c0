import { type QueryClient, queryOptions } from '@tanstack/react-query'
import type { TFunction } from 'i18next'
import { api } from '../../lib/api.ts'
import { clearTwoFactorRequired } from '../../lib/two-factor-required.ts'
import type { Me } from '../auth/api.ts'

export type Workspace = {
  id: string
  name: string
  slug: string
  requireTwoFactor: boolean
  createdAt: string
}

export const workspaceQuery = queryOptions({
  queryKey: ['workspace'],
  queryFn: ({ signal }) => api.get<Workspace>('/api/v1/workspace', signal),
})

export const workspacesApi = {
  create: (input: { name: string; slug: string }) => api.post<Workspace>('/api/v1/workspaces', input),
  update: (input: Partial<Pick<Workspace, 'name' | 'slug' | 'requireTwoFactor'>>) =>
    api.patch<Workspace>('/api/v1/workspace', input),
  switchTo: (workspaceId: string) => api.put<Me>('/api/v1/me/active-workspace', { workspaceId }),
}

export function resetWorkspaceData(queryClient: QueryClient, me?: Me): void {
  clearTwoFactorRequired()
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' })
  if (me) queryClient.setQueryData(['me'], me)
  else queryClient.removeQueries({ queryKey: ['me'] })
  void queryClient.invalidateQueries()
}

export function slugify(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
}

export function validateWorkspace(name: string, slug: string, t: TFunction) {
  return {
    name: !name.trim() && t('validation.required'),
    slug: !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug) && t('validation.slug'),
  }
}
