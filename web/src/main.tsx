import './styles.css'
import './lib/autofocus.ts'
import './lib/i18n/index.ts'
import './features/shell/load-features.ts'
import { QueryClientProvider } from '@tanstack/react-query'
import { createRouter, RouterProvider } from '@tanstack/react-router'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { PageSpinner } from './components/ui/index.ts'
import { onApiError } from './lib/api.ts'
import { queryClient } from './lib/query-client.ts'
import { applyTheme, watchSystemTheme } from './lib/theme.ts'
import { routeTree } from './routeTree.gen.ts'

applyTheme()
watchSystemTheme()

const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultPreload: 'intent',
  defaultPreloadStaleTime: 0,
  defaultPendingComponent: PageSpinner,
  scrollRestoration: true,
})

onApiError((error) => {
  if (error.status !== 401) return
  const { location, matches } = router.state
  if (!matches.some((match) => match.routeId === '/_app')) return
  queryClient.clear()
  void router.navigate({ to: '/sign-in', search: { redirect: location.href } })
})

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router
  }
}

const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>,
  )
}
