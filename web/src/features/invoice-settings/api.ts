import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'
import type { z } from 'zod'
import type { ClientBalance, InvoiceSummary, NextNumbers } from '../../../../contracts/invoice-summary.ts'
import type {
  CreateProductSchema,
  CreateTaxRateSchema,
  DocumentSummarySchema,
  InvoiceSettingsInputSchema,
  InvoiceSettingsSchema,
  ProductSchema,
  TaxRateSchema,
} from '../../../../contracts/invoices.ts'
import { api, queryString } from '../../lib/api.ts'

export type InvoiceSettings = z.output<typeof InvoiceSettingsSchema>
export type InvoiceSettingsInput = z.input<typeof InvoiceSettingsInputSchema>
export type TaxRate = z.output<typeof TaxRateSchema>
export type TaxRateInput = z.input<typeof CreateTaxRateSchema>
export type Product = z.output<typeof ProductSchema>
export type ProductInput = z.input<typeof CreateProductSchema>
export type DocumentSummary = z.output<typeof DocumentSummarySchema>
export type { ClientBalance, InvoiceSummary, NextNumbers }

type Page<T> = { data: T[]; nextCursor: string | null }

const id = (value: string) => encodeURIComponent(value)

export const settingsQuery = queryOptions({
  queryKey: ['invoice-settings'],
  queryFn: ({ signal }) => api.get<InvoiceSettings>('/api/v1/invoice-settings', signal),
})
export const nextNumbersQuery = queryOptions({
  queryKey: ['invoice-settings', 'next-numbers'],
  queryFn: ({ signal }) => api.get<NextNumbers>('/api/v1/invoice-settings/next-numbers', signal),
})
export const previewUrl = (template: string, brandColor: string) =>
  `/api/v1/invoice-settings/preview.pdf${queryString({
    template,
    brandColor: /^#[0-9a-fA-F]{6}$/.test(brandColor) ? brandColor : undefined,
  })}`

/** Tax rates share their key with the invoice editor's (`['tax-rates', 'active']`), so both refresh. */
export const taxRatesKey = ['tax-rates'] as const
export const taxRateListQuery = (archived: 'false' | 'all') =>
  queryOptions({
    queryKey: ['tax-rates', 'list', archived],
    queryFn: ({ signal }) =>
      api.get<{ data: TaxRate[] }>(`/api/v1/tax-rates${queryString({ archived })}`, signal),
  })

export const productsKey = ['products'] as const
export type ProductFilter = { q: string; archived: 'false' | 'true' | 'all' }
export const productListQuery = (filter: ProductFilter) =>
  infiniteQueryOptions({
    queryKey: ['products', 'list', filter],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Product>>(
        `/api/v1/products${queryString({ q: filter.q.trim() || undefined, archived: filter.archived, limit: 50, cursor: pageParam })}`,
        signal,
      ),
    getNextPageParam: (page) => page.nextCursor,
  })

export const clientBalanceQuery = (clientId: string) =>
  queryOptions({
    queryKey: ['invoices', 'balance', clientId],
    queryFn: ({ signal }) => api.get<ClientBalance>(`/api/v1/clients/${id(clientId)}/balance`, signal),
  })
export const clientInvoicesQuery = (clientId: string) =>
  infiniteQueryOptions({
    queryKey: ['invoices', 'list', { client: clientId }, null],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<DocumentSummary>>(
        `/api/v1/invoices${queryString({ client: clientId, limit: 20, cursor: pageParam })}`,
        signal,
      ),
    getNextPageParam: (page) => page.nextCursor,
  })
export const summaryQuery = queryOptions({
  queryKey: ['invoices', 'summary'],
  queryFn: ({ signal }) => api.get<InvoiceSummary>('/api/v1/invoices/summary', signal),
  staleTime: 30_000,
})

export const invoiceSettingsApi = {
  save: (input: InvoiceSettingsInput) => api.put<InvoiceSettings>('/api/v1/invoice-settings', input),
  createTaxRate: (input: TaxRateInput) => api.post<TaxRate>('/api/v1/tax-rates', input),
  updateTaxRate: ({ taxRateId, input }: { taxRateId: string; input: Partial<TaxRateInput> }) =>
    api.patch<TaxRate>(`/api/v1/tax-rates/${id(taxRateId)}`, input),
  archiveTaxRate: ({ taxRateId, archived }: { taxRateId: string; archived: boolean }) =>
    api.post<TaxRate>(`/api/v1/tax-rates/${id(taxRateId)}/${archived ? 'archive' : 'restore'}`),
  createProduct: (input: ProductInput) => api.post<Product>('/api/v1/products', input),
  updateProduct: ({ productId, input }: { productId: string; input: Partial<ProductInput> }) =>
    api.patch<Product>(`/api/v1/products/${id(productId)}`, input),
  archiveProduct: ({ productId, archived }: { productId: string; archived: boolean }) =>
    api.post<Product>(`/api/v1/products/${id(productId)}/${archived ? 'archive' : 'restore'}`),
}

export { currencyDigits, formatMoney, fromMinorUnits, toMinorUnits } from '../../../../contracts/money.ts'

const TOKEN = /\{([A-Z]+)(?::(\d+))?\}/g

/** The number a pattern gives for counter value `seq` on `day` (as the server formats it), or null. */
export function exampleNumber(pattern: string, seq: number, day: string): string | null {
  const tokens = [...pattern.matchAll(TOKEN)]
  if (tokens.filter((m) => m[1] === 'SEQ').length !== 1) return null
  const [y = '', m = '', d = ''] = day.split('-')
  return pattern.replace(TOKEN, (all, name: string, width?: string) => {
    if (name === 'YYYY') return y
    if (name === 'YY') return y.slice(-2)
    if (name === 'MM') return m
    if (name === 'DD') return d
    if (name === 'SEQ') return String(seq).padStart(width ? Math.min(Number(width), 12) : 1, '0')
    return all
  })
}
