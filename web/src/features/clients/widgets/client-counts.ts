import { useQueries } from '@tanstack/react-query'
import { type ClientSearch, clientCountQuery } from '../api.ts'

/** How many clients the viewer may see match each search, in order; undefined until all are known. */
export function useClientCounts(searches: ClientSearch[]): number[] | undefined {
  const counts = useQueries({ queries: searches.map(clientCountQuery) })
  if (counts.some((c) => c.isPending)) return undefined
  return counts.map((c) => c.data?.count ?? 0)
}
