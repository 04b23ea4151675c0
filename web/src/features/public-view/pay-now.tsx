import { useMutation, useQuery } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button } from '../../components/ui/index.ts'
import { errorMessage } from '../../lib/errors.ts'
import { type Gateway, paymentOptionsQuery, startPublicCheckout } from './api.ts'
import './strings.ts'

const PAYABLE = new Set(['sent', 'viewed', 'partially_paid', 'overdue'])

/**
 * "Pay now" on an open invoice whose sender connected a payment gateway: off to its hosted page (one
 * button per gateway when the sender connected both). The email's and the PDF's pay link is this page
 * with `?pay=now`: with one gateway it opens the checkout for the balance as it is now.
 */
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
    mutationFn: (gateway?: Gateway) => startPublicCheckout(token, gateway),
    onSuccess: (c) => window.location.assign(c.url),
  })
  const search = new URLSearchParams(window.location.search)
  const back = search.get('payment')
  const gateways = options.data?.gateways ?? []
  const started = useRef(false)
  useEffect(() => {
    if (search.get('pay') !== 'now' || started.current || !payable || gateways.length !== 1) return
    started.current = true
    pay.mutate(gateways[0])
  })
  const hint =
    gateways.length > 1
      ? 'publicView.pay.hintBoth'
      : gateways[0] === 'paypal'
        ? 'publicView.pay.hintPaypal'
        : 'publicView.pay.hint'
  return (
    <>
      {back === 'success' && status !== 'paid' ? (
        <Alert tone="success" className="mt-6">
          {t('publicView.pay.success')}
        </Alert>
      ) : null}
      {back === 'pending' && status !== 'paid' ? (
        <Alert tone="info" className="mt-6">
          {t('publicView.pay.pending')}
        </Alert>
      ) : null}
      {back === 'failed' && payable ? (
        <Alert tone="error" className="mt-6">
          {t('publicView.pay.failed')}
        </Alert>
      ) : null}
      {back === 'canceled' && payable ? (
        <Alert tone="info" className="mt-6">
          {t('publicView.pay.canceled')}
        </Alert>
      ) : null}
      {payable && options.data?.online ? (
        <div className="mt-6 flex flex-col items-start gap-2 sm:flex-row sm:items-center sm:justify-end">
          <p className="text-sm text-slate-700 dark:text-slate-300">{t(hint, { amount })}</p>
          {gateways.map((g, i) => (
            <Button
              key={g}
              variant={i === 0 ? 'primary' : 'secondary'}
              onClick={() => pay.mutate(g)}
              disabled={pay.isPending || pay.isSuccess}
            >
              {pay.isPending || pay.isSuccess
                ? pay.variables === g
                  ? t('publicView.pay.opening')
                  : t(`publicView.pay.with.${g}`)
                : gateways.length > 1
                  ? t(`publicView.pay.with.${g}`)
                  : t('publicView.pay.open')}
            </Button>
          ))}
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
