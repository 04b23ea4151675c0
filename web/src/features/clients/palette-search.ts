// The command palette's client search, loaded on first use (see register.ts).
import { api } from '../../lib/api.ts'
import type { SearchProvider } from '../../lib/registry/commands.ts'

type ClientHit = { id: string; name: string; email: string | null; status: string }

export const search: SearchProvider['search'] = async (query, { signal }) => {
  const params = new URLSearchParams({ q: query, limit: '8' })
  const page = await api.get<{ data: ClientHit[] }>(`/api/v1/clients?${params}`, signal)
  return page.data.map((client) => ({
    id: client.id,
    label: client.name,
    description: client.email ?? undefined,
    href: `/clients/${encodeURIComponent(client.id)}`,
  }))
}
