import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatMoney, fromMinorUnits, toMinorUnits } from '../../../../contracts/money.ts'
import { Alert, Button, FormDialog, Input, linkClasses } from '../../components/ui/index.ts'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { can, type Me } from '../auth/api.ts'
import { type OnlinePayment, onlinePaymentsQuery, refundOnline } from './api.ts'
import './strings.ts'

const GATEWAY_NAMES = { stripe: 'Stripe', paypal: 'PayPal' } as const

/** An invoice's online payments: status, fee and net, refunds, a link to the gateway's dashboard. */
export function OnlinePayments({ me, invoiceId }: { me: Me; invoiceId: string }) {
  const { t, i18n } = useTranslation()
  const query = useQuery(onlinePaymentsQuery(invoiceId))
  const rows = (query.data?.data ?? []).filter((p) => p.status !== 'pending')
  if (!rows.length) return null
  const money = (v: number, c: string) => formatMoney(v, c, i18n.language)
  return (
    <section aria-labelledby="invoice-online-payments" className="space-y-2">
      <h2 id="invoice-online-payments" className="text-lg font-semibold">
        {t('payments.history.title')}
      </h2>
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 text-sm dark:divide-slate-700 dark:border-slate-700">
        {rows.map((p) => (
          <li key={p.id} className="space-y-1 px-3 py-2">
            <div className="flex flex-wrap justify-between gap-2">
              <span className="font-medium">
                {t(`payments.history.statuses.${p.status}`)} ·{' '}
                {money(p.amountReceived || p.amount, p.currency)}
              </span>
              {p.dashboardUrl ? (
                <a href={p.dashboardUrl} target="_blank" rel="noopener noreferrer" className={linkClasses}>
                  {t('payments.history.dashboard', { gateway: GATEWAY_NAMES[p.gateway] })}
                </a>
              ) : null}
            </div>
            {p.fee !== null && p.net !== null && p.feeCurrency ? (
              <p className="text-slate-700 dark:text-slate-300">
                {t('payments.history.fee', {
                  fee: money(p.fee, p.feeCurrency),
                  net: money(p.net, p.feeCurrency),
                })}
              </p>
            ) : null}
            {p.failureMessage && p.status === 'failed' ? (
              <p className="text-red-700 dark:text-red-300">{p.failureMessage}</p>
            ) : null}
            {p.refunds.map((r) => (
              <p key={r.id} className="text-slate-700 dark:text-slate-300">
                {t('payments.history.refunded', { amount: money(r.amount, r.currency) })} (
                {t(`payments.history.refundStatuses.${r.status}`)})
              </p>
            ))}
            {can(me, 'payments:refund') ? <RefundButton payment={p} /> : null}
          </li>
        ))}
      </ul>
    </section>
  )
}

function RefundButton({ payment: p }: { payment: OnlinePayment }) {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const [open, setOpen] = useState(false)
  const [amount, setAmount] = useState('')
  const [invalid, setInvalid] = useState(false)
  const held = p.refunds
    .filter((r) => r.status !== 'failed' && r.status !== 'canceled')
    .reduce((n, r) => n + r.amount, 0)
  const left = p.amountReceived - held
  const refund = useMutation({
    mutationFn: (minor: number | undefined) => refundOnline(p.id, minor),
    onSuccess: () => {
      setOpen(false)
      queryClient.invalidateQueries({ queryKey: ['online-payments'] })
    },
  })
  if (left <= 0 || !['succeeded', 'partially_refunded', 'disputed'].includes(p.status)) return null
  const submit = () => {
    const minor = amount.trim() ? toMinorUnits(amount.trim(), p.currency) : undefined
    if (minor === null || (minor !== undefined && (minor <= 0 || minor > left))) return setInvalid(true)
    setInvalid(false)
    refund.mutate(minor)
  }
  return (
    <>
      {refund.data ? (
        <Alert tone="info">
          {t('payments.history.refundPending', {
            gateway: GATEWAY_NAMES[p.gateway],
            amount: formatMoney(refund.data.amount, p.currency, i18n.language),
          })}
        </Alert>
      ) : null}
      <Button variant="secondary" onClick={() => setOpen(true)}>
        {t('payments.history.refund')}
      </Button>
      {open ? (
        <FormDialog
          title={t('payments.history.refundTitle', { gateway: GATEWAY_NAMES[p.gateway] })}
          description={t('payments.history.refundDescription', {
            gateway: GATEWAY_NAMES[p.gateway],
            left: formatMoney(left, p.currency, i18n.language),
          })}
          submitLabel={t('payments.history.refund')}
          submitVariant="danger"
          pending={refund.isPending}
          onSubmit={submit}
          onClose={() => setOpen(false)}
        >
          {refund.isError && !fieldErrorsOf(refund.error).amount ? (
            <Alert tone="error">{errorMessage(refund.error, t)}</Alert>
          ) : null}
          <Input
            label={t('payments.history.amount')}
            inputMode="decimal"
            placeholder={fromMinorUnits(left, p.currency)}
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            error={
              invalid
                ? t('payments.history.refundDescription', {
                    gateway: GATEWAY_NAMES[p.gateway],
                    left: formatMoney(left, p.currency, i18n.language),
                  })
                : fieldErrorsOf(refund.error).amount
            }
          />
        </FormDialog>
      ) : null}
    </>
  )
}
