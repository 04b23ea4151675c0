import { useQuery } from '@tanstack/react-query'
import type { TFunction } from 'i18next'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ActionFeedback,
  Button,
  Card,
  Checkbox,
  ConfirmDialog,
  EmptyState,
  Form,
  FormDialog,
  FormError,
  HeaderRow,
  Input,
  QueryState,
  Select,
  Table,
  TBody,
  TD,
  Textarea,
  TR,
} from '../../components/ui/index.ts'
import { errorMessage, formErrorOf } from '../../lib/errors.ts'
import { useRefreshingMutation } from '../../lib/use-refreshing-mutation.ts'
import { useValidatedForm } from '../../lib/use-validated-form.ts'
import { can, type Me } from '../auth/api.ts'
import {
  type CustomField,
  type CustomFieldType,
  clientsApi,
  customFieldsQuery,
  customFieldTypes,
} from './api.ts'
import { useFormatCustomValue } from './custom-field-format.tsx'
import { CustomFieldInput, type DraftValue, fromDraft, RequiredMark, toDraft } from './custom-field-input.tsx'

const optionTypes: readonly CustomFieldType[] = ['select', 'multi_select']
const noDefaultTypes: readonly CustomFieldType[] = ['long_text']

function parseOptions(value: string): string[] {
  return [
    ...new Set(
      value
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
    ),
  ]
}

function keyFromLabel(label: string): string {
  const key = label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
  return key.slice(0, 40)
}

function defaultValueOf(
  field: { type: CustomFieldType; currency: string | null },
  draft: DraftValue | undefined,
  t: TFunction,
): { value: unknown; error?: string } {
  if (noDefaultTypes.includes(field.type)) return { value: null }
  if (field.type === 'checkbox') return { value: draft === true ? true : null }
  return fromDraft({ ...field, required: false }, draft, t)
}

export function CustomFieldsSettings({ me }: { me: Me }) {
  const canWrite = can(me, 'custom_fields:write')
  return (
    <>
      {canWrite ? <CreateFieldForm /> : null}
      <FieldsTable canWrite={canWrite} />
    </>
  )
}

function FieldsTable({ canWrite }: { canWrite: boolean }) {
  const { t } = useTranslation()
  const fields = useQuery(customFieldsQuery)
  const formatValue = useFormatCustomValue()
  const [editing, setEditing] = useState<CustomField | null>(null)
  const [deleting, setDeleting] = useState<CustomField | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const queryKey = customFieldsQuery.queryKey
  const move = useRefreshingMutation({
    mutationFn: async ({ order }: { order: CustomField[]; field: CustomField; to: number }) => {
      for (const [position, field] of order.entries()) {
        if (field.position !== position)
          await clientsApi.updateField({ fieldId: field.id, input: { position } })
      }
    },
    queryKey,
    onSuccess: (_, { field, to }) =>
      setNotice(t('customFields.moved', { label: field.label, position: to + 1 })),
  })
  const remove = useRefreshingMutation({
    mutationFn: (field: CustomField) => clientsApi.deleteField(field.id),
    queryKey,
    onSuccess: (_, field) => {
      setDeleting(null)
      setNotice(t('customFields.deleted', { label: field.label }))
    },
  })
  const moveField = (list: CustomField[], index: number, to: number) => {
    const order = [...list]
    const [field] = order.splice(index, 1)
    if (!field) return
    order.splice(to, 0, field)
    setNotice(null)
    move.mutate({ order, field, to })
  }

  return (
    <Card title={t('customFields.list.title')} description={t('customFields.list.description')}>
      <div className="space-y-4">
        <ActionFeedback error={move.error ? errorMessage(move.error, t) : null} notice={notice} />
        <QueryState
          query={fields}
          isEmpty={(data) => data.length === 0}
          empty={
            <EmptyState title={t('customFields.list.empty')} description={t('customFields.list.emptyHint')} />
          }
        >
          {(data) => (
            <Table caption={t('customFields.list.title')}>
              <HeaderRow
                columns={[
                  t('customFields.fields.label'),
                  t('customFields.fields.key'),
                  t('customFields.fields.type'),
                  t('customFields.fields.required'),
                  t('customFields.fields.options'),
                  t('customFields.fields.default'),
                ]}
                actions={canWrite ? t('common.actions') : undefined}
              />
              <TBody>
                {data.map((field, index) => (
                  <TR key={field.id}>
                    <TD className="font-medium">{field.label}</TD>
                    <TD>
                      <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800">
                        {field.key}
                      </code>
                    </TD>
                    <TD className="whitespace-nowrap">
                      {t(`customFields.types.${field.type}`)}
                      {field.currency ? ` (${field.currency})` : null}
                    </TD>
                    <TD>{field.required ? t('clients.yes') : t('clients.no')}</TD>
                    <TD>{field.options.length ? field.options.join(', ') : '—'}</TD>
                    <TD>{formatValue(field, field.defaultValue)}</TD>
                    {canWrite ? (
                      <TD>
                        <div className="flex justify-end gap-2">
                          <Button
                            variant="ghost"
                            disabled={index === 0 || move.isPending}
                            onClick={() => moveField(data, index, index - 1)}
                            aria-label={t('customFields.moveUpNamed', { label: field.label })}
                          >
                            <span aria-hidden="true">↑</span>
                          </Button>
                          <Button
                            variant="ghost"
                            disabled={index === data.length - 1 || move.isPending}
                            onClick={() => moveField(data, index, index + 1)}
                            aria-label={t('customFields.moveDownNamed', { label: field.label })}
                          >
                            <span aria-hidden="true">↓</span>
                          </Button>
                          <Button
                            variant="secondary"
                            onClick={() => {
                              setNotice(null)
                              setEditing(field)
                            }}
                            aria-label={t('customFields.editNamed', { label: field.label })}
                          >
                            {t('customFields.edit')}
                          </Button>
                          <Button
                            variant="ghost"
                            onClick={() => {
                              remove.reset()
                              setDeleting(field)
                            }}
                            aria-label={t('customFields.deleteNamed', { label: field.label })}
                          >
                            {t('customFields.delete')}
                          </Button>
                        </div>
                      </TD>
                    ) : null}
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
        </QueryState>
      </div>
      {editing ? (
        <EditFieldDialog
          field={editing}
          onClose={() => setEditing(null)}
          onSaved={(field) => {
            setEditing(null)
            setNotice(t('customFields.saved', { label: field.label }))
          }}
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title={t('customFields.deleteTitle', { label: deleting?.label ?? '' })}
        description={t('customFields.deleteBody')}
        confirmLabel={t('customFields.delete')}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error, t) : null}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Card>
  )
}

function CreateFieldForm() {
  const { t } = useTranslation()
  const [label, setLabel] = useState('')
  const [key, setKey] = useState('')
  const [keyEdited, setKeyEdited] = useState(false)
  const [type, setType] = useState<CustomFieldType>('text')
  const [required, setRequired] = useState(false)
  const [options, setOptions] = useState('')
  const [currency, setCurrency] = useState('')
  const [defaultDraft, setDefaultDraft] = useState<DraftValue | undefined>(undefined)
  const [created, setCreated] = useState<string | null>(null)
  const mutation = useRefreshingMutation({
    mutationFn: clientsApi.createField,
    queryKey: customFieldsQuery.queryKey,
    onSuccess: (field) => {
      setCreated(field.label)
      setLabel('')
      setKey('')
      setKeyEdited(false)
      setType('text')
      setRequired(false)
      setOptions('')
      setCurrency('')
      setDefaultDraft(undefined)
      form.reset()
    },
  })
  const hasOptions = optionTypes.includes(type)
  const parsedOptions = parseOptions(options)
  const draftField = {
    key: 'default',
    label: t('customFields.fields.default'),
    type,
    required: false,
    options: parsedOptions,
    currency: currency.trim().toUpperCase() || null,
  }
  const form = useValidatedForm(
    mutation.error,
    () => ({
      label: !label.trim() && t('validation.required'),
      key: !/^[a-z][a-z0-9_]{0,39}$/.test(key) && t('customFields.validation.key'),
      options: hasOptions && parsedOptions.length === 0 && t('customFields.validation.options'),
      currency:
        type === 'money' && !/^[A-Za-z]{3}$/.test(currency.trim()) && t('clients.validation.currency'),
      defaultValue: defaultValueOf(draftField, defaultDraft, t).error,
    }),
    () => {
      const defaultValue = defaultValueOf(draftField, defaultDraft, t).value
      mutation.mutate({
        key,
        label: label.trim(),
        type,
        required,
        options: hasOptions ? parsedOptions : [],
        currency: type === 'money' ? currency.trim().toUpperCase() : undefined,
        defaultValue: defaultValue === null ? undefined : defaultValue,
      })
    },
  )

  return (
    <Card title={t('customFields.create.title')} description={t('customFields.create.description')}>
      <Form onSubmit={form.onSubmit} aria-label={t('customFields.create.title')} className="space-y-4">
        <FormError
          message={formErrorOf(mutation.error, t, [
            'key',
            'label',
            'type',
            'required',
            'options',
            'currency',
            'defaultValue',
          ])}
        />
        <div aria-live="polite">
          {created && !mutation.isPending ? (
            <p className="rounded-md border border-emerald-300 bg-emerald-50 px-4 py-3 text-sm text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100">
              {t('customFields.created', { label: created })}
            </p>
          ) : null}
        </div>
        <div className="grid gap-4 sm:grid-cols-3">
          <Input
            name="label"
            label={
              <>
                {t('customFields.fields.label')}
                <RequiredMark />
              </>
            }
            aria-required
            autoComplete="off"
            value={label}
            onChange={(e) => {
              setCreated(null)
              setLabel(e.target.value)
              if (!keyEdited) setKey(keyFromLabel(e.target.value))
            }}
            error={form.errorFor('label')}
          />
          <Input
            name="key"
            label={
              <>
                {t('customFields.fields.key')}
                <RequiredMark />
              </>
            }
            aria-required
            hint={t('customFields.fields.keyHint')}
            autoComplete="off"
            value={key}
            onChange={(e) => {
              setKeyEdited(true)
              setKey(e.target.value.toLowerCase())
            }}
            error={form.errorFor('key')}
          />
          <Select
            name="type"
            label={t('customFields.fields.type')}
            value={type}
            onChange={(e) => {
              setType(e.target.value as CustomFieldType)
              setDefaultDraft(undefined)
            }}
            error={form.errorFor('type')}
          >
            {customFieldTypes.map((value) => (
              <option key={value} value={value}>
                {t(`customFields.types.${value}`)}
              </option>
            ))}
          </Select>
          {hasOptions ? (
            <Textarea
              name="options"
              label={
                <>
                  {t('customFields.fields.options')}
                  <RequiredMark />
                </>
              }
              hint={t('customFields.fields.optionsHint')}
              rows={4}
              value={options}
              onChange={(e) => setOptions(e.target.value)}
              error={form.errorFor('options')}
            />
          ) : null}
          {type === 'money' ? (
            <Input
              name="currency"
              label={
                <>
                  {t('customFields.fields.currency')}
                  <RequiredMark />
                </>
              }
              hint={t('clients.fields.currencyHint')}
              maxLength={3}
              autoComplete="off"
              value={currency}
              onChange={(e) => setCurrency(e.target.value)}
              error={form.errorFor('currency')}
            />
          ) : null}
          {noDefaultTypes.includes(type) ? null : (
            <CustomFieldInput
              field={draftField}
              label={t('customFields.fields.default')}
              value={defaultDraft}
              onChange={setDefaultDraft}
              error={form.errorFor('defaultValue')}
            />
          )}
        </div>
        <Checkbox
          label={t('customFields.fields.requiredLabel')}
          hint={t('customFields.fields.requiredHint')}
          checked={required}
          onChange={(e) => setRequired(e.target.checked)}
        />
        <Button type="submit" loading={mutation.isPending}>
          {t('customFields.create.submit')}
        </Button>
      </Form>
    </Card>
  )
}

function EditFieldDialog({
  field,
  onClose,
  onSaved,
}: {
  field: CustomField
  onClose: () => void
  onSaved: (field: CustomField) => void
}) {
  const { t } = useTranslation()
  const [label, setLabel] = useState(field.label)
  const [required, setRequired] = useState(field.required)
  const [options, setOptions] = useState(field.options.join('\n'))
  const [defaultDraft, setDefaultDraft] = useState<DraftValue | undefined>(toDraft(field, field.defaultValue))
  const mutation = useRefreshingMutation({
    mutationFn: clientsApi.updateField,
    queryKey: customFieldsQuery.queryKey,
    onSuccess: onSaved,
  })
  const hasOptions = optionTypes.includes(field.type)
  const parsedOptions = parseOptions(options)
  const draftField = { ...field, options: hasOptions ? parsedOptions : field.options, required: false }
  const form = useValidatedForm(
    mutation.error,
    () => ({
      label: !label.trim() && t('validation.required'),
      options: hasOptions && parsedOptions.length === 0 && t('customFields.validation.options'),
      defaultValue: defaultValueOf(draftField, defaultDraft, t).error,
    }),
    () =>
      mutation.mutate({
        fieldId: field.id,
        input: {
          label: label.trim(),
          required,
          defaultValue: defaultValueOf(draftField, defaultDraft, t).value,
          ...(hasOptions ? { options: parsedOptions } : {}),
        },
      }),
  )
  const formError = formErrorOf(mutation.error, t, ['label', 'required', 'options', 'defaultValue'])
  return (
    <FormDialog
      onClose={onClose}
      title={t('customFields.editTitle', { label: field.label })}
      description={t('customFields.editBody', {
        key: field.key,
        type: t(`customFields.types.${field.type}`),
      })}
      submitLabel={t('common.save')}
      pending={mutation.isPending}
      onSubmit={form.onSubmit}
    >
      <div aria-live="assertive">
        {formError ? <p className="text-sm text-red-700 dark:text-red-400">{formError}</p> : null}
      </div>
      <Input
        name="label"
        label={
          <>
            {t('customFields.fields.label')}
            <RequiredMark />
          </>
        }
        aria-required
        autoComplete="off"
        value={label}
        onChange={(e) => setLabel(e.target.value)}
        error={form.errorFor('label')}
      />
      {hasOptions ? (
        <Textarea
          name="options"
          label={t('customFields.fields.options')}
          hint={t('customFields.fields.optionsHint')}
          rows={4}
          value={options}
          onChange={(e) => setOptions(e.target.value)}
          error={form.errorFor('options')}
        />
      ) : null}
      {noDefaultTypes.includes(field.type) ? null : (
        <CustomFieldInput
          field={draftField}
          label={t('customFields.fields.default')}
          value={defaultDraft}
          onChange={setDefaultDraft}
          error={form.errorFor('defaultValue')}
        />
      )}
      <Checkbox
        label={t('customFields.fields.requiredLabel')}
        hint={t('customFields.fields.requiredHint')}
        checked={required}
        onChange={(e) => setRequired(e.target.checked)}
      />
    </FormDialog>
  )
}
