import { useQuery } from '@tanstack/react-query'
import type { TFunction } from 'i18next'
import { type ReactNode, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Form,
  FormError,
  Input,
  PageSpinner,
  Select,
  Textarea,
} from '../../components/ui/index.ts'
import { errorMessage, formErrorOf } from '../../lib/errors.ts'
import { useValidatedForm, type Validation } from '../../lib/use-validated-form.ts'
import { membersQuery } from '../members/api.ts'
import {
  type Address,
  type Client,
  type ClientKind,
  type ClientStatus,
  type CreateClient,
  type CustomField,
  clientKinds,
  clientStatuses,
  clientTagsQuery,
  customFieldsQuery,
} from './api.ts'
import { CustomFieldInput, type DraftValue, fromDraft, RequiredMark, toDraft } from './custom-field-input.tsx'
import { parseTags } from './tags.ts'

type AddressDraft = Record<keyof Address, string>
const addressKeys = [
  'line1',
  'line2',
  'city',
  'region',
  'postalCode',
  'country',
] as const satisfies readonly (keyof Address)[]

type TextKey =
  | 'name'
  | 'legalName'
  | 'email'
  | 'phone'
  | 'website'
  | 'taxId'
  | 'currency'
  | 'language'
  | 'paymentTermsDays'
  | 'tags'
  | 'notes'

type Draft = {
  kind: ClientKind
  name: string
  legalName: string
  email: string
  phone: string
  website: string
  taxId: string
  currency: string
  language: string
  paymentTermsDays: string
  status: ClientStatus
  tags: string
  ownerId: string
  assigneeIds: string[]
  notes: string
  billingAddress: AddressDraft
  shippingAddress: AddressDraft
  shippingSameAsBilling: boolean
  custom: Record<string, DraftValue>
}

function addressDraft(address: Address | null | undefined): AddressDraft {
  return {
    line1: address?.line1 ?? '',
    line2: address?.line2 ?? '',
    city: address?.city ?? '',
    region: address?.region ?? '',
    postalCode: address?.postalCode ?? '',
    country: address?.country ?? '',
  }
}

function addressInput(address: AddressDraft): Address | null {
  if (addressKeys.every((key) => !address[key].trim())) return null
  const result = {} as Address
  for (const key of addressKeys) result[key] = address[key].trim() || null
  if (result.country) result.country = result.country.toUpperCase()
  return result
}

function sameAddress(a: AddressDraft, b: AddressDraft): boolean {
  return addressKeys.every((key) => a[key].trim() === b[key].trim())
}

function initialDraft(client: Client | undefined, fields: CustomField[], ownerId: string | undefined): Draft {
  const billing = addressDraft(client?.billingAddress)
  const shipping = addressDraft(client?.shippingAddress)
  const custom: Record<string, DraftValue> = {}
  for (const field of fields)
    custom[field.key] = toDraft(field, client ? client.custom[field.key] : field.defaultValue)
  return {
    kind: client?.kind ?? 'company',
    name: client?.name ?? '',
    legalName: client?.legalName ?? '',
    email: client?.email ?? '',
    phone: client?.phone ?? '',
    website: client?.website ?? '',
    taxId: client?.taxId ?? '',
    currency: client?.currency ?? '',
    language: client?.language ?? '',
    paymentTermsDays: client?.paymentTermsDays?.toString() ?? '',
    status: client?.status ?? 'active',
    tags: client?.tags.join(', ') ?? '',
    ownerId: client ? (client.owner?.id ?? '') : (ownerId ?? ''),
    assigneeIds: client?.assignees.map((a) => a.id) ?? [],
    notes: client?.notes ?? '',
    billingAddress: billing,
    shippingAddress: shipping,
    shippingSameAsBilling: !client?.shippingAddress || sameAddress(billing, shipping),
    custom,
  }
}

function validate(draft: Draft, fields: CustomField[], t: TFunction): Validation {
  const result: Validation = {
    name: !draft.name.trim() && t('validation.required'),
    email: draft.email.trim() && !/^\S+@\S+\.\S+$/.test(draft.email.trim()) && t('validation.email'),
    website:
      draft.website.trim() && !/^https?:\/\/\S+$/i.test(draft.website.trim()) && t('clients.validation.url'),
    currency:
      draft.currency.trim() &&
      !/^[A-Za-z]{3}$/.test(draft.currency.trim()) &&
      t('clients.validation.currency'),
    language:
      draft.language.trim() &&
      !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(draft.language.trim()) &&
      t('clients.validation.language'),
    paymentTermsDays:
      draft.paymentTermsDays.trim() &&
      !(/^\d+$/.test(draft.paymentTermsDays.trim()) && Number(draft.paymentTermsDays) <= 365) &&
      t('clients.validation.paymentTerms'),
    tags: parseTags(draft.tags).some((tag) => tag.length > 40) && t('clients.validation.tag'),
  }
  for (const [prefix, address] of [
    ['billingAddress', draft.billingAddress],
    ['shippingAddress', draft.shippingAddress],
  ] as const) {
    if (prefix === 'shippingAddress' && draft.shippingSameAsBilling) continue
    result[`${prefix}.country`] =
      address.country.trim() &&
      !/^[A-Za-z]{2}$/.test(address.country.trim()) &&
      t('clients.validation.country')
  }
  for (const field of fields) {
    result[`custom.${field.key}`] = fromDraft(field, draft.custom[field.key], t).error
  }
  return result
}

function toInput(draft: Draft, fields: CustomField[], t: TFunction, creating: boolean): CreateClient {
  const custom: Record<string, unknown> = {}
  for (const field of fields) {
    const { value } = fromDraft(field, draft.custom[field.key], t)
    if (creating && value === null) continue
    custom[field.key] = value
  }
  const billingAddress = addressInput(draft.billingAddress)
  const input: CreateClient = {
    kind: draft.kind,
    name: draft.name.trim(),
    legalName: draft.legalName.trim() || null,
    email: draft.email.trim() || null,
    phone: draft.phone.trim() || null,
    website: draft.website.trim() || null,
    taxId: draft.taxId.trim() || null,
    currency: draft.currency.trim().toUpperCase() || null,
    language: draft.language.trim() || null,
    paymentTermsDays: draft.paymentTermsDays.trim() ? Number(draft.paymentTermsDays) : null,
    status: draft.status,
    tags: parseTags(draft.tags),
    ownerId: draft.ownerId || null,
    assigneeIds: draft.assigneeIds,
    billingAddress,
    shippingAddress: draft.shippingSameAsBilling ? billingAddress : addressInput(draft.shippingAddress),
    custom,
  }
  if (creating) input.notes = draft.notes
  return input
}

/** Every field name the form shows an error beside (the rest go to the form-level alert). */
function handledFields(fields: CustomField[]): string[] {
  const names = [
    'kind',
    'name',
    'legalName',
    'email',
    'phone',
    'website',
    'taxId',
    'currency',
    'language',
    'paymentTermsDays',
    'status',
    'tags',
    'ownerId',
    'assigneeIds',
    'notes',
  ]
  for (const prefix of ['billingAddress', 'shippingAddress']) {
    for (const key of addressKeys) names.push(`${prefix}.${key}`)
  }
  for (const field of fields) names.push(`custom.${field.key}`)
  return names
}

export type ClientFormProps = {
  client?: Client
  /** Level of the form's section headings: 2 on a page of its own, 3 inside a titled card. */
  headingLevel?: 2 | 3
  currentUserId?: string
  submitLabel: string
  pending: boolean
  error: unknown
  onSubmit: (input: CreateClient) => void
  onCancel: () => void
}

/** Create or edit a client: waits for the workspace's custom fields, then shows the form. */
export function ClientForm(props: ClientFormProps) {
  const { t } = useTranslation()
  const fields = useQuery(customFieldsQuery)
  if (fields.isPending) return <PageSpinner />
  if (fields.isError) return <Alert tone="error">{errorMessage(fields.error, t)}</Alert>
  return <ClientFormFields {...props} fields={fields.data} />
}

function ClientFormFields({
  client,
  headingLevel = 3,
  currentUserId,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
  fields,
}: ClientFormProps & { fields: CustomField[] }) {
  const { t } = useTranslation()
  const members = useQuery(membersQuery)
  const tags = useQuery(clientTagsQuery)
  const tagListId = useId()
  const [draft, setDraft] = useState(() => initialDraft(client, fields, currentUserId))
  const creating = !client
  const form = useValidatedForm(
    error,
    () => validate(draft, fields, t),
    () => onSubmit(toInput(draft, fields, t, creating)),
  )
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }))
  const setAddress = (which: 'billingAddress' | 'shippingAddress', key: keyof Address, value: string) =>
    setDraft((d) => ({ ...d, [which]: { ...d[which], [key]: value } }))
  const text = (key: TextKey) => ({
    name: key,
    value: draft[key],
    onChange: (e: { target: { value: string } }) => set(key, e.target.value),
    error: form.errorFor(key),
  })

  const addressFields = (which: 'billingAddress' | 'shippingAddress') => (
    <div className="grid gap-3 sm:grid-cols-2">
      {addressKeys.map((key) => (
        <Input
          key={key}
          name={`${which}.${key}`}
          label={t(`clients.address.${key}`)}
          hint={key === 'country' ? t('clients.address.countryHint') : undefined}
          autoComplete="off"
          maxLength={key === 'country' ? 2 : undefined}
          containerClassName={key === 'line1' || key === 'line2' ? 'sm:col-span-2' : undefined}
          value={draft[which][key]}
          onChange={(e) => setAddress(which, key, e.target.value)}
          error={form.errorFor(`${which}.${key}`)}
        />
      ))}
    </div>
  )

  return (
    <Form
      onSubmit={form.onSubmit}
      aria-label={creating ? t('clients.form.createTitle') : t('clients.form.editTitle')}
      className="space-y-6"
    >
      <FormError message={formErrorOf(error, t, handledFields(fields))} />
      {Object.keys(form.errors).length > 0 ? (
        <div aria-live="assertive">
          <Alert tone="error">{t('clients.form.fixErrors')}</Alert>
        </div>
      ) : null}
      <p className="text-sm text-slate-600 dark:text-slate-300">
        <span aria-hidden="true">* </span>
        {t('clients.form.requiredNote')}
      </p>

      <FormSection level={headingLevel} title={t('clients.form.general')}>
        <div className="grid gap-4 sm:grid-cols-2">
          <Fieldset legend={t('clients.fields.kind')} error={form.errorFor('kind')}>
            <div className="flex gap-4">
              {clientKinds.map((kind) => (
                <label key={kind} className="flex items-center gap-2 text-sm">
                  <input
                    type="radio"
                    name="kind"
                    value={kind}
                    checked={draft.kind === kind}
                    onChange={() => set('kind', kind)}
                    className="size-4 accent-indigo-700 dark:accent-indigo-300"
                  />
                  {t(`clients.kind.${kind}`)}
                </label>
              ))}
            </div>
          </Fieldset>
          <Select
            name="status"
            label={t('clients.fields.status')}
            value={draft.status}
            onChange={(e) => set('status', e.target.value as ClientStatus)}
            error={form.errorFor('status')}
          >
            {clientStatuses.map((status) => (
              <option key={status} value={status}>
                {t(`clients.status.${status}`)}
              </option>
            ))}
          </Select>
          <Input
            {...text('name')}
            label={
              <>
                {t('clients.fields.name')}
                <RequiredMark />
              </>
            }
            aria-required
            autoComplete="off"
            containerClassName="sm:col-span-2"
          />
          <Input {...text('legalName')} label={t('clients.fields.legalName')} />
          <Input {...text('taxId')} label={t('clients.fields.taxId')} />
          <Input {...text('email')} label={t('clients.fields.email')} type="email" autoComplete="off" />
          <Input {...text('phone')} label={t('clients.fields.phone')} type="tel" autoComplete="off" />
          <Input
            {...text('website')}
            label={t('clients.fields.website')}
            type="url"
            placeholder="https://"
            containerClassName="sm:col-span-2"
          />
        </div>
      </FormSection>

      <FormSection level={headingLevel} title={t('clients.form.billing')}>
        <div className="grid gap-4 sm:grid-cols-3">
          <Input
            {...text('currency')}
            label={t('clients.fields.currency')}
            hint={t('clients.fields.currencyHint')}
            maxLength={3}
          />
          <Input
            {...text('language')}
            label={t('clients.fields.language')}
            hint={t('clients.fields.languageHint')}
          />
          <Input
            {...text('paymentTermsDays')}
            label={t('clients.fields.paymentTermsDays')}
            type="number"
            min={0}
            max={365}
            inputMode="numeric"
          />
        </div>
        <SubHeading level={headingLevel}>{t('clients.fields.billingAddress')}</SubHeading>
        {addressFields('billingAddress')}
        <div className="mt-4">
          <Checkbox
            label={t('clients.form.shippingSame')}
            checked={draft.shippingSameAsBilling}
            onChange={(e) => set('shippingSameAsBilling', e.target.checked)}
          />
        </div>
        {draft.shippingSameAsBilling ? null : (
          <>
            <SubHeading level={headingLevel}>{t('clients.fields.shippingAddress')}</SubHeading>
            {addressFields('shippingAddress')}
          </>
        )}
      </FormSection>

      <FormSection level={headingLevel} title={t('clients.form.team')}>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <Input
              {...text('tags')}
              label={t('clients.fields.tags')}
              hint={t('clients.fields.tagsHint')}
              list={tagListId}
              autoComplete="off"
            />
            <datalist id={tagListId}>
              {(tags.data ?? []).map((tag) => (
                <option key={tag.tag} value={tag.tag} />
              ))}
            </datalist>
          </div>
          <Select
            name="ownerId"
            label={t('clients.fields.owner')}
            value={draft.ownerId}
            onChange={(e) => set('ownerId', e.target.value)}
            error={form.errorFor('ownerId')}
          >
            <option value="">{t('clients.noOwner')}</option>
            {(members.data ?? []).map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.name} ({member.email})
              </option>
            ))}
            {client?.owner && !members.data?.some((m) => m.userId === client.owner?.id) ? (
              <option value={client.owner.id}>{client.owner.name}</option>
            ) : null}
          </Select>
          <Fieldset
            legend={t('clients.fields.assignees')}
            error={form.errorFor('assigneeIds')}
            className="sm:col-span-2"
          >
            <div className="grid gap-2 sm:grid-cols-2">
              {(members.data ?? []).map((member) => (
                <Checkbox
                  key={member.userId}
                  label={`${member.name} (${member.email})`}
                  checked={draft.assigneeIds.includes(member.userId)}
                  onChange={(e) =>
                    set(
                      'assigneeIds',
                      e.target.checked
                        ? [...draft.assigneeIds, member.userId]
                        : draft.assigneeIds.filter((v) => v !== member.userId),
                    )
                  }
                />
              ))}
            </div>
          </Fieldset>
        </div>
      </FormSection>

      {fields.length > 0 ? (
        <FormSection level={headingLevel} title={t('clients.form.customFields')}>
          <div className="grid gap-4 sm:grid-cols-2">
            {fields.map((field) => (
              <div
                key={field.id}
                className={
                  field.type === 'long_text' || field.type === 'multi_select' ? 'sm:col-span-2' : undefined
                }
              >
                <CustomFieldInput
                  field={field}
                  value={draft.custom[field.key]}
                  onChange={(value) =>
                    setDraft((d) => ({ ...d, custom: { ...d.custom, [field.key]: value } }))
                  }
                  error={form.errorFor(`custom.${field.key}`)}
                />
              </div>
            ))}
          </div>
        </FormSection>
      ) : null}

      {creating ? (
        <FormSection level={headingLevel} title={t('clients.fields.notes')}>
          <Textarea
            {...text('notes')}
            label={t('clients.fields.notes')}
            hideLabel
            hint={t('clients.notes.markdownHint')}
            rows={4}
          />
        </FormSection>
      ) : null}

      <div className="flex flex-wrap gap-2">
        <Button type="submit" loading={pending}>
          {submitLabel}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </Form>
  )
}

function FormSection({ level, title, children }: { level: 2 | 3; title: string; children: ReactNode }) {
  const Heading = level === 2 ? 'h2' : 'h3'
  return (
    <section className="space-y-3">
      <Heading className="border-b border-slate-200 pb-1 text-base font-semibold dark:border-slate-700">
        {title}
      </Heading>
      {children}
    </section>
  )
}

function SubHeading({ level, children }: { level: 2 | 3; children: ReactNode }) {
  const Heading = level === 2 ? 'h3' : 'h4'
  return <Heading className="mt-4 mb-2 text-sm font-semibold">{children}</Heading>
}
