import { useMutation, useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { Alert, Button } from '../../components/ui/index.ts'
import { errorMessage } from '../../lib/errors.ts'
import { paymentOptionsQuery, startPublicCheckout } from './api.ts'
import './strings.ts'

const PAYABLE = new Set(['sent', 'viewed', 'partially_paid', 'overdue'])

/** "Pay now" on an open invoice whose sender connected a payment gateway: off to its hosted page. */
export function PayNow({
  token,
  status,
  amountDue,
  amount,
}: {
  token: string
  status: string
  amountDue: number
  amount: string
}) {
  const { t } = useTranslation()
  const payable = PAYABLE.has(status) && amountDue > 0
  const options = useQuery({ ...paymentOptionsQuery(token), enabled: payable })
  const pay = useMutation({
    mutationFn: () => startPublicCheckout(token),
    onSuccess: (c) => window.location.assign(c.url),
  })
  const back = new URLSearchParams(window.location.search).get('payment')
  return (
    <>
      {back === 'success' && status !== 'paid' ? (
        <Alert tone="success" className="mt-6">
          {t('publicView.pay.success')}
        </Alert>
      ) : null}
      {back === 'canceled' && payable ? (
        <Alert tone="info" className="mt-6">
          {t('publicView.pay.canceled')}
        </Alert>
      ) : null}
      {payable && options.data?.online ? (
        <div className="mt-6 flex flex-col items-start gap-2 sm:flex-row sm:items-center sm:justify-end">
          <p className="text-sm text-slate-700 dark:text-slate-300">{t('publicView.pay.hint', { amount })}</p>
          <Button onClick={() => pay.mutate()} disabled={pay.isPending || pay.isSuccess}>
            {pay.isPending || pay.isSuccess ? t('publicView.pay.opening') : t('publicView.pay.open')}
          </Button>
        </div>
      ) : null}
      {pay.isError ? (
        <Alert tone="error" className="mt-3">
          {errorMessage(pay.error, t) || t('publicView.pay.unavailable')}
        </Alert>
      ) : null}
    </>
  )
}
