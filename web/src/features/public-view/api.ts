import { queryOptions } from '@tanstack/react-query'
import type { PublicDocument } from '../../../../contracts/invoice-view.ts'
import type { Gateway, PaymentOptions } from '../../../../contracts/payments.ts'
import { api } from '../../lib/api.ts'

export type { PublicDocument }

const base = (token: string) => `/api/v1/public/invoices/${encodeURIComponent(token)}`

export const publicDocumentQuery = (token: string) =>
  queryOptions({
    queryKey: ['public-view', token],
    queryFn: ({ signal }) => api.get<PublicDocument>(base(token), signal),
    retry: false,
  })

export const publicPdfUrl = (token: string) => `${base(token)}/pdf`

export const publicQuoteApi = {
  accept: (token: string, name: string) =>
    api.post<PublicDocument>(`/api/v1/public/quotes/${encodeURIComponent(token)}/accept`, { name }),
  decline: (token: string, reason: string | null) =>
    api.post<PublicDocument>(`/api/v1/public/quotes/${encodeURIComponent(token)}/decline`, { reason }),
}

export type { Gateway, PaymentOptions }
export type Checkout = { url: string; onlinePaymentId: string; amount: number; currency: string }

export const paymentOptionsQuery = (token: string) =>
  queryOptions({
    queryKey: ['public-view', token, 'payment-options'],
    queryFn: ({ signal }) => api.get<PaymentOptions>(`${base(token)}/payment-options`, signal),
    retry: false,
  })

export const startPublicCheckout = (token: string, gateway?: Gateway) =>
  api.post<Checkout>(`${base(token)}/checkout`, gateway ? { gateway } : {})
