import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatMoney, fromMinorUnits, toMinorUnits } from '../../../../contracts/money.ts'
import {
  ActionFeedback,
  Button,
  Card,
  Checkbox,
  ConfirmDialog,
  Fieldset,
  FormDialog,
  FormError,
  Input,
  QueryState,
  Table,
  TBody,
  TD,
  TH,
  THead,
  TR,
} from '../../components/ui/index.ts'
import { errorMessage, fieldErrorsOf, formErrorOf } from '../../lib/errors.ts'
import { meterKeys, planFeatureKeys } from '../billing/api.ts'
import { useFormatMeter } from '../billing/usage-meter.tsx'
import { operatorApi, operatorKey, operatorPlansQuery, type Plan, type PlanInput } from './api.ts'

/** The installation's plans: config plans read-only, operator plans created, edited and archived here. */
export function PlansSection() {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const query = useQuery(operatorPlansQuery)
  const format = useFormatMeter()
  const [editing, setEditing] = useState<Plan | 'new' | null>(null)
  const [archiving, setArchiving] = useState<Plan | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const refresh = () => queryClient.invalidateQueries({ queryKey: operatorKey })
  const archive = useMutation({
    mutationFn: ({ plan, archived }: { plan: Plan; archived: boolean }) =>
      operatorApi.updatePlan(plan.id, { archived }),
    onSuccess: async (_, { plan, archived }) => {
      setArchiving(null)
      setNotice(
        t(archived ? 'operator.plans.archivedNotice' : 'operator.plans.restoredNotice', { plan: plan.name }),
      )
      await refresh()
    },
  })
  const price = (plan: Plan) => {
    const parts = [
      plan.monthlyAmount
        ? t('operator.plans.monthly', {
            price: formatMoney(plan.monthlyAmount, plan.currency, i18n.language),
          })
        : null,
      plan.yearlyAmount
        ? t('operator.plans.yearly', { price: formatMoney(plan.yearlyAmount, plan.currency, i18n.language) })
        : null,
    ].filter(Boolean)
    return parts.length ? parts.join(' · ') : t('operator.plans.free')
  }
  return (
    <Card
      title={t('operator.plans.title')}
      description={t('operator.plans.description')}
      actions={
        <Button
          onClick={() => {
            setNotice(null)
            setEditing('new')
          }}
        >
          {t('operator.plans.new')}
        </Button>
      }
    >
      <div className="space-y-4">
        <ActionFeedback
          error={archive.error && !archiving ? errorMessage(archive.error, t) : null}
          notice={notice}
        />
        <QueryState
          query={query}
          isEmpty={(d) => d.data.length === 0}
          empty={<p className="text-sm">{t('operator.plans.empty')}</p>}
        >
          {(data) => (
            <Table caption={t('operator.plans.title')}>
              <THead>
                <TR>
                  <TH>{t('operator.plans.name')}</TH>
                  <TH>{t('operator.plans.price')}</TH>
                  <TH>{t('operator.plans.limits')}</TH>
                  <TH>{t('operator.plans.source')}</TH>
                  <TH>
                    <span className="sr-only">{t('operator.plans.actions')}</span>
                  </TH>
                </TR>
              </THead>
              <TBody>
                {data.data.map((plan) => (
                  <TR
                    key={plan.id}
                    className={plan.archivedAt ? 'text-slate-600 dark:text-slate-300' : undefined}
                  >
                    <TD>
                      <span className="font-medium">{plan.name}</span>{' '}
                      <code className="text-xs">{plan.key}</code>
                      {plan.isDefault ? <Tag>{t('operator.plans.default')}</Tag> : null}
                      {plan.archivedAt ? <Tag>{t('operator.plans.archived')}</Tag> : null}
                    </TD>
                    <TD className="whitespace-nowrap tabular-nums">{price(plan)}</TD>
                    <TD className="text-xs">
                      {meterKeys
                        .map((key) =>
                          t('operator.workspaces.usageLine', {
                            label: t(`billing.usage.labels.${key}`),
                            value: plan.limits[key] === null ? '∞' : format(key, plan.limits[key]),
                          }),
                        )
                        .join(' · ')}
                    </TD>
                    <TD>{t(`operator.plans.sources.${plan.source}`)}</TD>
                    <TD className="whitespace-nowrap text-right">
                      {plan.source === 'operator' ? (
                        <div className="flex justify-end gap-2">
                          <Button variant="secondary" onClick={() => setEditing(plan)}>
                            {t('operator.plans.edit')}
                            <span className="sr-only"> {plan.name}</span>
                          </Button>
                          {plan.archivedAt ? (
                            <Button
                              variant="secondary"
                              loading={archive.isPending && archive.variables?.plan.id === plan.id}
                              onClick={() => archive.mutate({ plan, archived: false })}
                            >
                              {t('operator.plans.unarchive')}
                              <span className="sr-only"> {plan.name}</span>
                            </Button>
                          ) : plan.isDefault ? null : (
                            <Button variant="ghost" onClick={() => setArchiving(plan)}>
                              {t('operator.plans.archive')}
                              <span className="sr-only"> {plan.name}</span>
                            </Button>
                          )}
                        </div>
                      ) : null}
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
        </QueryState>
      </div>
      {editing ? (
        <PlanDialog
          plan={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={async (plan) => {
            setEditing(null)
            setNotice(t('operator.plans.saved', { plan: plan.name }))
            await refresh()
          }}
        />
      ) : null}
      <ConfirmDialog
        open={archiving !== null}
        title={t('operator.plans.archiveTitle', { plan: archiving?.name ?? '' })}
        description={t('operator.plans.archiveBody')}
        confirmLabel={t('operator.plans.archive')}
        pending={archive.isPending}
        error={archive.error ? errorMessage(archive.error, t) : null}
        onConfirm={() => archiving && archive.mutate({ plan: archiving, archived: true })}
        onClose={() => {
          setArchiving(null)
          archive.reset()
        }}
      />
    </Card>
  )
}

function Tag({ children }: { children: string }) {
  return (
    <span className="ml-2 inline-block rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-800 dark:bg-slate-700 dark:text-slate-100">
      {children}
    </span>
  )
}

type PlanForm = {
  key: string
  name: string
  description: string
  currency: string
  monthlyAmount: string
  yearlyAmount: string
  stripePriceMonthly: string
  stripePriceYearly: string
  trialDays: string
  limits: Record<(typeof meterKeys)[number], string>
  features: Plan['features']
}

const GB = 1_000_000_000

function formOf(plan: Plan | null): PlanForm {
  const limit = (key: (typeof meterKeys)[number]) => {
    const value = plan?.limits[key]
    if (value === null || value === undefined) return ''
    return key === 'storageBytes' ? String(value / GB) : String(value)
  }
  const currency = plan?.currency ?? 'USD'
  return {
    key: plan?.key ?? '',
    name: plan?.name ?? '',
    description: plan?.description ?? '',
    currency,
    monthlyAmount: plan?.monthlyAmount ? fromMinorUnits(plan.monthlyAmount, currency) : '',
    yearlyAmount: plan?.yearlyAmount ? fromMinorUnits(plan.yearlyAmount, currency) : '',
    stripePriceMonthly: plan?.stripePriceMonthly ?? '',
    stripePriceYearly: plan?.stripePriceYearly ?? '',
    trialDays: String(plan?.trialDays ?? 0),
    limits: {
      seats: limit('seats'),
      clients: limit('clients'),
      invoicesPerMonth: limit('invoicesPerMonth'),
      storageBytes: limit('storageBytes'),
      apiCallsPerMonth: limit('apiCallsPerMonth'),
    },
    features: plan?.features ?? {
      customDomain: false,
      sso: false,
      whiteLabel: false,
      recurringInvoices: false,
    },
  }
}

/** A whole number ≥ 0 from a field, null for empty, undefined when it is not one. */
export function wholeNumber(text: string, scale = 1): number | null | undefined {
  const trimmed = text.trim()
  if (!trimmed) return null
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined
  const value = Math.round(Number(trimmed) * scale)
  return Number.isSafeInteger(value) ? value : undefined
}

function PlanDialog({
  plan,
  onClose,
  onSaved,
}: {
  plan: Plan | null
  onClose: () => void
  onSaved: (plan: Plan) => void
}) {
  const { t } = useTranslation()
  const [form, setForm] = useState(() => formOf(plan))
  const [local, setLocal] = useState<Record<string, string>>({})
  const save = useMutation({
    mutationFn: (input: PlanInput) => {
      if (!plan) return operatorApi.createPlan(input)
      const { key: _key, ...update } = input
      return operatorApi.updatePlan(plan.id, update)
    },
    onSuccess: onSaved,
  })
  const set = (patch: Partial<PlanForm>) => setForm((f) => ({ ...f, ...patch }))
  const submit = () => {
    const errors: Record<string, string> = {}
    const amount = (field: 'monthlyAmount' | 'yearlyAmount') => {
      if (!form[field].trim()) return null
      const value = toMinorUnits(form[field], form.currency)
      if (value === null || value < 0) errors[field] = t('operator.planForm.invalidAmount')
      return value
    }
    const limits = {} as PlanInput['limits'] & object
    for (const key of meterKeys) {
      const value = wholeNumber(form.limits[key], key === 'storageBytes' ? GB : 1)
      if (value === undefined) errors[`limits.${key}`] = t('operator.planForm.invalidNumber')
      else limits[key] = value
    }
    const trialDays = wholeNumber(form.trialDays)
    if (trialDays === undefined) errors.trialDays = t('operator.planForm.invalidNumber')
    const input: PlanInput = {
      key: form.key,
      name: form.name,
      description: form.description,
      currency: form.currency,
      monthlyAmount: amount('monthlyAmount'),
      yearlyAmount: amount('yearlyAmount'),
      stripePriceMonthly: form.stripePriceMonthly.trim() || null,
      stripePriceYearly: form.stripePriceYearly.trim() || null,
      trialDays: trialDays ?? 0,
      limits,
      features: form.features,
    }
    setLocal(errors)
    if (Object.keys(errors).length === 0) save.mutate(input)
  }
  const server = fieldErrorsOf(save.error)
  const error = (field: string) => local[field] ?? server[field]
  const handled = [
    'key',
    'name',
    'description',
    'currency',
    'monthlyAmount',
    'yearlyAmount',
    'stripePriceMonthly',
    'stripePriceYearly',
    'trialDays',
    ...meterKeys.map((k) => `limits.${k}`),
  ]
  return (
    <FormDialog
      title={
        plan ? t('operator.planForm.editTitle', { plan: plan.name }) : t('operator.planForm.createTitle')
      }
      submitLabel={plan ? t('operator.planForm.save') : t('operator.planForm.create')}
      pending={save.isPending}
      onSubmit={submit}
      onClose={onClose}
    >
      <FormError message={formErrorOf(save.error, t, handled)} />
      <div className="grid gap-3 sm:grid-cols-2">
        {plan ? null : (
          <Input
            label={t('operator.planForm.key')}
            hint={t('operator.planForm.keyHint')}
            required
            value={form.key}
            error={error('key')}
            onChange={(e) => set({ key: e.target.value })}
          />
        )}
        <Input
          label={t('operator.planForm.name')}
          required
          value={form.name}
          error={error('name')}
          onChange={(e) => set({ name: e.target.value })}
        />
        <Input
          label={t('operator.planForm.description')}
          containerClassName="sm:col-span-2"
          value={form.description}
          error={error('description')}
          onChange={(e) => set({ description: e.target.value })}
        />
        <Input
          label={t('operator.planForm.currency')}
          value={form.currency}
          maxLength={3}
          error={error('currency')}
          onChange={(e) => set({ currency: e.target.value.toUpperCase() })}
        />
        <Input
          label={t('operator.planForm.trialDays')}
          inputMode="numeric"
          value={form.trialDays}
          error={error('trialDays')}
          onChange={(e) => set({ trialDays: e.target.value })}
        />
        <Input
          label={t('operator.planForm.monthlyAmount')}
          hint={t('operator.planForm.amountHint')}
          inputMode="decimal"
          value={form.monthlyAmount}
          error={error('monthlyAmount')}
          onChange={(e) => set({ monthlyAmount: e.target.value })}
        />
        <Input
          label={t('operator.planForm.stripePriceMonthly')}
          hint={t('operator.planForm.stripePriceHint')}
          value={form.stripePriceMonthly}
          error={error('stripePriceMonthly')}
          onChange={(e) => set({ stripePriceMonthly: e.target.value })}
        />
        <Input
          label={t('operator.planForm.yearlyAmount')}
          inputMode="decimal"
          value={form.yearlyAmount}
          error={error('yearlyAmount')}
          onChange={(e) => set({ yearlyAmount: e.target.value })}
        />
        <Input
          label={t('operator.planForm.stripePriceYearly')}
          value={form.stripePriceYearly}
          error={error('stripePriceYearly')}
          onChange={(e) => set({ stripePriceYearly: e.target.value })}
        />
      </div>
      <Fieldset legend={t('operator.planForm.limits')} hint={t('operator.planForm.limitsHint')}>
        <div className="grid gap-3 sm:grid-cols-2">
          {meterKeys.map((key) => (
            <Input
              key={key}
              label={
                key === 'storageBytes' ? t('operator.planForm.storageGb') : t(`billing.usage.labels.${key}`)
              }
              inputMode={key === 'storageBytes' ? 'decimal' : 'numeric'}
              value={form.limits[key]}
              error={error(`limits.${key}`)}
              onChange={(e) => set({ limits: { ...form.limits, [key]: e.target.value } })}
            />
          ))}
        </div>
      </Fieldset>
      <Fieldset legend={t('operator.planForm.features')}>
        {planFeatureKeys.map((key) => (
          <Checkbox
            key={key}
            label={t(`billing.features.${key}`)}
            checked={form.features[key]}
            onChange={(e) => set({ features: { ...form.features, [key]: e.target.checked } })}
          />
        ))}
      </Fieldset>
    </FormDialog>
  )
}
