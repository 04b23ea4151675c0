import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { useDeferredValue, useMemo, useReducer, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Combobox } from '../../components/ui/combobox.tsx'
import { Alert, Button, Checkbox, Form, Input, Select, Textarea } from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { useIntlOptions } from '../../lib/intl-options.ts'
import { fromMinorUnits, taxRatesQuery } from '../invoices/api.ts'
import { Money } from '../invoices/badges.tsx'
import { ClientPicker } from '../invoices/client-picker.tsx'
import {
  type EditorDraft,
  editorReducer,
  emptyDraft,
  emptyLine,
  inputOf,
  type LineDraft,
  liveTotals,
} from '../invoices/editor-state.ts'
import { DiscountKindSelect, type LineErrors } from '../invoices/line-row.tsx'
import { LinesTable } from '../invoices/lines-table.tsx'
import {
  type CreateRecurring,
  type Recurring,
  type RecurringFrequency,
  recurringApi,
  recurringFrequencies,
  recurringKey,
  recurringQuery,
} from './api.ts'
import './strings.ts'

type EndMode = 'never' | 'date' | 'count'
type Schedule = {
  name: string
  frequency: RecurringFrequency
  interval: string
  startDate: string
  end: EndMode
  endDate: string
  count: string
  dueDays: string
  autoSend: boolean
}

const today = () => {
  const now = new Date()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

const amountText = (value: string | number, currency: string) => fromMinorUnits(Number(value), currency)

/** A stored profile as the shared line editor shows it. */
function draftOfProfile(profile: Recurring): EditorDraft {
  const discount = profile.discount
  return {
    ...emptyDraft(profile.currency),
    client: profile.client,
    notes: profile.notes ?? '',
    terms: profile.terms ?? '',
    discountKind: discount?.type ?? 'percent',
    discount: !discount
      ? ''
      : discount.type === 'percent'
        ? String(discount.value)
        : amountText(discount.value, profile.currency),
    shipping: profile.shipping ? fromMinorUnits(profile.shipping, profile.currency) : '',
    lines: profile.lines.map(
      (line): LineDraft => ({
        ...emptyLine(),
        productId: line.productId,
        description: line.description,
        quantity: line.quantity,
        unit: line.unit ?? '',
        unitPrice: fromMinorUnits(line.unitPrice, profile.currency),
        discountKind: line.discount?.type ?? 'percent',
        discount: !line.discount
          ? ''
          : line.discount.type === 'percent'
            ? String(line.discount.value)
            : amountText(line.discount.value, profile.currency),
        taxRateIds: line.taxRateIds,
      }),
    ),
  }
}

const scheduleOf = (profile?: Recurring): Schedule => ({
  name: profile?.name ?? '',
  frequency: profile?.frequency ?? 'monthly',
  interval: String(profile?.interval ?? 1),
  startDate: profile?.startDate ?? today(),
  end: profile?.endDate ? 'date' : profile?.count ? 'count' : 'never',
  endDate: profile?.endDate ?? '',
  count: profile?.count ? String(profile.count) : '',
  dueDays: profile?.dueDays === null || profile?.dueDays === undefined ? '' : String(profile.dueDays),
  autoSend: profile?.autoSend ?? false,
})

/** Whole numbers as typed; anything else is sent as NaN so the server names the field. */
const whole = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN)

/**
 * Creates or changes a recurring invoice: client, the lines every invoice carries (the invoice editor's
 * line rows), frequency, first date, end (a date or a count), payment terms and whether each invoice is
 * sent by itself.
 */
export function RecurringForm({ profile, onDone }: { profile?: Recurring; onDone?: () => void }) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [draft, dispatch] = useReducer(editorReducer, undefined, () =>
    profile ? draftOfProfile(profile) : emptyDraft(''),
  )
  const [schedule, setSchedule] = useState(() => scheduleOf(profile))
  const set = (patch: Partial<Schedule>) => setSchedule((s) => ({ ...s, ...patch }))
  const currency = draft.currency || 'EUR'
  const ratesQuery = useQuery(taxRatesQuery)
  const rates = ratesQuery.data?.data ?? []
  const rateMap = useMemo(() => new Map(rates.map((rate) => [rate.id, rate])), [rates])
  const deferred = useDeferredValue(draft)
  const live = useMemo(() => liveTotals({ ...deferred, currency }, rateMap), [deferred, currency, rateMap])
  const options = useIntlOptions()

  const save = useMutation({
    mutationFn: () => {
      const doc = inputOf({ ...draft, currency })
      const body: CreateRecurring = {
        name: schedule.name.trim() || null,
        clientId: doc.clientId,
        currency: draft.currency || undefined,
        lines: doc.lines ?? [],
        discount: doc.discount,
        shipping: doc.shipping,
        notes: doc.notes,
        terms: doc.terms,
        frequency: schedule.frequency,
        interval: whole(schedule.interval),
        startDate: schedule.startDate,
        endDate: schedule.end === 'date' ? schedule.endDate : null,
        count: schedule.end === 'count' ? whole(schedule.count) : null,
        dueDays: schedule.dueDays.trim() ? whole(schedule.dueDays) : null,
        autoSend: schedule.autoSend,
      }
      return profile
        ? recurringApi.update({ recurringId: profile.id, input: body })
        : recurringApi.create(body)
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(recurringQuery(saved.id).queryKey, saved)
      void queryClient.invalidateQueries({ queryKey: [...recurringKey, 'list'] })
      showToast({ message: t('recurring.editor.saved') })
      if (profile) onDone?.()
      else void navigate({ to: '/recurring/$recurringId', params: { recurringId: saved.id } })
    },
  })
  const fields = fieldErrorsOf(save.error)
  const lineErrors = useMemo(() => {
    const byLine: LineErrors[] = []
    for (const [field, message] of Object.entries(fields)) {
      const m = /^lines\.(\d+)(?:\.(\w+))?/.exec(field)
      if (!m) continue
      const at = Number(m[1])
      const key = (m[2] ?? 'line') as keyof LineErrors
      byLine[at] = { ...byLine[at], [key]: byLine[at]?.[key] ?? message }
    }
    return byLine
  }, [fields])
  const placed =
    /^(lines|clientId|currency|name|frequency|interval|startDate|endDate|count|dueDays|notes|terms|discount|shipping)/
  const unplaced = save.error
    ? Object.keys(fields).length === 0 || Object.keys(fields).some((f) => !placed.test(f))
    : false

  return (
    <Form onSubmit={() => save.mutate()} className="space-y-6">
      {unplaced ? <Alert tone="error">{errorMessage(save.error, t)}</Alert> : null}
      {profile ? (
        <p className="text-sm text-slate-700 dark:text-slate-300">{t('recurring.editor.editHint')}</p>
      ) : null}
      <section aria-labelledby="recurring-details" className="space-y-4">
        <h2 id="recurring-details" className="text-lg font-semibold">
          {t('recurring.editor.details')}
        </h2>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          <Input
            label={t('recurring.fields.name')}
            hint={t('recurring.fields.nameHint')}
            value={schedule.name}
            error={fields.name}
            onChange={(e) => set({ name: e.target.value })}
          />
          <ClientPicker
            label={t('recurring.fields.client')}
            value={draft.client}
            error={fields.clientId}
            onChange={(client) =>
              dispatch({
                type: 'set',
                patch: {
                  client: client ? { id: client.id, name: client.name } : null,
                  ...(client?.currency && !profile ? { currency: client.currency } : {}),
                },
              })
            }
          />
          <Combobox
            key={currency}
            label={t('invoices.fields.currency')}
            options={options.currencies()}
            value={currency}
            error={fields.currency}
            onChange={(value) => value && dispatch({ type: 'set', patch: { currency: value } })}
          />
        </div>
      </section>

      <section aria-labelledby="recurring-schedule" className="space-y-4">
        <h2 id="recurring-schedule" className="text-lg font-semibold">
          {t('recurring.editor.schedule')}
        </h2>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Input
            label={t('recurring.fields.interval')}
            inputMode="numeric"
            value={schedule.interval}
            error={fields.interval}
            onChange={(e) => set({ interval: e.target.value })}
          />
          <Select
            label={t('recurring.fields.frequency')}
            value={schedule.frequency}
            error={fields.frequency}
            onChange={(e) => set({ frequency: e.target.value as RecurringFrequency })}
          >
            {recurringFrequencies.map((f) => (
              <option key={f} value={f}>
                {t(`recurring.frequencies.${f}`)}
              </option>
            ))}
          </Select>
          <Input
            type="date"
            label={t('recurring.fields.startDate')}
            value={schedule.startDate}
            error={fields.startDate}
            onChange={(e) => set({ startDate: e.target.value })}
          />
          <Input
            label={t('recurring.fields.dueDays')}
            hint={t('recurring.fields.dueDaysHint')}
            inputMode="numeric"
            value={schedule.dueDays}
            error={fields.dueDays}
            onChange={(e) => set({ dueDays: e.target.value })}
          />
          <Select
            label={t('recurring.fields.end')}
            value={schedule.end}
            onChange={(e) => set({ end: e.target.value as EndMode })}
          >
            <option value="never">{t('recurring.fields.endNever')}</option>
            <option value="date">{t('recurring.fields.endDate')}</option>
            <option value="count">{t('recurring.fields.endCount')}</option>
          </Select>
          {schedule.end === 'date' ? (
            <Input
              type="date"
              label={t('recurring.fields.endDateValue')}
              value={schedule.endDate}
              error={fields.endDate}
              onChange={(e) => set({ endDate: e.target.value })}
            />
          ) : null}
          {schedule.end === 'count' ? (
            <Input
              label={t('recurring.fields.countValue')}
              inputMode="numeric"
              value={schedule.count}
              error={fields.count}
              onChange={(e) => set({ count: e.target.value })}
            />
          ) : null}
        </div>
        <Checkbox
          label={t('recurring.fields.autoSend')}
          hint={t('recurring.fields.autoSendHint')}
          checked={schedule.autoSend}
          onChange={(e) => set({ autoSend: e.target.checked })}
        />
      </section>

      <section aria-labelledby="recurring-lines" className="space-y-2">
        <h2 id="recurring-lines" className="text-lg font-semibold">
          {t('recurring.editor.lines')}
        </h2>
        {fields.lines ? <p className="text-sm text-red-700 dark:text-red-300">{fields.lines}</p> : null}
        <LinesTable
          lines={draft.lines}
          currency={currency}
          rates={rates}
          errors={lineErrors}
          amounts={live.totals?.lines}
          dispatch={dispatch}
        />
      </section>

      <section className="grid gap-4 sm:grid-cols-2">
        <div className="flex items-start gap-1">
          <Input
            label={t('invoices.editor.documentDiscount')}
            inputMode="decimal"
            value={draft.discount}
            error={fields.discount}
            containerClassName="flex-1"
            onChange={(e) => dispatch({ type: 'set', patch: { discount: e.target.value } })}
          />
          <div className="mt-6">
            <DiscountKindSelect
              label={t('invoices.fields.discountType')}
              value={draft.discountKind}
              currency={currency}
              onChange={(discountKind) => dispatch({ type: 'set', patch: { discountKind } })}
            />
          </div>
        </div>
        <Input
          label={`${t('invoices.fields.shipping')} (${currency})`}
          inputMode="decimal"
          value={draft.shipping}
          error={fields.shipping}
          onChange={(e) => dispatch({ type: 'set', patch: { shipping: e.target.value } })}
        />
        <Textarea
          label={t('invoices.fields.notes')}
          rows={3}
          value={draft.notes}
          error={fields.notes}
          onChange={(e) => dispatch({ type: 'set', patch: { notes: e.target.value } })}
        />
        <Textarea
          label={t('invoices.fields.terms')}
          rows={3}
          value={draft.terms}
          error={fields.terms}
          onChange={(e) => dispatch({ type: 'set', patch: { terms: e.target.value } })}
        />
      </section>

      <p className="text-right text-lg font-semibold" aria-live="polite">
        {t('recurring.fields.total')}: <Money value={live.totals?.total ?? 0} currency={currency} />
      </p>

      <div className="flex flex-wrap gap-2">
        <Button type="submit" loading={save.isPending}>
          {profile ? t('recurring.editor.save') : t('recurring.editor.create')}
        </Button>
        <Button
          variant="secondary"
          onClick={() => (profile ? onDone?.() : void navigate({ to: '/recurring' }))}
        >
          {t('recurring.editor.cancel')}
        </Button>
      </div>
    </Form>
  )
}
