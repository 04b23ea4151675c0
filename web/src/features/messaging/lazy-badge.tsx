import { lazy, Suspense } from 'react'

const Badge = lazy(() => import('./unread-badge.tsx').then((m) => ({ default: m.UnreadBadge })))

/** The unread badge, loaded after the shell: it is not part of any page's first load. */
export function LazyUnreadBadge() {
  return (
    <Suspense fallback={null}>
      <Badge />
    </Suspense>
  )
}
