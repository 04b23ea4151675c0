import { keepPreviousData, type QueryKey, useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'

/** How long typing must pause before a search goes to the server. */
export const searchDebounceMs = 150

/** `value`, once it has stayed the same for `ms`. */
export function useDebounced<T>(value: T, ms = searchDebounceMs): T {
  const [debounced, setDebounced] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return debounced
}

/**
 * What the server finds for the text the user types, asked once typing pauses; the previous answer stays
 * shown meanwhile. `term` is the trimmed text the answer is for.
 */
export function useServerSearch<T>(
  text: string,
  search: (term: string) => {
    queryKey: QueryKey
    queryFn: (context: { signal: AbortSignal }) => Promise<T>
  },
) {
  const term = useDebounced(text.trim())
  const query = useQuery({ ...search(term), placeholderData: keepPreviousData, staleTime: 30_000 })
  return { ...query, term }
}
