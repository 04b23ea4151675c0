// The command palette's invoice search, loaded on first use (see register.ts).
import { formatMoney } from '../../../../contracts/money.ts'
import { api } from '../../lib/api.ts'
import type { SearchProvider } from '../../lib/registry/commands.ts'

type InvoiceHit = {
  id: string
  number: string | null
  status: string
  client: { name: string }
  total: number
  currency: string
}

export const search: SearchProvider['search'] = async (query, { signal, t }) => {
  const params = new URLSearchParams({ q: query, limit: '8' })
  const page = await api.get<{ data: InvoiceHit[] }>(`/api/v1/invoices?${params}`, signal)
  return page.data.map((invoice) => ({
    id: invoice.id,
    label: `${invoice.number ?? t('invoices.draftNumber')} · ${invoice.client.name}`,
    description: formatMoney(invoice.total, invoice.currency),
    href: `/invoices/${encodeURIComponent(invoice.id)}`,
  }))
}
