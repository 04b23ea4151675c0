import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Combobox, type ComboOption } from '../../components/ui/combobox.tsx'
import { Input, Select } from '../../components/ui/index.ts'
import { InlineField } from '../../components/ui/inline-field.tsx'
import { ApiError } from '../../lib/api.ts'
import { useIntlOptions } from '../../lib/intl-options.ts'
import { can, type Me } from '../auth/api.ts'
import { MemberPicker } from '../members/member-picker.tsx'
import {
  type Address,
  type Client,
  clientKinds,
  clientQuery,
  clientStatuses,
  clientsApi,
  clientsKey,
  customFieldsQuery,
  type UpdateClient,
} from './api.ts'
import { TagList } from './badges.tsx'
import { fieldLabel, useFormatCustomValue } from './custom-field-format.tsx'
import { CustomFieldInput, type DraftValue, fromDraft, toDraft } from './custom-field-input.tsx'

const emptyAddress: Address = {
  line1: null,
  line2: null,
  city: null,
  region: null,
  postalCode: null,
  country: null,
}

function Group({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-3">
      <h3 className="text-sm font-semibold text-slate-900 dark:text-slate-100">{title}</h3>
      <dl className="grid gap-x-4 gap-y-3 sm:grid-cols-2">{children}</dl>
    </section>
  )
}

/** The client's fields in groups, each editable in place (click, Enter saves, Escape cancels). */
export function RecordFields({ client, me }: { client: Client; me: Me }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const intl = useIntlOptions()
  const canWrite = can(me, 'clients:write')
  const admin = can(me, 'clients:read_all')
  const update = useMutation({
    mutationFn: (input: UpdateClient) => clientsApi.update({ clientId: client.id, input }),
    onSuccess: (updated) => {
      queryClient.setQueryData(clientQuery(client.id).queryKey, updated)
      void queryClient.invalidateQueries({ queryKey: clientsKey })
    },
  })
  const save = (input: UpdateClient) => update.mutateAsync(input)

  const text = (key: 'name' | 'legalName' | 'email' | 'phone' | 'website' | 'taxId', type = 'text') => (
    <InlineField
      key={key}
      label={t(`clients.fields.${key}`)}
      value={client[key] ?? ''}
      display={client[key]}
      canEdit={canWrite}
      errorKey={key}
      onSave={(v) => save({ [key]: v.trim() || (key === 'name' ? v : null) })}
      editor={(e) => (
        <Input
          label={e.label}
          className="py-1"
          containerClassName="[&>label]:sr-only"
          type={type}
          value={e.value}
          error={e.error}
          onChange={(ev) => e.onChange(ev.target.value)}
          onKeyDown={e.onKeyDown}
        />
      )}
    />
  )

  const choose = (key: 'currency' | 'language', options: () => ComboOption[], label: string) => (
    <InlineField
      label={label}
      value={client[key]}
      display={client[key] ? (options().find((o) => o.value === client[key])?.label ?? client[key]) : null}
      canEdit={canWrite}
      errorKey={key}
      onSave={(v) => save({ [key]: v })}
      editor={(e) => (
        <Combobox
          label={e.label}
          hideLabel
          options={options()}
          value={e.value}
          noneLabel={t('record.none')}
          error={e.error}
          onChange={(v) => e.commit(v)}
          onEscape={e.cancel}
        />
      )}
    />
  )

  const select = <K extends 'kind' | 'status'>(key: K, values: readonly Client[K][]) => (
    <InlineField
      label={t(`clients.fields.${key}` as 'clients.fields.kind')}
      value={client[key]}
      display={t(`clients.${key}.${client[key]}` as 'clients.kind.company')}
      canEdit={canWrite}
      errorKey={key}
      onSave={(v) => save({ [key]: v })}
      editor={(e) => (
        <Select
          label={e.label}
          containerClassName="[&>label]:sr-only"
          value={e.value}
          error={e.error}
          onChange={(ev) => e.onChange(ev.target.value as Client[K])}
          onKeyDown={e.onKeyDown}
        >
          {values.map((v) => (
            <option key={v} value={v}>
              {t(`clients.${key}.${v}` as 'clients.kind.company')}
            </option>
          ))}
        </Select>
      )}
    />
  )

  const address = client.billingAddress ?? emptyAddress
  const addressLine = (key: Exclude<keyof Address, 'country'>) => (
    <InlineField
      key={key}
      label={t(`clients.address.${key}`)}
      value={address[key] ?? ''}
      display={address[key]}
      canEdit={canWrite}
      errorKey={`billingAddress.${key}`}
      onSave={(v) => save({ billingAddress: { ...address, [key]: v.trim() || null } })}
      editor={(e) => (
        <Input
          label={e.label}
          containerClassName="[&>label]:sr-only"
          value={e.value}
          error={e.error}
          onChange={(ev) => e.onChange(ev.target.value)}
          onKeyDown={e.onKeyDown}
        />
      )}
    />
  )

  return (
    <div className="space-y-6">
      <Group title={t('record.groups.basics')}>
        {text('name')}
        {select('kind', clientKinds)}
        {select('status', clientStatuses)}
        {text('legalName')}
      </Group>
      <Group title={t('record.groups.contact')}>
        {text('email', 'email')}
        {text('phone', 'tel')}
        {text('website')}
      </Group>
      <Group title={t('record.groups.billing')}>
        {text('taxId')}
        {choose('currency', intl.currencies, t('clients.fields.currency'))}
        {choose('language', intl.languages, t('clients.fields.language'))}
        <InlineField
          label={t('clients.fields.paymentTermsDays')}
          value={client.paymentTermsDays === null ? '' : String(client.paymentTermsDays)}
          display={
            client.paymentTermsDays === null
              ? null
              : t('clients.page.days', { count: client.paymentTermsDays })
          }
          canEdit={canWrite}
          errorKey="paymentTermsDays"
          onSave={(v) => save({ paymentTermsDays: v.trim() === '' ? null : Number(v) })}
          editor={(e) => (
            <Input
              label={e.label}
              containerClassName="[&>label]:sr-only"
              type="number"
              min={0}
              max={365}
              value={e.value}
              error={e.error}
              onChange={(ev) => e.onChange(ev.target.value)}
              onKeyDown={e.onKeyDown}
            />
          )}
        />
      </Group>
      <Group title={t('record.groups.address')}>
        {addressLine('line1')}
        {addressLine('line2')}
        {addressLine('postalCode')}
        {addressLine('city')}
        {addressLine('region')}
        <InlineField
          label={t('clients.address.country')}
          value={address.country}
          display={
            address.country
              ? (intl.countries().find((o) => o.value === address.country)?.label ?? address.country)
              : null
          }
          canEdit={canWrite}
          errorKey="billingAddress.country"
          onSave={(v) => save({ billingAddress: { ...address, country: v } })}
          editor={(e) => (
            <Combobox
              label={e.label}
              hideLabel
              options={intl.countries()}
              value={e.value}
              noneLabel={t('record.none')}
              error={e.error}
              onChange={(v) => e.commit(v)}
              onEscape={e.cancel}
            />
          )}
        />
      </Group>
      <Group title={t('record.groups.team')}>
        <InlineField
          label={t('clients.fields.owner')}
          value={client.owner ? { id: client.owner.id, name: client.owner.name } : null}
          display={client.owner?.name ?? t('clients.noOwner')}
          canEdit={canWrite && admin}
          errorKey="ownerId"
          onSave={(v) => save({ ownerId: v?.id ?? null })}
          editor={(e) => (
            <MemberPicker
              label={e.label}
              hideLabel
              value={e.value}
              noneLabel={t('clients.noOwner')}
              error={e.error}
              onChange={(v) => e.commit(v)}
              onEscape={e.cancel}
            />
          )}
        />
        <InlineField
          label={t('clients.fields.assignees')}
          value={client.assignees.map((a) => ({ id: a.id, name: a.name }))}
          display={client.assignees.map((a) => a.name).join(', ')}
          canEdit={canWrite}
          errorKey="assigneeIds"
          onSave={(v) => save({ assigneeIds: v.map((a) => a.id) })}
          editor={(e) => (
            <div className="space-y-2">
              <ul className="flex flex-wrap gap-1">
                {e.value.map((a) => (
                  <li key={a.id}>
                    <button
                      type="button"
                      className="rounded bg-slate-100 px-2 py-0.5 text-xs dark:bg-slate-800"
                      aria-label={t('record.removeAssignee', { name: a.name })}
                      onClick={() => e.onChange(e.value.filter((x) => x.id !== a.id))}
                    >
                      {a.name} ×
                    </button>
                  </li>
                ))}
              </ul>
              <MemberPicker
                label={t('record.addAssignee')}
                value={null}
                error={e.error}
                onEscape={e.cancel}
                onChange={(m) => {
                  if (m && !e.value.some((x) => x.id === m.id)) e.onChange([...e.value, m])
                }}
              />
            </div>
          )}
        />
        <InlineField
          label={t('clients.fields.tags')}
          value={client.tags.join(', ')}
          display={client.tags.length ? <TagList tags={client.tags} /> : null}
          canEdit={canWrite}
          errorKey="tags"
          onSave={(v) =>
            save({
              tags: v
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            })
          }
          editor={(e) => (
            <Input
              label={e.label}
              containerClassName="[&>label]:sr-only"
              hint={t('record.tagsHint')}
              value={e.value}
              error={e.error}
              onChange={(ev) => e.onChange(ev.target.value)}
              onKeyDown={e.onKeyDown}
            />
          )}
        />
      </Group>
      <CustomFields client={client} canWrite={canWrite} save={save} />
    </div>
  )
}

function CustomFields({
  client,
  canWrite,
  save,
}: {
  client: Client
  canWrite: boolean
  save: (input: UpdateClient) => Promise<unknown>
}) {
  const { t } = useTranslation()
  const fields = useQuery(customFieldsQuery)
  const format = useFormatCustomValue()
  if (!fields.data?.length) return null
  return (
    <Group title={t('record.groups.custom')}>
      {fields.data.map((field) => (
        <InlineField<DraftValue>
          key={field.key}
          label={fieldLabel(field)}
          value={toDraft(field, client.custom[field.key])}
          display={format(field, client.custom[field.key])}
          canEdit={canWrite}
          errorKey={`custom.${field.key}`}
          onSave={async (draft) => {
            const r = fromDraft(field, draft, t)
            if (r.error)
              throw new ApiError(400, { errors: [{ field: `custom.${field.key}`, message: r.error }] })
            await save({ custom: { [field.key]: r.value } })
          }}
          editor={(e) => (
            // biome-ignore lint/a11y/noStaticElementInteractions: Enter and Escape bubble up from the field's own input
            <div onKeyDown={field.type === 'long_text' ? undefined : e.onKeyDown}>
              <CustomFieldInput field={field} value={e.value} onChange={e.onChange} error={e.error} />
            </div>
          )}
        />
      ))}
    </Group>
  )
}
