import { useQuery } from '@tanstack/react-query'
import { type KeyboardEvent, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, Checkbox, Fieldset, Input, Select } from '../../components/ui/index.ts'
import { membersQuery } from '../members/api.ts'
import {
  activeFilterCount,
  type ClientSearch,
  type CustomField,
  clientStatuses,
  clientTagsQuery,
  filterableTypes,
  fromMinorUnits,
  sortableTypes,
  splitList,
  toMinorUnits,
} from './api.ts'
import { fieldLabel } from './custom-field-input.tsx'

type Patch = Partial<Record<keyof ClientSearch, string | undefined>>

/** The filter controls of the client list; every change applies at once and lands in the URL. */
export function ClientFilters({
  search,
  fields,
  onChange,
}: {
  search: ClientSearch
  fields: CustomField[]
  onChange: (patch: Patch) => void
}) {
  const { t } = useTranslation()
  const panelId = useId()
  const count = activeFilterCount(search)
  const [open, setOpen] = useState(count > 0)
  const members = useQuery(membersQuery)
  const tags = useQuery(clientTagsQuery)
  const statuses = splitList(search.status)
  const filterable = fields.filter((field) => field.type in filterableTypes)

  const clear = () => {
    const patch: Patch = {}
    for (const key of Object.keys(search) as (keyof ClientSearch)[]) {
      if (key !== 'q' && key !== 'sort') patch[key] = undefined
    }
    onChange(patch)
  }

  const tagOptions = tags.data ?? []
  const knownTag = !search.tag || tagOptions.some((tag) => tag.tag === search.tag)

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant="secondary"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen(!open)}
        >
          {count > 0 ? t('clients.filters.toggleActive', { count }) : t('clients.filters.toggle')}
        </Button>
        {count > 0 ? (
          <Button variant="ghost" onClick={clear}>
            {t('clients.filters.clear')}
          </Button>
        ) : null}
      </div>
      {open ? (
        <section id={panelId} aria-label={t('clients.filters.title')} className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <Fieldset legend={t('clients.fields.status')}>
              <div className="flex flex-wrap gap-x-4 gap-y-2">
                {clientStatuses.map((status) => (
                  <Checkbox
                    key={status}
                    label={t(`clients.status.${status}`)}
                    checked={statuses.includes(status)}
                    onChange={(e) => {
                      const next = e.target.checked
                        ? [...statuses, status]
                        : statuses.filter((value) => value !== status)
                      onChange({ status: next.join(',') || undefined })
                    }}
                  />
                ))}
              </div>
            </Fieldset>
            <Select
              label={t('clients.fields.tag')}
              value={search.tag ?? ''}
              onChange={(e) => onChange({ tag: e.target.value || undefined })}
            >
              <option value="">{t('clients.filters.anyTag')}</option>
              {knownTag ? null : <option value={search.tag}>{search.tag}</option>}
              {tagOptions.map((tag) => (
                <option key={tag.tag} value={tag.tag}>
                  {t('clients.filters.tagOption', { tag: tag.tag, count: tag.count })}
                </option>
              ))}
            </Select>
            <Select
              label={t('clients.fields.owner')}
              value={search.owner ?? ''}
              onChange={(e) => onChange({ owner: e.target.value || undefined })}
            >
              <option value="">{t('clients.filters.anyone')}</option>
              <option value="me">{t('clients.filters.me')}</option>
              <option value="none">{t('clients.noOwner')}</option>
              {(members.data ?? []).map((member) => (
                <option key={member.userId} value={member.userId}>
                  {member.name}
                </option>
              ))}
            </Select>
            <Select
              label={t('clients.fields.assignee')}
              value={search.assignee ?? ''}
              onChange={(e) => onChange({ assignee: e.target.value || undefined })}
            >
              <option value="">{t('clients.filters.anyone')}</option>
              <option value="me">{t('clients.filters.me')}</option>
              {(members.data ?? []).map((member) => (
                <option key={member.userId} value={member.userId}>
                  {member.name}
                </option>
              ))}
            </Select>
            <Input
              label={t('clients.filters.createdFrom')}
              type="date"
              value={search.createdFrom ?? ''}
              onChange={(e) => onChange({ createdFrom: e.target.value || undefined })}
            />
            <Input
              label={t('clients.filters.createdTo')}
              type="date"
              value={search.createdTo ?? ''}
              onChange={(e) => onChange({ createdTo: e.target.value || undefined })}
            />
            <Input
              label={t('clients.filters.updatedFrom')}
              type="date"
              value={search.updatedFrom ?? ''}
              onChange={(e) => onChange({ updatedFrom: e.target.value || undefined })}
            />
            <Input
              label={t('clients.filters.updatedTo')}
              type="date"
              value={search.updatedTo ?? ''}
              onChange={(e) => onChange({ updatedTo: e.target.value || undefined })}
            />
          </div>
          {filterable.length > 0 ? (
            <Fieldset legend={t('clients.filters.customFields')}>
              <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
                {filterable.map((field) => (
                  <CustomFieldFilter key={field.id} field={field} search={search} onChange={onChange} />
                ))}
              </div>
            </Fieldset>
          ) : null}
        </section>
      ) : null}
    </div>
  )
}

function CustomFieldFilter({
  field,
  search,
  onChange,
}: {
  field: CustomField
  search: ClientSearch
  onChange: (patch: Patch) => void
}) {
  const { t } = useTranslation()
  const key = `cf.${field.key}` as const
  const min = `cf.${field.key}.min` as const
  const max = `cf.${field.key}.max` as const
  const label = fieldLabel(field)
  const kind = filterableTypes[field.type as keyof typeof filterableTypes]
  if (kind === 'option') {
    return (
      <Select
        label={label}
        value={search[key] ?? ''}
        onChange={(e) => onChange({ [key]: e.target.value || undefined })}
      >
        <option value="">{t('clients.filters.any')}</option>
        {field.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </Select>
    )
  }
  if (kind === 'boolean') {
    return (
      <Select
        label={label}
        value={search[key] ?? ''}
        onChange={(e) => onChange({ [key]: e.target.value || undefined })}
      >
        <option value="">{t('clients.filters.any')}</option>
        <option value="true">{t('clients.yes')}</option>
        <option value="false">{t('clients.no')}</option>
      </Select>
    )
  }
  if (field.type === 'date') {
    return (
      <>
        <Input
          label={t('clients.filters.from', { field: label })}
          type="date"
          value={search[min] ?? ''}
          onChange={(e) => onChange({ [min]: e.target.value || undefined })}
        />
        <Input
          label={t('clients.filters.to', { field: label })}
          type="date"
          value={search[max] ?? ''}
          onChange={(e) => onChange({ [max]: e.target.value || undefined })}
        />
      </>
    )
  }
  const money = field.type === 'money'
  const shown = (value: string | undefined) =>
    money && value ? fromMinorUnits(Number(value), field.currency) : (value ?? '')
  const stored = (value: string) => {
    if (!value.trim()) return undefined
    if (money) return toMinorUnits(value, field.currency)?.toString()
    return Number.isFinite(Number(value)) ? value.trim() : undefined
  }
  return (
    <>
      <CommitInput
        label={t('clients.filters.min', { field: label })}
        value={shown(search[min])}
        onCommit={(value) => onChange({ [min]: stored(value) })}
      />
      <CommitInput
        label={t('clients.filters.max', { field: label })}
        value={shown(search[max])}
        onCommit={(value) => onChange({ [max]: stored(value) })}
      />
    </>
  )
}

/** A number input that applies its value when it loses focus or on Enter, not on every keystroke. */
function CommitInput({
  label,
  value,
  onCommit,
}: {
  label: string
  value: string
  onCommit: (value: string) => void
}) {
  const [text, setText] = useState(value)
  useEffect(() => setText(value), [value])
  const commit = () => {
    if (text !== value) onCommit(text)
  }
  return (
    <Input
      label={label}
      inputMode="decimal"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
        if (e.key === 'Enter') {
          e.preventDefault()
          commit()
        }
      }}
    />
  )
}

export type SortOption = { value: string; label: string }

export function useSortOptions(fields: CustomField[], searching: boolean): SortOption[] {
  const { t } = useTranslation()
  const options: SortOption[] = []
  if (searching) options.push({ value: '', label: t('clients.sort.relevance') })
  options.push(
    { value: '-created', label: t('clients.sort.newest') },
    { value: 'created', label: t('clients.sort.oldest') },
    { value: '-updated', label: t('clients.sort.recentlyUpdated') },
    { value: 'updated', label: t('clients.sort.leastRecentlyUpdated') },
    { value: 'name', label: t('clients.sort.nameAsc') },
    { value: '-name', label: t('clients.sort.nameDesc') },
  )
  for (const field of fields) {
    if (!sortableTypes.includes(field.type)) continue
    options.push(
      { value: `cf.${field.key}`, label: t('clients.sort.fieldAsc', { field: field.label }) },
      { value: `-cf.${field.key}`, label: t('clients.sort.fieldDesc', { field: field.label }) },
    )
  }
  return options
}
