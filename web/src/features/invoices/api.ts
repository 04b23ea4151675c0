import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'
import type { z } from 'zod'
import { invoiceStatuses } from '../../../../contracts/invoice-values.ts'
import type { ViewLink } from '../../../../contracts/invoice-view.ts'
import type {
  CreateDocumentSchema,
  CreatePaymentSchema,
  DocumentSchema,
  DocumentSummarySchema,
  PaymentSchema,
  ProductSchema,
  TaxRateSchema,
  UpdateDocumentSchema,
} from '../../../../contracts/invoices.ts'
import { api, queryString } from '../../lib/api.ts'

export type InvoiceDocument = z.output<typeof DocumentSchema>
export type InvoiceSummary = z.output<typeof DocumentSummarySchema>
export type InvoiceLine = InvoiceDocument['lines'][number]
export type CreateDocument = z.input<typeof CreateDocumentSchema>
export type UpdateDocument = z.input<typeof UpdateDocumentSchema>
export type Product = z.output<typeof ProductSchema>
export type TaxRate = z.output<typeof TaxRateSchema>
export type Payment = z.output<typeof PaymentSchema>
export type CreatePayment = z.input<typeof CreatePaymentSchema>
export type InvoiceStatus = (typeof invoiceStatuses)[number]
type Page<T> = { data: T[]; nextCursor: string | null }

export { invoiceStatuses }

/** The list's URL state: search text, filters, sort. */
export type InvoiceSearch = { q?: string; status?: string; client?: string; sort?: string }

const sorts = new Set(['number', 'issued', 'due', 'total', 'created', 'updated'])

export function parseInvoiceSearch(search: Record<string, unknown>): InvoiceSearch {
  const text = (key: string) => {
    const value = search[key]
    return typeof value === 'string' && value.trim() ? value.slice(0, 2000) : undefined
  }
  const sort = text('sort')
  return {
    q: text('q'),
    status: text('status'),
    client: text('client'),
    sort: sort && sorts.has(sort.replace(/^-/, '')) ? sort : undefined,
  }
}

export const splitList = (value: string | undefined) => (value ? value.split(',').filter(Boolean) : [])

const id = (value: string) => encodeURIComponent(value)
const pageSize = 50

export const invoicesKey = ['invoices'] as const

export const invoiceListQuery = (search: InvoiceSearch) => {
  const params = { q: search.q, status: search.status, client: search.client }
  return infiniteQueryOptions({
    queryKey: ['invoices', 'list', params, search.sort ?? null],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<InvoiceSummary>>(
        `/api/v1/invoices${queryString({ ...params, sort: search.sort, limit: pageSize, cursor: pageParam })}`,
        signal,
      ),
    getNextPageParam: (page) => page.nextCursor,
  })
}

export const invoiceCountQuery = (search: InvoiceSearch) => {
  const params = { q: search.q, status: search.status, client: search.client }
  return queryOptions({
    queryKey: ['invoices', 'count', params],
    queryFn: ({ signal }) =>
      api.get<{ count: number }>(`/api/v1/invoices/count${queryString(params)}`, signal),
  })
}

export const invoiceQuery = (invoiceId: string) =>
  queryOptions({
    queryKey: ['invoices', 'one', invoiceId],
    queryFn: ({ signal }) => api.get<InvoiceDocument>(`/api/v1/invoices/${id(invoiceId)}`, signal),
  })

export const paymentsQuery = (invoiceId: string) =>
  queryOptions({
    queryKey: ['invoices', 'payments', invoiceId],
    queryFn: ({ signal }) =>
      api.get<Page<Payment>>(`/api/v1/payments${queryString({ invoiceId, limit: 200 })}`, signal),
  })

export const creditNotesQuery = (invoiceId: string, clientId: string) =>
  queryOptions({
    queryKey: ['invoices', 'credit-notes', invoiceId],
    queryFn: ({ signal }) =>
      api.get<Page<InvoiceSummary>>(
        `/api/v1/credit-notes${queryString({ client: clientId, limit: 200 })}`,
        signal,
      ),
    select: (page) => page.data.filter((note) => note.invoiceId === invoiceId),
  })

export const taxRatesQuery = queryOptions({
  queryKey: ['tax-rates', 'active'],
  queryFn: ({ signal }) => api.get<{ data: TaxRate[] }>('/api/v1/tax-rates', signal),
  staleTime: 60_000,
})

/** Server searches for the pickers: 20 at a time, never a whole list. */
export const productSearch = (term: string) => ({
  queryKey: ['products', 'search', term],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    api.get<Page<Product>>(`/api/v1/products${queryString({ q: term || undefined, limit: 20 })}`, signal),
})

export type ClientHit = { id: string; name: string; email: string | null; currency: string | null }
export const clientSearch = (term: string) => ({
  queryKey: ['clients', 'picker', term],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    api.get<Page<ClientHit>>(`/api/v1/clients${queryString({ q: term || undefined, limit: 20 })}`, signal),
})

export const invoicePdfUrl = (invoiceId: string) => `/api/v1/invoices/${id(invoiceId)}/pdf`
export const creditNotePdfUrl = (noteId: string) => `/api/v1/credit-notes/${id(noteId)}/pdf`

export const invoicesApi = {
  create: (input: CreateDocument) => api.post<InvoiceDocument>('/api/v1/invoices', input),
  update: ({ invoiceId, input }: { invoiceId: string; input: UpdateDocument }) =>
    api.patch<InvoiceDocument>(`/api/v1/invoices/${id(invoiceId)}`, input),
  remove: (invoiceId: string) => api.delete(`/api/v1/invoices/${id(invoiceId)}`),
  send: ({ invoiceId, to }: { invoiceId: string; to?: string }) =>
    api.post<InvoiceDocument>(`/api/v1/invoices/${id(invoiceId)}/send`, to ? { to } : { email: true }),
  sendWithoutEmail: (invoiceId: string) =>
    api.post<InvoiceDocument>(`/api/v1/invoices/${id(invoiceId)}/send`, {}),
  emailAgain: ({ invoiceId, to }: { invoiceId: string; to?: string }) =>
    api.post<{ to: string }>(`/api/v1/invoices/${id(invoiceId)}/email`, to ? { to } : {}),
  rotateLink: (invoiceId: string) => api.post<ViewLink>(`/api/v1/invoices/${id(invoiceId)}/view-link`, {}),
  revokeLink: (invoiceId: string) => api.delete(`/api/v1/invoices/${id(invoiceId)}/view-link`),
  void: ({ invoiceId, reason }: { invoiceId: string; reason: string }) =>
    api.post<InvoiceDocument>(`/api/v1/invoices/${id(invoiceId)}/void`, { reason }),
  recordPayment: (input: CreatePayment) => api.post<Payment>('/api/v1/payments', input),
  creditNote: async ({ invoiceId, lineIds }: { invoiceId: string; lineIds?: string[] }) => {
    const note = await api.post<InvoiceDocument>('/api/v1/credit-notes', { invoiceId, lineIds })
    return api.post<InvoiceDocument>(`/api/v1/credit-notes/${id(note.id)}/issue`, {})
  },
}

export { currencyDigits, formatMoney, fromMinorUnits, toMinorUnits } from '../../../../contracts/money.ts'
