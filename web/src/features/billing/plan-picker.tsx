import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatMoney } from '../../../../contracts/money.ts'
import {
  ActionFeedback,
  Button,
  Card,
  ConfirmDialog,
  cn,
  Dialog,
  Spinner,
} from '../../components/ui/index.ts'
import { errorMessage } from '../../lib/errors.ts'
import {
  type Billing,
  type BillingInterval,
  billingApi,
  billingKey,
  goTo,
  hasSubscription,
  isFree,
  meterKeys,
  type Plan,
  planFeatureKeys,
  priceOf,
} from './api.ts'
import { useFormatMeter } from './usage-meter.tsx'

type Choice = { plan: Plan; interval: BillingInterval }

/**
 * The plans the workspace may move to, priced monthly or yearly. An owner picks one: with no
 * subscription yet, Stripe Checkout; with one, a proration preview first, then the change; the free
 * plan needs no payment at all.
 */
export function PlanPicker({ billing, canManage }: { billing: Billing; canManage: boolean }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [interval, setInterval] = useState<BillingInterval>(billing.interval ?? 'month')
  const [choice, setChoice] = useState<Choice | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const subscribed = hasSubscription(billing)
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: billingKey }),
      queryClient.invalidateQueries({ queryKey: ['me'] }),
    ])
  const checkout = useMutation({
    mutationFn: (c: Choice) => billingApi.checkout({ planKey: c.plan.key, interval: c.interval }),
    onSuccess: ({ url }) => goTo(url),
  })
  const change = useMutation({
    mutationFn: (c: Choice) =>
      billingApi.change(
        isFree(c.plan) ? { planKey: c.plan.key } : { planKey: c.plan.key, interval: c.interval },
      ),
    onSuccess: async (_, c) => {
      setChoice(null)
      setNotice(t('billing.preview.done', { plan: c.plan.name }))
      await refresh()
    },
  })
  const choose = (plan: Plan) => {
    setNotice(null)
    change.reset()
    const c = { plan, interval }
    if (!isFree(plan) && !subscribed) checkout.mutate(c)
    else setChoice(c)
  }
  const plans = billing.plans.filter((plan) => !plan.archivedAt)
  const close = () => {
    setChoice(null)
    change.reset()
  }
  return (
    <Card title={t('billing.plans.title')}>
      <div className="space-y-4">
        <ActionFeedback error={checkout.error ? errorMessage(checkout.error, t) : null} notice={notice} />
        <IntervalToggle value={interval} onChange={setInterval} />
        <ul className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
          {plans.map((plan) => (
            <PlanOption
              key={plan.id}
              plan={plan}
              interval={interval}
              current={plan.key === billing.plan.key && (isFree(plan) || billing.interval === interval)}
              canManage={canManage}
              pending={checkout.isPending && checkout.variables?.plan.id === plan.id}
              onChoose={() => choose(plan)}
            />
          ))}
        </ul>
      </div>
      {choice && isFree(choice.plan) ? (
        <ConfirmDialog
          open
          title={t('billing.preview.freeTitle', { plan: choice.plan.name })}
          description={t('billing.preview.freeBody', { plan: choice.plan.name })}
          confirmLabel={t('billing.preview.confirm')}
          pending={change.isPending}
          error={change.error ? errorMessage(change.error, t) : null}
          onConfirm={() => change.mutate(choice)}
          onClose={close}
        />
      ) : choice ? (
        <PreviewDialog
          choice={choice}
          pending={change.isPending}
          error={change.error ? errorMessage(change.error, t) : null}
          onConfirm={() => change.mutate(choice)}
          onClose={close}
        />
      ) : null}
    </Card>
  )
}

function IntervalToggle({
  value,
  onChange,
}: {
  value: BillingInterval
  onChange: (v: BillingInterval) => void
}) {
  const { t } = useTranslation()
  const name = useId()
  const options: [BillingInterval, string][] = [
    ['month', t('billing.plans.monthly')],
    ['year', t('billing.plans.yearly')],
  ]
  return (
    <fieldset>
      <legend className="mb-1 text-sm font-medium text-slate-800 dark:text-slate-200">
        {t('billing.plans.interval')}
      </legend>
      <div className="inline-flex rounded-md border border-slate-300 p-0.5 dark:border-slate-600">
        {options.map(([key, label]) => (
          <label
            key={key}
            className={cn(
              'cursor-pointer rounded px-3 py-1.5 text-sm font-medium has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600',
              value === key
                ? 'bg-indigo-700 text-white dark:bg-indigo-300 dark:text-slate-950'
                : 'text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800',
            )}
          >
            <input
              type="radio"
              name={name}
              value={key}
              checked={value === key}
              onChange={() => onChange(key)}
              className="sr-only"
            />
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  )
}

function PlanOption({
  plan,
  interval,
  current,
  canManage,
  pending,
  onChoose,
}: {
  plan: Plan
  interval: BillingInterval
  current: boolean
  canManage: boolean
  pending: boolean
  onChoose: () => void
}) {
  const { t, i18n } = useTranslation()
  const format = useFormatMeter()
  const headingId = useId()
  const price = priceOf(plan, interval)
  const free = isFree(plan)
  const sold = free || price !== null
  return (
    <li
      aria-labelledby={headingId}
      className={cn(
        'flex flex-col rounded-lg border p-4',
        current
          ? 'border-indigo-600 ring-1 ring-indigo-600 dark:border-indigo-400 dark:ring-indigo-400'
          : 'border-slate-200 dark:border-slate-700',
      )}
    >
      <h3 id={headingId} className="text-base font-semibold">
        {plan.name}
      </h3>
      <p className="mt-1 text-lg font-semibold tabular-nums">
        {free
          ? t('billing.plans.free')
          : price !== null
            ? t(`billing.perInterval.${interval}`, {
                price: formatMoney(price, plan.currency, i18n.language),
              })
            : t('billing.plans.notSold', { interval: t(`billing.interval.${interval}`).toLowerCase() })}
      </p>
      {plan.description ? (
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{plan.description}</p>
      ) : null}
      {plan.trialDays > 0 && !free ? (
        <p className="mt-1 text-sm text-emerald-800 dark:text-emerald-300">
          {t('billing.plans.trial', { count: plan.trialDays })}
        </p>
      ) : null}
      <ul className="mt-3 flex-1 space-y-1 text-sm">
        {meterKeys.map((key) => {
          const value = plan.limits[key]
          return (
            <li key={key}>
              {value === null
                ? t(`billing.plans.unlimitedLimits.${key}`)
                : t(`billing.plans.limits.${key}`, { value: format(key, value) })}
            </li>
          )
        })}
        {planFeatureKeys
          .filter((key) => plan.features[key])
          .map((key) => (
            <li key={key}>{t(`billing.features.${key}`)}</li>
          ))}
      </ul>
      <div className="mt-4">
        {current ? (
          <p className="text-sm font-medium text-indigo-800 dark:text-indigo-300">
            {t('billing.plans.current')}
          </p>
        ) : canManage && sold ? (
          <Button variant="secondary" loading={pending} onClick={onChoose}>
            {t('billing.plans.choose', { plan: plan.name })}
          </Button>
        ) : null}
      </div>
    </li>
  )
}

/** Asks Stripe what the change costs now (proration) before the owner confirms it. */
function PreviewDialog({
  choice,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  choice: Choice
  pending: boolean
  error: string | null
  onConfirm: () => void
  onClose: () => void
}) {
  const { t, i18n } = useTranslation()
  const planKey = choice.plan.key
  const preview = useQuery({
    queryKey: [...billingKey, 'preview', planKey, choice.interval],
    queryFn: () => billingApi.preview({ planKey, interval: choice.interval }),
    retry: false,
    staleTime: 0,
    gcTime: 0,
  })
  const money = (amount: number, currency: string) => formatMoney(amount, currency, i18n.language)
  return (
    <Dialog
      open
      onClose={onClose}
      title={t('billing.preview.title', { plan: choice.plan.name })}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={pending} disabled={!preview.data} onClick={onConfirm}>
            {t('billing.preview.confirm')}
          </Button>
        </>
      }
    >
      <ActionFeedback error={error ?? (preview.error ? errorMessage(preview.error, t) : null)} />
      {preview.isPending ? (
        <p className="flex items-center gap-2 text-sm" role="status">
          <Spinner />
          {t('billing.preview.loading')}
        </p>
      ) : preview.data ? (
        <div className="space-y-3 text-sm">
          <p>
            <span className="font-medium">{t('billing.preview.dueNow')}: </span>
            <span className="text-lg font-semibold tabular-nums">
              {money(preview.data.amountDue, preview.data.currency)}
            </span>
          </p>
          <p className="text-slate-700 dark:text-slate-300">
            {t('billing.preview.dueNowBody', {
              amount: money(preview.data.amountDue, preview.data.currency),
            })}
          </p>
          {preview.data.lines.length > 0 ? (
            <div>
              <h3 className="font-medium">{t('billing.preview.lines')}</h3>
              <ul className="mt-1 space-y-1">
                {preview.data.lines.map((line, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: Stripe's preview lines have no id of their own
                  <li key={i} className="flex justify-between gap-4">
                    <span>{line.description}</span>
                    <span className="tabular-nums">{money(line.amount, preview.data.currency)}</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </Dialog>
  )
}
