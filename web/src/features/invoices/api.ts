import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'
import type { z } from 'zod'
import type { SavedViewSchema } from '../../../../contracts/clients.ts'
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
import { gridRoute } from '../../components/grid/grid-route.ts'
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
export type SavedView = z.output<typeof SavedViewSchema>
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

/** The three document kinds share the editor, list and pages; each has its own API path and query keys. */
export type DocKind = 'invoice' | 'quote' | 'credit_note'
const docPaths: Record<DocKind, string> = {
  invoice: 'invoices',
  quote: 'quotes',
  credit_note: 'credit-notes',
}
/** The API path segment and the first query key of a kind (`invoices`, `quotes`, `credit-notes`). */
export const docPath = (kind: DocKind) => docPaths[kind]

const listParams = (search: InvoiceSearch) => ({ q: search.q, status: search.status, client: search.client })

/** The list's filter as query parameters (no sort, no paging): what a bulk action or a count acts on. */
export function filterOf(search: InvoiceSearch): Record<string, string> {
  const filter: Record<string, string> = {}
  for (const [key, value] of Object.entries(listParams(search))) if (value) filter[key] = value
  return filter
}

export const documentListQuery = (kind: DocKind, search: InvoiceSearch) => {
  const params = listParams(search)
  const path = docPath(kind)
  return infiniteQueryOptions({
    queryKey: [path, 'list', params, search.sort ?? null],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<InvoiceSummary>>(
        `/api/v1/${path}${queryString({ ...params, sort: search.sort, limit: pageSize, cursor: pageParam })}`,
        signal,
      ),
    getNextPageParam: (page) => page.nextCursor,
  })
}

export const documentCountQuery = (kind: DocKind, search: InvoiceSearch) => {
  const params = listParams(search)
  const path = docPath(kind)
  return queryOptions({
    queryKey: [path, 'count', params],
    queryFn: ({ signal }) =>
      api.get<{ count: number }>(`/api/v1/${path}/count${queryString(params)}`, signal),
  })
}

export const documentQuery = (kind: DocKind, documentId: string) =>
  queryOptions({
    queryKey: [docPath(kind), 'one', documentId],
    queryFn: ({ signal }) => api.get<InvoiceDocument>(`/api/v1/${docPath(kind)}/${id(documentId)}`, signal),
  })

/** A user's saved views of the invoice or quote list (the kernel's saved views). */
export const documentViewsQuery = (kind: 'invoice' | 'quote') =>
  queryOptions({
    queryKey: [docPath(kind), 'views'],
    queryFn: ({ signal }) => api.get<{ data: SavedView[] }>(`/api/v1/${docPath(kind)}/views`, signal),
    select: (result) => result.data,
  })

export const documentViewsApi = (kind: 'invoice' | 'quote') => ({
  create: (input: { name: string; query: Record<string, string>; display: SavedView['display'] }) =>
    api.post<SavedView>(`/api/v1/${docPath(kind)}/views`, input),
  remove: (viewId: string) => api.delete(`/api/v1/${docPath(kind)}/views/${id(viewId)}`),
})

/** A list route's search parsing and first queries (the list's first page and its count). */
export const documentListLoader = (kind: DocKind) =>
  gridRoute(parseInvoiceSearch, (queryClient, search) => {
    void queryClient.prefetchInfiniteQuery(documentListQuery(kind, search))
    void queryClient.prefetchQuery(documentCountQuery(kind, search))
  })

export const invoiceListQuery = (search: InvoiceSearch) => documentListQuery('invoice', search)
export const invoiceCountQuery = (search: InvoiceSearch) => documentCountQuery('invoice', search)
export const invoiceQuery = (invoiceId: string) => documentQuery('invoice', invoiceId)

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

export const documentPdfUrl = (kind: DocKind, documentId: string) =>
  `/api/v1/${docPath(kind)}/${id(documentId)}/pdf`
export const invoicePdfUrl = (invoiceId: string) => documentPdfUrl('invoice', invoiceId)
export const creditNotePdfUrl = (noteId: string) => documentPdfUrl('credit_note', noteId)

/** What every kind does the same way, on its own path. */
export const documentApi = (kind: DocKind) => {
  const base = `/api/v1/${docPath(kind)}`
  return {
    create: (input: CreateDocument) => api.post<InvoiceDocument>(base, input),
    update: ({ documentId, input }: { documentId: string; input: UpdateDocument }) =>
      api.patch<InvoiceDocument>(`${base}/${id(documentId)}`, input),
    remove: (documentId: string) => api.delete(`${base}/${id(documentId)}`),
    send: ({ documentId, to }: { documentId: string; to?: string }) =>
      api.post<InvoiceDocument>(`${base}/${id(documentId)}/send`, to ? { to } : { email: true }),
    emailAgain: ({ documentId, to }: { documentId: string; to?: string }) =>
      api.post<{ to: string }>(`${base}/${id(documentId)}/email`, to ? { to } : {}),
    rotateLink: (documentId: string) => api.post<ViewLink>(`${base}/${id(documentId)}/view-link`, {}),
    revokeLink: (documentId: string) => api.delete(`${base}/${id(documentId)}/view-link`),
  }
}

export const quotesApi = {
  accept: ({ quoteId, name }: { quoteId: string; name: string }) =>
    api.post<InvoiceDocument>(`/api/v1/quotes/${id(quoteId)}/accept`, { name }),
  decline: ({ quoteId, reason }: { quoteId: string; reason?: string }) =>
    api.post<InvoiceDocument>(`/api/v1/quotes/${id(quoteId)}/decline`, reason ? { reason } : {}),
  convert: (quoteId: string) => api.post<InvoiceDocument>(`/api/v1/quotes/${id(quoteId)}/convert`, {}),
}

export const creditNotesApi = {
  issue: (noteId: string) => api.post<InvoiceDocument>(`/api/v1/credit-notes/${id(noteId)}/issue`, {}),
  remove: (noteId: string) => api.delete(`/api/v1/credit-notes/${id(noteId)}`),
}

export const invoicesApi = {
  create: (input: CreateDocument) => api.post<InvoiceDocument>('/api/v1/invoices', input),
  update: ({ invoiceId, input }: { invoiceId: string; input: UpdateDocument }) =>
    api.patch<InvoiceDocument>(`/api/v1/invoices/${id(invoiceId)}`, input),
  remove: (invoiceId: string) => api.delete(`/api/v1/invoices/${id(invoiceId)}`),
  void: ({ invoiceId, reason }: { invoiceId: string; reason: string }) =>
    api.post<InvoiceDocument>(`/api/v1/invoices/${id(invoiceId)}/void`, { reason }),
  recordPayment: (input: CreatePayment) => api.post<Payment>('/api/v1/payments', input),
  creditNote: async ({ invoiceId, lineIds }: { invoiceId: string; lineIds?: string[] }) => {
    const note = await api.post<InvoiceDocument>('/api/v1/credit-notes', { invoiceId, lineIds })
    return api.post<InvoiceDocument>(`/api/v1/credit-notes/${id(note.id)}/issue`, {})
  },
}

export { currencyDigits, formatMoney, fromMinorUnits, toMinorUnits } from '../../../../contracts/money.ts'
