import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'
import type { z } from 'zod'
import type {
  CreateRecurringSchema,
  RecurringSchema,
  UpdateRecurringSchema,
} from '../../../../contracts/invoices-recurring.ts'
import { gridRoute } from '../../components/grid/grid-route.ts'
import { api, queryString } from '../../lib/api.ts'

export type Recurring = z.output<typeof RecurringSchema>
export type CreateRecurring = z.input<typeof CreateRecurringSchema>
export type UpdateRecurring = z.input<typeof UpdateRecurringSchema>
export type RecurringFrequency = Recurring['frequency']
type Page<T> = { data: T[]; nextCursor: string | null }

export { recurringFrequencies, recurringStatuses } from '../../../../contracts/invoice-values.ts'

/** The list's URL state. */
export type RecurringSearch = { q?: string; status?: string; sort?: string }
const sorts = new Set(['created', 'updated', 'next'])

export function parseRecurringSearch(search: Record<string, unknown>): RecurringSearch {
  const text = (key: string) => {
    const value = search[key]
    return typeof value === 'string' && value.trim() ? value.slice(0, 2000) : undefined
  }
  const sort = text('sort')
  return {
    q: text('q'),
    status: text('status'),
    sort: sort && sorts.has(sort.replace(/^-/, '')) ? sort : undefined,
  }
}

const id = (value: string) => encodeURIComponent(value)
export const recurringKey = ['recurring-invoices'] as const

export const recurringListQuery = (search: RecurringSearch) =>
  infiniteQueryOptions({
    queryKey: [...recurringKey, 'list', search],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Recurring>>(
        `/api/v1/recurring-invoices${queryString({ ...search, limit: 50, cursor: pageParam })}`,
        signal,
      ),
    getNextPageParam: (page) => page.nextCursor,
  })

export const recurringQuery = (recurringId: string) =>
  queryOptions({
    queryKey: [...recurringKey, 'one', recurringId],
    queryFn: ({ signal }) => api.get<Recurring>(`/api/v1/recurring-invoices/${id(recurringId)}`, signal),
  })

export const recurringListRoute = gridRoute(parseRecurringSearch, (queryClient, search) => {
  void queryClient.prefetchInfiniteQuery(recurringListQuery(search))
})

export const recurringApi = {
  create: (input: CreateRecurring) => api.post<Recurring>('/api/v1/recurring-invoices', input),
  update: ({ recurringId, input }: { recurringId: string; input: UpdateRecurring }) =>
    api.patch<Recurring>(`/api/v1/recurring-invoices/${id(recurringId)}`, input),
  remove: (recurringId: string) => api.delete(`/api/v1/recurring-invoices/${id(recurringId)}`),
  pause: (recurringId: string) =>
    api.post<Recurring>(`/api/v1/recurring-invoices/${id(recurringId)}/pause`, {}),
  resume: (recurringId: string) =>
    api.post<Recurring>(`/api/v1/recurring-invoices/${id(recurringId)}/resume`, {}),
}
