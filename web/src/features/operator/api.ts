import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'
import type {
  LimitOverrides,
  OperatorWorkspace,
  OperatorWorkspaceBillingInput,
  Plan,
  PlanInput,
  PlanUpdate,
} from '../../../../contracts/billing.ts'
import { api, queryString } from '../../lib/api.ts'

export type { LimitOverrides, OperatorWorkspace, OperatorWorkspaceBillingInput, Plan, PlanInput, PlanUpdate }

const id = (value: string) => encodeURIComponent(value)
export const operatorKey = ['operator'] as const

export const operatorPlansQuery = queryOptions({
  queryKey: [...operatorKey, 'plans'],
  queryFn: ({ signal }) => api.get<{ data: Plan[] }>('/api/v1/operator/plans', signal),
})

export const operatorWorkspacesQuery = (q: string) =>
  infiniteQueryOptions({
    queryKey: [...operatorKey, 'workspaces', q],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<{ data: OperatorWorkspace[]; nextCursor: string | null }>(
        `/api/v1/operator/workspaces${queryString({ q, cursor: pageParam, limit: 25 })}`,
        signal,
      ),
    getNextPageParam: (page) => page.nextCursor,
  })

export const operatorApi = {
  createPlan: (input: PlanInput) => api.post<Plan>('/api/v1/operator/plans', input),
  updatePlan: (planId: string, input: PlanUpdate) =>
    api.patch<Plan>(`/api/v1/operator/plans/${id(planId)}`, input),
  setWorkspaceBilling: (workspaceId: string, input: OperatorWorkspaceBillingInput) =>
    api.patch<OperatorWorkspace>(`/api/v1/operator/workspaces/${id(workspaceId)}/billing`, input),
}
