import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query'

/** A mutation that refetches the list it changed once it succeeds. */
export function useRefreshingMutation<TData, TVariables = void>(options: {
  mutationFn: (variables: TVariables) => Promise<TData>
  queryKey: QueryKey
  onSuccess?: (data: TData, variables: TVariables) => void
}) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: options.mutationFn,
    onSuccess: (data, variables) => {
      options.onSuccess?.(data, variables)
      return queryClient.invalidateQueries({ queryKey: options.queryKey })
    },
  })
}
