import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Combobox } from '../../components/ui/combobox.tsx'
import {
  ActionFeedback,
  Alert,
  Button,
  Card,
  Form,
  Input,
  PageSpinner,
  Select,
  Switch,
  Textarea,
} from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { errorMessage, formErrorOf } from '../../lib/errors.ts'
import { useIntlOptions } from '../../lib/intl-options.ts'
import { useValidatedForm } from '../../lib/use-validated-form.ts'
import { can, type Me } from '../auth/api.ts'
import {
  exampleNumber,
  type InvoiceSettings,
  type InvoiceSettingsInput,
  invoiceSettingsApi,
  type NextNumbers,
  nextNumbersQuery,
  previewUrl,
  settingsQuery,
} from './api.ts'

const kinds = ['invoice', 'quote', 'credit_note'] as const
type Kind = (typeof kinds)[number]
const resets = ['yearly', 'monthly', 'never'] as const
type Reset = (typeof resets)[number]
const templates = ['classic', 'modern', 'compact'] as const
type Template = (typeof templates)[number]
const defaults: Record<Kind, { pattern: string; reset: Reset }> = {
  invoice: { pattern: 'INV-{YYYY}-{SEQ:5}', reset: 'yearly' },
  quote: { pattern: 'QUO-{YYYY}-{SEQ:5}', reset: 'yearly' },
  credit_note: { pattern: 'CN-{YYYY}-{SEQ:5}', reset: 'yearly' },
}
const legalKeys = [
  'name',
  'legalName',
  'taxId',
  'vatId',
  'registrationId',
  'email',
  'phone',
  'website',
] as const
const addressKeys = ['line1', 'line2', 'postalCode', 'city', 'region', 'countryCode'] as const
const bankKeys = ['accountName', 'iban', 'bic', 'bankName'] as const
type LegalKey = (typeof legalKeys)[number]
type AddressKey = (typeof addressKeys)[number]
type BankKey = (typeof bankKeys)[number]

type Draft = {
  baseCurrency: string
  paymentTermsDays: string
  quoteValidDays: string
  numbering: Record<Kind, { pattern: string; reset: Reset }>
  defaultNotes: string
  defaultTerms: string
  defaultFooter: string
  paymentInstructions: string
  legal: Record<LegalKey, string>
  address: Record<AddressKey, string>
  bank: Record<BankKey, string>
  template: Template
  brandColor: string
  reminders: { enabled: boolean; daysBefore: string; daysAfter: string }
}

const str = (v: unknown) => (typeof v === 'string' ? v : '')
const obj = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {})

function draftOf(s: InvoiceSettings): Draft {
  const legal = obj(s.legal)
  const address = obj(legal.address)
  const bank = obj(legal.bank)
  const numbering = Object.fromEntries(
    kinds.map((k) => [k, s.numbering[k] ?? defaults[k]]),
  ) as Draft['numbering']
  return {
    baseCurrency: s.baseCurrency,
    paymentTermsDays: String(s.paymentTermsDays),
    quoteValidDays: String(s.quoteValidDays),
    numbering,
    defaultNotes: s.defaultNotes ?? '',
    defaultTerms: s.defaultTerms ?? '',
    defaultFooter: s.defaultFooter ?? '',
    paymentInstructions: s.paymentInstructions ?? '',
    legal: Object.fromEntries(legalKeys.map((k) => [k, str(legal[k])])) as Draft['legal'],
    address: Object.fromEntries(
      addressKeys.map((k) => [k, str(address[k] ?? (k === 'countryCode' ? address.country : ''))]),
    ) as Draft['address'],
    bank: Object.fromEntries(bankKeys.map((k) => [k, str(bank[k])])) as Draft['bank'],
    template: s.template,
    brandColor: s.brandColor,
    reminders: {
      enabled: s.reminders.enabled,
      daysBefore: s.reminders.daysBefore.join(', '),
      daysAfter: s.reminders.daysAfter.join(', '),
    },
  }
}

const days = (text: string) =>
  text
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((d) => Number(d))
const daysValid = (text: string) => days(text).every((d) => Number.isInteger(d) && d > 0)
const orNull = (text: string) => (text.trim() ? text.trim() : null)
const wholeNumber = (text: string) => /^\d{1,3}$/.test(text.trim())

function inputOf(d: Draft): InvoiceSettingsInput {
  const address = Object.fromEntries(addressKeys.map((k) => [k, orNull(d.address[k])]))
  const bank = Object.fromEntries(bankKeys.map((k) => [k, orNull(d.bank[k])]))
  return {
    baseCurrency: d.baseCurrency,
    paymentTermsDays: Number(d.paymentTermsDays),
    quoteValidDays: Number(d.quoteValidDays),
    numbering: d.numbering,
    defaultNotes: orNull(d.defaultNotes),
    defaultTerms: orNull(d.defaultTerms),
    defaultFooter: orNull(d.defaultFooter),
    paymentInstructions: orNull(d.paymentInstructions),
    legal: {
      ...Object.fromEntries(legalKeys.map((k) => [k, orNull(d.legal[k])])),
      address: Object.values(address).some(Boolean) ? address : null,
      bank: bank.iban ? (bank as { iban: string }) : null,
    },
    template: d.template,
    brandColor: d.brandColor.trim(),
    reminders: {
      enabled: d.reminders.enabled,
      daysBefore: days(d.reminders.daysBefore),
      daysAfter: days(d.reminders.daysAfter),
    },
  }
}

/** The invoice settings page: one form, saved at once (owners and admins; others read it). */
export function InvoiceSettingsPage({ me }: { me: Me }) {
  const { t } = useTranslation()
  const settings = useQuery(settingsQuery)
  const next = useQuery(nextNumbersQuery)
  if (settings.isPending) return <PageSpinner />
  if (settings.isError) return <Alert tone="error">{errorMessage(settings.error, t)}</Alert>
  return (
    <SettingsForm settings={settings.data} next={next.data ?? null} editable={can(me, 'invoices:settings')} />
  )
}

function SettingsForm({
  settings,
  next,
  editable,
}: {
  settings: InvoiceSettings
  next: NextNumbers | null
  editable: boolean
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const intl = useIntlOptions()
  const [draft, setDraft] = useState(() => draftOf(settings))
  const [saved, setSaved] = useState(false)
  const save = useMutation({
    mutationFn: invoiceSettingsApi.save,
    onSuccess: (data) => {
      setSaved(true)
      queryClient.setQueryData(settingsQuery.queryKey, data)
      void queryClient.invalidateQueries({ queryKey: ['invoice-settings'] })
    },
  })
  const form = useValidatedForm(
    save.error,
    () => ({
      paymentTermsDays: !wholeNumber(draft.paymentTermsDays) && t('validation.required'),
      quoteValidDays: !wholeNumber(draft.quoteValidDays) && t('validation.required'),
      brandColor: !/^#[0-9a-fA-F]{6}$/.test(draft.brandColor.trim()) && t('invoiceSettings.invalidColor'),
      'reminders.daysBefore': !daysValid(draft.reminders.daysBefore) && t('invoiceSettings.invalidDays'),
      'reminders.daysAfter': !daysValid(draft.reminders.daysAfter) && t('invoiceSettings.invalidDays'),
      ...Object.fromEntries(
        kinds.map((k) => [
          `numbering.${k}.pattern`,
          !draft.numbering[k].pattern.trim() && t('validation.required'),
        ]),
      ),
    }),
    () => {
      setSaved(false)
      save.mutate(inputOf(draft))
    },
  )
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setSaved(false)
    setDraft((d) => ({ ...d, [key]: value }))
  }
  const today = next?.asOf ?? new Date().toISOString().slice(0, 10)
  const handled = [
    'baseCurrency',
    'paymentTermsDays',
    'quoteValidDays',
    'brandColor',
    'template',
    ...kinds.flatMap((k) => [`numbering.${k}.pattern`, `numbering.${k}.reset`]),
    ...legalKeys.map((k) => `legal.${k}`),
    ...addressKeys.map((k) => `legal.address.${k}`),
    ...bankKeys.map((k) => `legal.bank.${k}`),
    'defaultNotes',
    'defaultTerms',
    'defaultFooter',
    'paymentInstructions',
    'reminders.daysBefore',
    'reminders.daysAfter',
  ]
  const legalInput = (key: LegalKey, type = 'text') => (
    <Input
      label={t(`invoiceSettings.legal.${key}`)}
      name={`legal.${key}`}
      type={type}
      value={draft.legal[key]}
      disabled={!editable}
      onChange={(e) => set('legal', { ...draft.legal, [key]: e.target.value })}
      error={form.errorFor(`legal.${key}`)}
    />
  )
  const addressInput = (key: Exclude<AddressKey, 'countryCode'>) => (
    <Input
      label={t(`invoiceSettings.legal.${key}`)}
      name={`legal.address.${key}`}
      value={draft.address[key]}
      disabled={!editable}
      onChange={(e) => set('address', { ...draft.address, [key]: e.target.value })}
      error={form.errorFor(`legal.address.${key}`)}
    />
  )
  const bankInput = (key: BankKey, hint?: string) => (
    <Input
      label={t(`invoiceSettings.legal.${key}`)}
      name={`legal.bank.${key}`}
      hint={hint}
      value={draft.bank[key]}
      disabled={!editable}
      onChange={(e) => set('bank', { ...draft.bank, [key]: e.target.value })}
      error={form.errorFor(`legal.bank.${key}`)}
    />
  )
  const textArea = (key: 'defaultNotes' | 'defaultTerms' | 'defaultFooter' | 'paymentInstructions') => {
    const label = {
      defaultNotes: t('invoiceSettings.texts.notes'),
      defaultTerms: t('invoiceSettings.texts.terms'),
      defaultFooter: t('invoiceSettings.texts.footer'),
      paymentInstructions: t('invoiceSettings.texts.paymentInstructions'),
    }[key]
    return (
      <Textarea
        label={label}
        name={key}
        rows={3}
        value={draft[key]}
        disabled={!editable}
        onChange={(e) => set(key, e.target.value)}
        error={form.errorFor(key)}
      />
    )
  }

  return (
    <Form onSubmit={form.onSubmit} className="space-y-6">
      {editable ? null : <Alert tone="info">{t('invoiceSettings.noAccess')}</Alert>}
      <ActionFeedback
        error={formErrorOf(save.error, t, handled)}
        notice={saved ? t('invoiceSettings.saved') : null}
      />
      <Card title={t('invoiceSettings.general.title')}>
        <div className="grid max-w-3xl gap-4 sm:grid-cols-3">
          <Combobox
            label={t('invoiceSettings.general.baseCurrency')}
            hint={t('invoiceSettings.general.baseCurrencyHint')}
            options={intl.currencies()}
            value={draft.baseCurrency}
            onChange={(v) => v && set('baseCurrency', v)}
            error={form.errorFor('baseCurrency')}
          />
          <Input
            label={t('invoiceSettings.general.paymentTermsDays')}
            hint={t('invoiceSettings.general.paymentTermsHint')}
            name="paymentTermsDays"
            inputMode="numeric"
            value={draft.paymentTermsDays}
            disabled={!editable}
            onChange={(e) => set('paymentTermsDays', e.target.value)}
            error={form.errorFor('paymentTermsDays')}
          />
          <Input
            label={t('invoiceSettings.general.quoteValidDays')}
            name="quoteValidDays"
            inputMode="numeric"
            value={draft.quoteValidDays}
            disabled={!editable}
            onChange={(e) => set('quoteValidDays', e.target.value)}
            error={form.errorFor('quoteValidDays')}
          />
        </div>
      </Card>

      <Card
        title={t('invoiceSettings.numbering.title')}
        description={t('invoiceSettings.numbering.description')}
      >
        <div className="space-y-5">
          {kinds.map((kind) => {
            const n = draft.numbering[kind]
            const seq = next?.next[kind][n.reset] ?? 1
            const example = exampleNumber(n.pattern, seq, today)
            const setN = (value: Partial<Draft['numbering'][Kind]>) =>
              set('numbering', { ...draft.numbering, [kind]: { ...n, ...value } })
            return (
              <fieldset key={kind} className="grid max-w-3xl items-start gap-3 sm:grid-cols-[2fr_1fr_auto]">
                <legend className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">
                  {t(`invoiceSettings.numbering.kinds.${kind}`)}
                </legend>
                <Input
                  label={t('invoiceSettings.numbering.pattern')}
                  name={`numbering.${kind}.pattern`}
                  value={n.pattern}
                  disabled={!editable}
                  hint={
                    <span aria-live="polite">
                      {example
                        ? t('invoiceSettings.numbering.next', { number: example })
                        : t('invoiceSettings.numbering.nextUnknown')}
                    </span>
                  }
                  onChange={(e) => setN({ pattern: e.target.value })}
                  error={form.errorFor(`numbering.${kind}.pattern`)}
                />
                <Select
                  label={t('invoiceSettings.numbering.reset')}
                  name={`numbering.${kind}.reset`}
                  value={n.reset}
                  disabled={!editable}
                  onChange={(e) => setN({ reset: e.target.value as Reset })}
                  error={form.errorFor(`numbering.${kind}.reset`)}
                >
                  {resets.map((r) => (
                    <option key={r} value={r}>
                      {t(`invoiceSettings.numbering.resets.${r}`)}
                    </option>
                  ))}
                </Select>
                {editable ? (
                  <Button
                    variant="ghost"
                    className="sm:mt-6"
                    aria-label={t('invoiceSettings.numbering.useDefaultNamed', {
                      kind: t(`invoiceSettings.numbering.kinds.${kind}`),
                    })}
                    onClick={() => setN(defaults[kind])}
                  >
                    {t('invoiceSettings.numbering.useDefault')}
                  </Button>
                ) : null}
              </fieldset>
            )
          })}
        </div>
      </Card>

      <Card title={t('invoiceSettings.texts.title')} description={t('invoiceSettings.texts.description')}>
        <div className="grid max-w-3xl gap-4 sm:grid-cols-2">
          {textArea('defaultNotes')}
          {textArea('defaultTerms')}
          {textArea('defaultFooter')}
          {textArea('paymentInstructions')}
        </div>
      </Card>

      <Card title={t('invoiceSettings.legal.title')} description={t('invoiceSettings.legal.description')}>
        <div className="grid max-w-3xl gap-4 sm:grid-cols-2">
          {legalInput('name')}
          {legalInput('legalName')}
          {addressInput('line1')}
          {addressInput('line2')}
          {addressInput('postalCode')}
          {addressInput('city')}
          {addressInput('region')}
          <Combobox
            label={t('invoiceSettings.legal.country')}
            options={intl.countries()}
            value={draft.address.countryCode || null}
            noneLabel="—"
            onChange={(v) => set('address', { ...draft.address, countryCode: v ?? '' })}
            error={form.errorFor('legal.address.countryCode')}
          />
          {legalInput('taxId')}
          {legalInput('vatId')}
          {legalInput('registrationId')}
          {legalInput('email', 'email')}
          {legalInput('phone', 'tel')}
          {legalInput('website', 'url')}
        </div>
        <fieldset className="mt-6 grid max-w-3xl gap-4 sm:grid-cols-2">
          <legend className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">
            {t('invoiceSettings.legal.bank')}
          </legend>
          {bankInput('accountName')}
          {bankInput('iban', t('invoiceSettings.legal.ibanHint'))}
          {bankInput('bic')}
          {bankInput('bankName')}
        </fieldset>
      </Card>

      <Card title={t('invoiceSettings.look.title')} description={t('invoiceSettings.look.previewHint')}>
        <div className="space-y-4">
          <fieldset>
            <legend className="mb-2 text-sm font-medium text-slate-800 dark:text-slate-200">
              {t('invoiceSettings.look.template')}
            </legend>
            <div className="grid gap-3 sm:grid-cols-3">
              {templates.map((tpl) => (
                <div
                  key={tpl}
                  className="rounded-lg border border-slate-300 p-3 has-[:checked]:border-indigo-700 dark:border-slate-600 dark:has-[:checked]:border-indigo-300"
                >
                  <label className="flex items-start gap-2 text-sm">
                    <input
                      type="radio"
                      name="template"
                      value={tpl}
                      checked={draft.template === tpl}
                      disabled={!editable}
                      onChange={() => set('template', tpl)}
                      className="mt-0.5 accent-indigo-700 dark:accent-indigo-300"
                    />
                    <span>
                      <span className="block font-medium text-slate-900 dark:text-slate-100">
                        {t(`invoiceSettings.look.templates.${tpl}`)}
                      </span>
                      <span className="block text-slate-600 dark:text-slate-300">
                        {t(`invoiceSettings.look.templateHints.${tpl}`)}
                      </span>
                    </span>
                  </label>
                  <a
                    className={`${linkClasses} mt-2 inline-block text-sm`}
                    href={previewUrl(tpl, draft.brandColor.trim())}
                    target="_blank"
                    rel="noopener"
                    aria-label={t('invoiceSettings.look.previewNamed', {
                      template: t(`invoiceSettings.look.templates.${tpl}`),
                    })}
                  >
                    {t('invoiceSettings.look.preview')}
                  </a>
                </div>
              ))}
            </div>
          </fieldset>
          <div className="flex max-w-md items-end gap-3">
            <Input
              label={t('invoiceSettings.look.brandColor')}
              hint={t('invoiceSettings.look.brandColorHint')}
              name="brandColor"
              value={draft.brandColor}
              disabled={!editable}
              onChange={(e) => set('brandColor', e.target.value)}
              error={form.errorFor('brandColor')}
              containerClassName="flex-1"
            />
            <input
              type="color"
              aria-label={t('invoiceSettings.look.brandColor')}
              value={/^#[0-9a-fA-F]{6}$/.test(draft.brandColor) ? draft.brandColor : '#000000'}
              disabled={!editable}
              onChange={(e) => set('brandColor', e.target.value)}
              className="mb-6 h-10 w-14 cursor-pointer rounded border border-slate-400 dark:border-slate-500"
            />
          </div>
        </div>
      </Card>

      <Card title={t('invoiceSettings.reminders.title')}>
        <div className="max-w-3xl space-y-4">
          <Switch
            label={t('invoiceSettings.reminders.enabled')}
            description={t('invoiceSettings.reminders.enabledHint')}
            checked={draft.reminders.enabled}
            disabled={!editable}
            onChange={(enabled) => set('reminders', { ...draft.reminders, enabled })}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <Input
              label={t('invoiceSettings.reminders.daysBefore')}
              hint={t('invoiceSettings.reminders.daysHint')}
              name="reminders.daysBefore"
              value={draft.reminders.daysBefore}
              disabled={!editable}
              onChange={(e) => set('reminders', { ...draft.reminders, daysBefore: e.target.value })}
              error={form.errorFor('reminders.daysBefore')}
            />
            <Input
              label={t('invoiceSettings.reminders.daysAfter')}
              hint={t('invoiceSettings.reminders.daysHint')}
              name="reminders.daysAfter"
              value={draft.reminders.daysAfter}
              disabled={!editable}
              onChange={(e) => set('reminders', { ...draft.reminders, daysAfter: e.target.value })}
              error={form.errorFor('reminders.daysAfter')}
            />
          </div>
        </div>
      </Card>

      {editable ? (
        <Button type="submit" loading={save.isPending}>
          {t('common.save')}
        </Button>
      ) : null}
    </Form>
  )
}
