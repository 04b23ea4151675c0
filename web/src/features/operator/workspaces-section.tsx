import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ActionFeedback,
  Button,
  Card,
  Fieldset,
  FormDialog,
  FormError,
  Input,
  QueryState,
  Select,
  Table,
  TBody,
  TD,
  TH,
  THead,
  TR,
} from '../../components/ui/index.ts'
import { fieldErrorsOf, formErrorOf } from '../../lib/errors.ts'
import { useFormatDate } from '../../lib/format.ts'
import { useDebounced } from '../../lib/use-server-search.ts'
import { type FeatureKey, type LimitKey, meterKeys, meterTone, planFeatureKeys } from '../billing/api.ts'
import { BillingStatusBadge } from '../billing/billing-page.tsx'
import { useFormatMeter } from '../billing/usage-meter.tsx'
import {
  type LimitOverrides,
  type OperatorWorkspace,
  operatorApi,
  operatorKey,
  operatorPlansQuery,
  operatorWorkspacesQuery,
  type Plan,
} from './api.ts'
import { wholeNumber } from './plans-section.tsx'

/** Every workspace of the installation with its plan, state and usage; the operator sets plan and caps. */
export function WorkspacesSection() {
  const { t } = useTranslation()
  const formatDate = useFormatDate()
  const format = useFormatMeter()
  const [q, setQ] = useState('')
  const search = useDebounced(q.trim(), 250)
  const query = useInfiniteQuery(operatorWorkspacesQuery(search))
  const [editing, setEditing] = useState<OperatorWorkspace | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const usage = (w: OperatorWorkspace, key: LimitKey) => {
    const { used, allowed } = w.usage[key]
    const value = allowed === null ? format(key, used) : `${format(key, used)} / ${format(key, allowed)}`
    return {
      text: t('operator.workspaces.usageLine', { label: t(`billing.usage.labels.${key}`), value }),
      tone: meterTone(used, allowed),
    }
  }
  const pages = query.data ? { rows: query.data.pages.flatMap((p) => p.data) } : undefined
  return (
    <Card title={t('operator.workspaces.title')}>
      <div className="space-y-4">
        <ActionFeedback notice={notice} />
        <Input
          type="search"
          label={t('operator.workspaces.search')}
          hint={t('operator.workspaces.searchHint')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          containerClassName="max-w-sm"
        />
        <QueryState
          query={{ ...query, data: pages }}
          isEmpty={(d) => d.rows.length === 0}
          empty={<p className="text-sm">{t('operator.workspaces.empty')}</p>}
        >
          {({ rows }) => (
            <Table caption={t('operator.workspaces.title')}>
              <THead>
                <TR>
                  <TH>{t('operator.workspaces.name')}</TH>
                  <TH>{t('operator.workspaces.plan')}</TH>
                  <TH>{t('operator.workspaces.status')}</TH>
                  <TH>{t('operator.workspaces.usage')}</TH>
                  <TH>{t('operator.workspaces.created')}</TH>
                  <TH>
                    <span className="sr-only">{t('operator.workspaces.actions')}</span>
                  </TH>
                </TR>
              </THead>
              <TBody>
                {rows.map((w) => (
                  <TR key={w.id}>
                    <TD>
                      <span className="font-medium">{w.name}</span>
                      <br />
                      <code className="text-xs">{w.slug}</code>
                    </TD>
                    <TD>
                      {w.plan.name}
                      {w.limitOverrides && Object.keys(w.limitOverrides).length > 0 ? (
                        <span className="block text-xs text-slate-600 dark:text-slate-300">
                          {t('operator.workspaces.overridden')}
                        </span>
                      ) : null}
                    </TD>
                    <TD>
                      <BillingStatusBadge status={w.status} />
                    </TD>
                    <TD>
                      <ul className="space-y-0.5 text-xs">
                        {meterKeys.map((key) => {
                          const line = usage(w, key)
                          return (
                            <li
                              key={key}
                              className={
                                line.tone === 'full'
                                  ? 'font-semibold text-red-800 dark:text-red-300'
                                  : line.tone === 'warning'
                                    ? 'text-amber-900 dark:text-amber-200'
                                    : undefined
                              }
                            >
                              {line.text}
                            </li>
                          )
                        })}
                      </ul>
                    </TD>
                    <TD className="whitespace-nowrap">{formatDate(w.createdAt)}</TD>
                    <TD className="text-right">
                      <Button
                        variant="secondary"
                        onClick={() => {
                          setNotice(null)
                          setEditing(w)
                        }}
                      >
                        {t('operator.workspaces.set')}
                        <span className="sr-only"> — {w.name}</span>
                      </Button>
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
        </QueryState>
        {query.hasNextPage ? (
          <Button
            variant="secondary"
            loading={query.isFetchingNextPage}
            onClick={() => query.fetchNextPage()}
          >
            {t('operator.workspaces.loadMore')}
          </Button>
        ) : null}
      </div>
      {editing ? (
        <WorkspaceBillingDialog
          workspace={editing}
          onClose={() => setEditing(null)}
          onSaved={(w) => {
            setEditing(null)
            setNotice(t('operator.workspaceForm.saved', { workspace: w.name }))
          }}
        />
      ) : null}
    </Card>
  )
}

const GB = 1_000_000_000
type FeatureChoice = 'plan' | 'on' | 'off'

function WorkspaceBillingDialog({
  workspace,
  onClose,
  onSaved,
}: {
  workspace: OperatorWorkspace
  onClose: () => void
  onSaved: (w: OperatorWorkspace) => void
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const plans = useQuery(operatorPlansQuery)
  const format = useFormatMeter()
  const overrides = workspace.limitOverrides ?? {}
  const [planKey, setPlanKey] = useState(workspace.plan.key)
  const [limits, setLimits] = useState<Record<LimitKey, string>>(() => {
    const initial = {} as Record<LimitKey, string>
    for (const key of meterKeys) {
      const value = overrides[key]
      initial[key] =
        value === null || value === undefined ? '' : String(key === 'storageBytes' ? value / GB : value)
    }
    return initial
  })
  const [features, setFeatures] = useState<Record<FeatureKey, FeatureChoice>>(() => {
    const initial = {} as Record<FeatureKey, FeatureChoice>
    for (const key of planFeatureKeys) {
      const value = overrides.features?.[key]
      initial[key] = value === true ? 'on' : value === false ? 'off' : 'plan'
    }
    return initial
  })
  const [local, setLocal] = useState<Record<string, string>>({})
  const save = useMutation({
    mutationFn: (input: { planKey: string; limitOverrides: LimitOverrides | null }) =>
      operatorApi.setWorkspaceBilling(workspace.id, input),
    onSuccess: async (updated) => {
      await queryClient.invalidateQueries({ queryKey: operatorKey })
      onSaved(updated ?? workspace)
    },
  })
  const plan: Plan | undefined = plans.data?.data.find((p) => p.key === planKey)
  const submit = () => {
    const errors: Record<string, string> = {}
    const result: LimitOverrides = {}
    for (const key of meterKeys) {
      const value = wholeNumber(limits[key], key === 'storageBytes' ? GB : 1)
      if (value === undefined) errors[`limitOverrides.${key}`] = t('operator.planForm.invalidNumber')
      else if (value !== null) result[key] = value
    }
    const chosen: NonNullable<LimitOverrides['features']> = {}
    for (const key of planFeatureKeys) if (features[key] !== 'plan') chosen[key] = features[key] === 'on'
    if (Object.keys(chosen).length) result.features = chosen
    setLocal(errors)
    if (Object.keys(errors).length) return
    save.mutate({ planKey, limitOverrides: Object.keys(result).length ? result : null })
  }
  const server = fieldErrorsOf(save.error)
  const error = (field: string) => local[field] ?? server[field]
  const planValue = (key: LimitKey) => {
    const value = plan?.limits[key]
    return value === null || value === undefined ? t('operator.workspaceForm.unlimited') : format(key, value)
  }
  return (
    <FormDialog
      title={t('operator.workspaceForm.title', { workspace: workspace.name })}
      description={t('operator.workspaceForm.description')}
      submitLabel={t('operator.workspaceForm.save')}
      pending={save.isPending}
      onSubmit={submit}
      onClose={onClose}
    >
      <FormError
        message={formErrorOf(save.error, t, ['planKey', ...meterKeys.map((k) => `limitOverrides.${k}`)])}
      />
      <QueryState query={plans}>
        {(data) => (
          <Select
            label={t('operator.workspaceForm.plan')}
            value={planKey}
            error={error('planKey')}
            onChange={(e) => setPlanKey(e.target.value)}
          >
            {data.data
              .filter((p) => !p.archivedAt || p.key === workspace.plan.key)
              .map((p) => (
                <option key={p.id} value={p.key}>
                  {p.name}
                </option>
              ))}
          </Select>
        )}
      </QueryState>
      <Fieldset legend={t('operator.workspaceForm.overrides')}>
        <div className="grid gap-3 sm:grid-cols-2">
          {meterKeys.map((key) => (
            <Input
              key={key}
              label={
                key === 'storageBytes' ? t('operator.planForm.storageGb') : t(`billing.usage.labels.${key}`)
              }
              hint={t('operator.workspaceForm.planValue', { value: planValue(key) })}
              inputMode={key === 'storageBytes' ? 'decimal' : 'numeric'}
              value={limits[key]}
              error={error(`limitOverrides.${key}`)}
              onChange={(e) => setLimits({ ...limits, [key]: e.target.value })}
            />
          ))}
        </div>
      </Fieldset>
      <Fieldset legend={t('operator.workspaceForm.features')}>
        <div className="grid gap-3 sm:grid-cols-2">
          {planFeatureKeys.map((key) => (
            <Select
              key={key}
              label={t(`billing.features.${key}`)}
              value={features[key]}
              onChange={(e) => setFeatures({ ...features, [key]: e.target.value as FeatureChoice })}
            >
              <option value="plan">
                {t('operator.workspaceForm.featurePlan', {
                  value: plan?.features[key]
                    ? t('operator.workspaceForm.on')
                    : t('operator.workspaceForm.off'),
                })}
              </option>
              <option value="on">{t('operator.workspaceForm.featureOn')}</option>
              <option value="off">{t('operator.workspaceForm.featureOff')}</option>
            </Select>
          ))}
        </div>
      </Fieldset>
    </FormDialog>
  )
}
