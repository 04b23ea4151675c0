import type { QueryClient } from '@tanstack/react-query'

/**
 * The options a list page's route shares: its URL search parsed once (filters, sort, layout), and its
 * first queries started with the page's code rather than after it renders. Spread into
 * `createFileRoute(…)({ ...gridRoute(parse, prefetch), component })`. `parse` and `prefetch` must not
 * pull a zod contract into the entry (see docs/web.md, budget).
 */
export function gridRoute<S>(
  parse: (search: Record<string, unknown>) => S,
  prefetch: (queryClient: QueryClient, search: S) => void,
) {
  return {
    validateSearch: (search: Record<string, unknown>): S => parse(search),
    loaderDeps: ({ search }: { search: S }) => ({ search }),
    loader: ({ context, deps }: { context: { queryClient: QueryClient }; deps: { search: S } }) => {
      prefetch(context.queryClient, deps.search)
    },
  }
}
