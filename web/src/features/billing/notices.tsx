import { useNavigate } from '@tanstack/react-router'
import { lazy, Suspense, useEffect, useRef } from 'react'
import { showToast } from '../../components/ui/toast.tsx'
import { onApiError } from '../../lib/api.ts'
import type { Me } from '../auth/api.ts'

const PastDueBanner = lazy(() => import('./past-due-banner.tsx'))

/**
 * In the shell, on every page, and tiny (the shell is in the entry): the past-due banner, loaded only
 * when the session says the payment is past due; and, for any API call refused with 402 (a limit
 * reached, a feature not in the plan), a toast with the server's words and a link to the plans.
 */
export function BillingNotices({ me }: { me: Me }) {
  const context = useRef({ me, navigate: useNavigate(), showToast })
  context.current.me = me
  useEffect(
    () =>
      onApiError((error) => {
        if (error.status === 402)
          void import('./quota-toast.ts').then((m) => m.showQuotaToast(error, context.current))
      }),
    [],
  )
  return me.billingStatus === 'past_due' ? (
    <Suspense>
      <PastDueBanner me={me} />
    </Suspense>
  ) : null
}
