import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatMoney } from '../../../../contracts/money.ts'
import {
  ActionFeedback,
  Alert,
  Button,
  Card,
  ConfirmDialog,
  cn,
  QueryState,
  Table,
  TBody,
  TD,
  TH,
  THead,
  TR,
} from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { errorMessage } from '../../lib/errors.ts'
import { useFormatDate } from '../../lib/format.ts'
import {
  type Billing,
  billingApi,
  billingInvoicesQuery,
  billingKey,
  billingQuery,
  goTo,
  hasSubscription,
  meterKeys,
} from './api.ts'
import { PlanPicker } from './plan-picker.tsx'
import { UsageMeter } from './usage-meter.tsx'
import './strings.ts'

/**
 * Settings → Billing: the plan and its state, usage against the limits, the plans to move to (owners),
 * the payment method and Stripe's invoices. Without Stripe on the installation: plan and usage only.
 */
export function BillingPage({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation()
  const query = useQuery(billingQuery)
  const returned = new URLSearchParams(window.location.search).get('checkout')
  return (
    <QueryState query={query}>
      {(billing) => (
        <div className="space-y-6">
          {returned === 'success' ? <Alert tone="success">{t('billing.checkoutReturned')}</Alert> : null}
          {returned === 'canceled' ? <Alert tone="info">{t('billing.checkoutCanceled')}</Alert> : null}
          {!billing.stripeEnabled ? <Alert tone="info">{t('billing.stripeDisabled')}</Alert> : null}
          {billing.stripeEnabled && !canManage ? <Alert tone="info">{t('billing.readOnly')}</Alert> : null}
          <CurrentPlan billing={billing} canManage={canManage} />
          <UsageCard billing={billing} />
          {billing.stripeEnabled ? (
            <>
              <PlanPicker billing={billing} canManage={canManage} />
              <PaymentMethod billing={billing} canManage={canManage} />
              <Invoices />
            </>
          ) : null}
        </div>
      )}
    </QueryState>
  )
}

const statusTones: Record<Billing['status'], string> = {
  free: 'bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-100',
  trialing: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-100',
  active: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100',
  past_due: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100',
  canceled: 'bg-slate-300 text-slate-900 dark:bg-slate-700 dark:text-slate-100',
}

export function BillingStatusBadge({ status }: { status: Billing['status'] }) {
  const { t } = useTranslation()
  return (
    <span className={cn('inline-block rounded-full px-2 py-0.5 text-xs font-medium', statusTones[status])}>
      {t(`billing.status.${status}`)}
    </span>
  )
}

/** Refreshes the billing page and the session answer (features and status gate the rest of the app). */
function useRefreshBilling() {
  const queryClient = useQueryClient()
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: billingKey }),
      queryClient.invalidateQueries({ queryKey: ['me'] }),
    ])
}

function CurrentPlan({ billing, canManage }: { billing: Billing; canManage: boolean }) {
  const { t, i18n } = useTranslation()
  const formatDate = useFormatDate()
  const refresh = useRefreshBilling()
  const [confirmCancel, setConfirmCancel] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const cancel = useMutation({
    mutationFn: billingApi.cancel,
    onSuccess: async () => {
      setConfirmCancel(false)
      setNotice(t('billing.current.canceled'))
      await refresh()
    },
  })
  const resume = useMutation({
    mutationFn: billingApi.resume,
    onSuccess: async () => {
      setNotice(t('billing.current.resumed'))
      await refresh()
    },
  })
  const subscribed = hasSubscription(billing)
  const periodEnd = billing.currentPeriodEnd ? formatDate(billing.currentPeriodEnd) : null
  const price =
    billing.interval && (billing.interval === 'year' ? billing.plan.yearlyAmount : billing.plan.monthlyAmount)
  const rows: [string, string][] = [
    [t('billing.current.plan'), billing.plan.name],
    [
      t('billing.current.interval'),
      billing.interval ? t(`billing.interval.${billing.interval}`) : t('billing.current.none'),
    ],
    [
      t('billing.current.price'),
      price && billing.interval
        ? t(`billing.perInterval.${billing.interval}`, {
            price: formatMoney(price, billing.plan.currency, i18n.language),
          })
        : t('billing.current.free'),
    ],
  ]
  if (billing.nextInvoice && !billing.cancelAtPeriodEnd)
    rows.push([
      t('billing.current.nextInvoice'),
      t('billing.current.nextInvoiceValue', {
        amount: formatMoney(billing.nextInvoice.amount, billing.nextInvoice.currency, i18n.language),
        date: formatDate(billing.nextInvoice.date),
      }),
    ])
  else if (periodEnd && subscribed) rows.push([t('billing.current.periodEnds'), periodEnd])
  if (billing.status === 'trialing' && billing.trialEndsAt)
    rows.push([t('billing.current.trialEnds'), formatDate(billing.trialEndsAt)])
  if (billing.status === 'past_due' && billing.pastDueSince) {
    rows.push([t('billing.current.pastDueSince'), formatDate(billing.pastDueSince)])
    if (billing.graceEndsAt) rows.push([t('billing.current.graceEnds'), formatDate(billing.graceEndsAt)])
  }
  const error = cancel.error ?? resume.error
  return (
    <Card title={t('billing.current.title')} actions={<BillingStatusBadge status={billing.status} />}>
      <div className="space-y-4">
        <ActionFeedback error={error ? errorMessage(error, t) : null} notice={notice} />
        {billing.cancelAtPeriodEnd ? (
          <Alert tone="warning">
            <p>
              {periodEnd
                ? t('billing.current.cancelNotice', { date: periodEnd })
                : t('billing.current.cancelNoticeNoDate')}
            </p>
            {canManage && billing.stripeEnabled ? (
              <Button
                className="mt-2"
                variant="secondary"
                loading={resume.isPending}
                onClick={() => resume.mutate()}
              >
                {t('billing.current.resume')}
              </Button>
            ) : null}
          </Alert>
        ) : null}
        <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
          {rows.map(([label, value]) => (
            <div key={label}>
              <dt className="text-slate-600 dark:text-slate-300">{label}</dt>
              <dd className="font-medium">{value}</dd>
            </div>
          ))}
        </dl>
        {canManage && billing.stripeEnabled && subscribed && !billing.cancelAtPeriodEnd ? (
          <div>
            <Button variant="secondary" onClick={() => setConfirmCancel(true)}>
              {t('billing.current.cancel')}
            </Button>
          </div>
        ) : null}
      </div>
      <ConfirmDialog
        open={confirmCancel}
        title={t('billing.current.cancelTitle')}
        description={
          periodEnd
            ? t('billing.current.cancelBody', { date: periodEnd })
            : t('billing.current.cancelBodyNoDate')
        }
        confirmLabel={t('billing.current.cancelConfirm')}
        pending={cancel.isPending}
        error={cancel.error ? errorMessage(cancel.error, t) : null}
        onConfirm={() => cancel.mutate()}
        onClose={() => {
          setConfirmCancel(false)
          cancel.reset()
        }}
      />
    </Card>
  )
}

function UsageCard({ billing }: { billing: Billing }) {
  const { t } = useTranslation()
  return (
    <Card title={t('billing.usage.title')} description={t('billing.usage.description')}>
      <ul className="space-y-4">
        {meterKeys.map((key) => (
          <UsageMeter
            key={key}
            meter={key}
            used={billing.usage[key].used}
            allowed={billing.usage[key].allowed}
          />
        ))}
      </ul>
    </Card>
  )
}

function PaymentMethod({ billing, canManage }: { billing: Billing; canManage: boolean }) {
  const { t } = useTranslation()
  const portal = useMutation({ mutationFn: billingApi.portal, onSuccess: ({ url }) => goTo(url) })
  const method = billing.paymentMethod
  const canOpenPortal = canManage && billing.status !== 'free'
  return (
    <Card
      title={t('billing.paymentMethod.title')}
      actions={
        canOpenPortal ? (
          <Button variant="secondary" loading={portal.isPending} onClick={() => portal.mutate()}>
            {t('billing.current.portal')}
          </Button>
        ) : null
      }
    >
      <ActionFeedback error={portal.error ? errorMessage(portal.error, t) : null} />
      {method ? (
        <p className="text-sm">
          <span className="font-medium">
            {t('billing.paymentMethod.card', {
              brand: method.brand.charAt(0).toUpperCase() + method.brand.slice(1),
              last4: method.last4,
            })}
          </span>
          {method.expMonth && method.expYear ? (
            <span className="ml-2 text-slate-600 dark:text-slate-300">
              {t('billing.paymentMethod.expires', {
                month: String(method.expMonth).padStart(2, '0'),
                year: method.expYear,
              })}
            </span>
          ) : null}
        </p>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-300">{t('billing.paymentMethod.none')}</p>
      )}
    </Card>
  )
}

function Invoices() {
  const { t, i18n } = useTranslation()
  const formatDate = useFormatDate()
  const query = useQuery(billingInvoicesQuery)
  return (
    <Card title={t('billing.invoices.title')}>
      <QueryState
        query={query}
        isEmpty={(data) => data.data.length === 0}
        empty={<p className="text-sm text-slate-600 dark:text-slate-300">{t('billing.invoices.empty')}</p>}
      >
        {(data) => (
          <Table caption={t('billing.invoices.title')}>
            <THead>
              <TR>
                <TH>{t('billing.invoices.date')}</TH>
                <TH>{t('billing.invoices.number')}</TH>
                <TH>{t('billing.invoices.status')}</TH>
                <TH className="text-right">{t('billing.invoices.amount')}</TH>
                <TH>{t('billing.invoices.links')}</TH>
              </TR>
            </THead>
            <TBody>
              {data.data.map((invoice) => {
                const number = invoice.number ?? invoice.id
                return (
                  <TR key={invoice.id}>
                    <TD>{formatDate(invoice.createdAt)}</TD>
                    <TD>{number}</TD>
                    <TD>
                      {invoice.status
                        ? t(`billing.invoices.statuses.${invoice.status as 'paid'}`, {
                            defaultValue: invoice.status,
                          })
                        : '—'}
                    </TD>
                    <TD className="text-right tabular-nums">
                      {formatMoney(invoice.amountDue, invoice.currency, i18n.language)}
                    </TD>
                    <TD className="space-x-3">
                      {invoice.hostedInvoiceUrl ? (
                        <a
                          href={invoice.hostedInvoiceUrl}
                          target="_blank"
                          rel="noreferrer"
                          className={linkClasses}
                        >
                          {t('billing.invoices.open')}
                          <span className="sr-only"> {number}</span>
                        </a>
                      ) : null}
                      {invoice.invoicePdf ? (
                        <a href={invoice.invoicePdf} target="_blank" rel="noreferrer" className={linkClasses}>
                          {t('billing.invoices.pdf')}
                          <span className="sr-only"> {number}</span>
                        </a>
                      ) : null}
                    </TD>
                  </TR>
                )
              })}
            </TBody>
          </Table>
        )}
      </QueryState>
    </Card>
  )
}
