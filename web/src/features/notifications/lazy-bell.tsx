import { lazy, Suspense } from 'react'

const Bell = lazy(() => import('./bell.tsx').then((m) => ({ default: m.NotificationBell })))

/** The bell, loaded after the shell: it is not part of any page's first load. */
export function LazyNotificationBell() {
  return (
    <Suspense fallback={<span className="inline-block size-9" aria-hidden="true" />}>
      <Bell />
    </Suspense>
  )
}
