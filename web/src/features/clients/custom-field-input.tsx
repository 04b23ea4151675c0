import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { Checkbox, Fieldset, Input, Select, Textarea } from '../../components/ui/index.ts'
import { type CustomField, fromMinorUnits, toMinorUnits } from './api.ts'
import { fieldLabel } from './custom-field-format.tsx'

/** What a form holds for a custom field while it is edited. */
export type DraftValue = string | string[] | boolean

export function RequiredMark() {
  const { t } = useTranslation()
  return (
    <>
      <span aria-hidden="true" className="ml-0.5 text-red-700 dark:text-red-400">
        *
      </span>
      <span className="sr-only"> ({t('clients.form.required')})</span>
    </>
  )
}

export function toDraft(field: Pick<CustomField, 'type' | 'currency'>, value: unknown): DraftValue {
  switch (field.type) {
    case 'checkbox':
      return value === true
    case 'multi_select':
      return Array.isArray(value) ? value.map(String) : []
    case 'money':
      return fromMinorUnits(value, field.currency)
    case 'number':
      return typeof value === 'number' ? String(value) : ''
    default:
      return typeof value === 'string' ? value : ''
  }
}

/** The value to send for a field, or the message to show when the draft is not valid. */
export function fromDraft(
  field: Pick<CustomField, 'type' | 'currency' | 'required'>,
  draft: DraftValue | undefined,
  t: TFunction,
): { value: unknown; error?: string } {
  const empty =
    draft === undefined ||
    (typeof draft === 'string' && draft.trim() === '') ||
    (Array.isArray(draft) && draft.length === 0)
  if (field.type === 'checkbox') return { value: draft === true }
  if (empty) return field.required ? { value: null, error: t('validation.required') } : { value: null }
  if (Array.isArray(draft)) return { value: draft }
  const textValue = String(draft).trim()
  switch (field.type) {
    case 'number': {
      const n = Number(textValue)
      return Number.isFinite(n) ? { value: n } : { value: null, error: t('clients.validation.number') }
    }
    case 'money': {
      const minor = toMinorUnits(textValue, field.currency)
      return minor === null ? { value: null, error: t('clients.validation.amount') } : { value: minor }
    }
    case 'url':
      return /^https?:\/\/\S+$/i.test(textValue)
        ? { value: textValue }
        : { value: null, error: t('clients.validation.url') }
    case 'email':
      return /^\S+@\S+\.\S+$/.test(textValue)
        ? { value: textValue }
        : { value: null, error: t('validation.email') }
    default:
      return { value: textValue }
  }
}

export function CustomFieldInput({
  field,
  value,
  onChange,
  error,
  label,
}: {
  field: Pick<CustomField, 'key' | 'label' | 'type' | 'required' | 'options' | 'currency'>
  value: DraftValue | undefined
  onChange: (value: DraftValue) => void
  error?: string
  label?: string
}) {
  const { t } = useTranslation()
  const text = typeof value === 'string' ? value : ''
  const labelNode = (
    <>
      {label ?? fieldLabel(field)}
      {field.required ? <RequiredMark /> : null}
    </>
  )
  const common = { name: `custom.${field.key}`, error, 'aria-required': field.required || undefined }
  switch (field.type) {
    case 'long_text':
      return (
        <Textarea
          {...common}
          label={labelNode}
          rows={3}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      )
    case 'select':
      return (
        <Select {...common} label={labelNode} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('clients.form.noValue')}</option>
          {field.options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </Select>
      )
    case 'multi_select': {
      const selected = Array.isArray(value) ? value : []
      return (
        <Fieldset legend={labelNode} error={error}>
          <div className="flex flex-wrap gap-x-4 gap-y-2">
            {field.options.map((option) => (
              <Checkbox
                key={option}
                label={option}
                checked={selected.includes(option)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...selected, option] : selected.filter((v) => v !== option))
                }
              />
            ))}
          </div>
        </Fieldset>
      )
    }
    case 'checkbox':
      return (
        <Checkbox
          name={common.name}
          label={labelNode}
          error={error}
          checked={value === true}
          onChange={(e) => onChange(e.target.checked)}
        />
      )
    case 'number':
      return (
        <Input
          {...common}
          label={labelNode}
          type="number"
          step="any"
          inputMode="decimal"
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      )
    case 'money':
      return (
        <Input
          {...common}
          label={labelNode}
          inputMode="decimal"
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      )
    case 'date':
      return (
        <Input
          {...common}
          label={labelNode}
          type="date"
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      )
    case 'url':
      return (
        <Input
          {...common}
          label={labelNode}
          type="url"
          inputMode="url"
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      )
    case 'email':
      return (
        <Input
          {...common}
          label={labelNode}
          type="email"
          autoComplete="off"
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      )
    default:
      return <Input {...common} label={labelNode} value={text} onChange={(e) => onChange(e.target.value)} />
  }
}
