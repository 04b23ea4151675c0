import { queryOptions } from '@tanstack/react-query'
import type { z } from 'zod'
import type {
  ConnectionTestSchema,
  GatewayConnection,
  PayPalConnectionInputSchema,
  StripeConnectionInputSchema,
} from '../../../../contracts/payments.ts'
import { api } from '../../lib/api.ts'

export type { GatewayConnection }
export type ConnectionTest = z.output<typeof ConnectionTestSchema>
export type StripeConnectionInput = z.input<typeof StripeConnectionInputSchema>
export type PayPalConnectionInput = z.input<typeof PayPalConnectionInputSchema>

export const connectionsQuery = queryOptions({
  queryKey: ['payment-gateways'],
  queryFn: ({ signal }) => api.get<{ data: GatewayConnection[] }>('/api/v1/payment-gateways', signal),
})

export const paymentsApi = {
  saveStripe: (input: StripeConnectionInput) =>
    api.put<GatewayConnection>('/api/v1/payment-gateways/stripe', input),
  savePayPal: (input: PayPalConnectionInput) =>
    api.put<GatewayConnection>('/api/v1/payment-gateways/paypal', input),
  test: (gateway: string) => api.post<ConnectionTest>(`/api/v1/payment-gateways/${gateway}/test`),
  disconnect: (gateway: string) => api.delete<null>(`/api/v1/payment-gateways/${gateway}`),
}

export type OnlinePayment = import('../../../../contracts/payments.ts').OnlinePayment
export type OnlineRefund = import('../../../../contracts/payments.ts').OnlineRefund

export const onlinePaymentsQuery = (invoiceId: string) =>
  queryOptions({
    queryKey: ['online-payments', invoiceId],
    queryFn: ({ signal }) =>
      api.get<{ data: OnlinePayment[]; nextCursor: string | null }>(
        `/api/v1/online-payments?invoiceId=${encodeURIComponent(invoiceId)}&limit=50`,
        signal,
      ),
  })

export const refundOnline = (id: string, amount: number | undefined) =>
  api.post<OnlineRefund>(`/api/v1/online-payments/${encodeURIComponent(id)}/refund`, amount ? { amount } : {})
