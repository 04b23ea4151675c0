import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, Checkbox, Form, Input } from '../../components/ui/index.ts'
import { api, queryString } from '../../lib/api.ts'
import { useServerSearch } from '../../lib/use-server-search.ts'
import { MemberPicker } from '../members/member-picker.tsx'
import { type ClientSearch, clientStatuses, fromMinorUnits, splitList, toMinorUnits } from './api.ts'
import type { FilterField, Patch } from './filter-types.ts'

const tagSearch = (q: string) => ({
  queryKey: ['clients', 'tags', q],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    api.get<{ data: { tag: string; count: number }[] }>(
      `/api/v1/clients/tags${queryString({ q: q || undefined, limit: 20 })}`,
      signal,
    ),
})

/** The value editor of one filter field; `onApply` receives the URL parameters to set. */
type EditorProps = { field: FilterField; search: ClientSearch; onApply: (patch: Patch) => void }

export function FilterEditor({ field, search, onApply }: EditorProps) {
  const { t } = useTranslation()
  if (field.kind === 'member')
    return (
      <MemberPicker
        label={field.label}
        autoFocus
        specials={[
          { id: 'me', name: t('clients.filters.me') },
          ...(field.key === 'owner' ? [{ id: 'none', name: t('clients.noOwner') }] : []),
        ]}
        onChange={(member) =>
          member && onApply({ [field.key]: member.id, names: { [member.id]: member.name } } as Patch)
        }
      />
    )
  if (field.kind === 'tag') return <TagFilter search={search} onApply={onApply} />
  if (field.kind === 'status' || field.kind === 'option') {
    const values = field.kind === 'status' ? [...clientStatuses] : (field.field?.options ?? [])
    const labelOf = (v: string) => (field.kind === 'status' ? t(`clients.status.${v as 'lead'}`) : v)
    return (
      <Choices
        legend={field.label}
        values={values}
        labelOf={labelOf}
        initial={splitList(search[field.key as keyof ClientSearch])}
        onApply={(chosen) => onApply({ [field.key]: chosen.join(',') || undefined })}
      />
    )
  }
  if (field.kind === 'boolean')
    return (
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold">{field.label}</legend>
        <div className="flex gap-2">
          <Button variant="secondary" autoFocus onClick={() => onApply({ [field.key]: 'true' })}>
            {t('clients.yes')}
          </Button>
          <Button variant="secondary" onClick={() => onApply({ [field.key]: 'false' })}>
            {t('clients.no')}
          </Button>
        </div>
      </fieldset>
    )
  return <RangeFilter field={field} search={search} onApply={onApply} />
}

function Choices({
  legend,
  values,
  labelOf,
  initial,
  onApply,
}: {
  legend: string
  values: string[]
  labelOf: (value: string) => string
  initial: string[]
  onApply: (chosen: string[]) => void
}) {
  const { t } = useTranslation()
  const [chosen, setChosen] = useState(initial)
  return (
    <Form onSubmit={() => onApply(chosen)} className="space-y-3">
      <fieldset className="space-y-1.5">
        <legend className="mb-1 text-sm font-semibold">{legend}</legend>
        {values.map((value, index) => (
          <Checkbox
            key={value}
            label={labelOf(value)}
            autoFocus={index === 0}
            checked={chosen.includes(value)}
            onChange={(e) =>
              setChosen(e.target.checked ? [...chosen, value] : chosen.filter((v) => v !== value))
            }
          />
        ))}
      </fieldset>
      <Button type="submit">{t('clients.chips.apply')}</Button>
    </Form>
  )
}

function TagFilter({ search, onApply }: Omit<EditorProps, 'field'>) {
  const { t } = useTranslation()
  const [tags, setTags] = useState(splitList(search.tag))
  const [match, setMatch] = useState<'all' | 'any'>(search.tagMatch === 'any' ? 'any' : 'all')
  const [text, setText] = useState('')
  const found = useServerSearch(text.toLowerCase(), tagSearch)
  const suggestions = (found.data?.data ?? [])
    .filter((s) => !tags.includes(s.tag) && s.tag.startsWith(found.term))
    .slice(0, 8)
  const add = (tag: string) => {
    const value = tag.trim().toLowerCase()
    if (value && !tags.includes(value)) setTags([...tags, value])
    setText('')
  }
  return (
    <div className="space-y-3">
      <Form onSubmit={() => add(text)}>
        <Input
          label={t('clients.fields.tags')}
          hint={t('clients.chips.tagHint')}
          autoFocus
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </Form>
      {suggestions.length > 0 ? (
        <ul aria-label={t('clients.chips.suggestions')} className="flex flex-wrap gap-1">
          {suggestions.map((s) => (
            <li key={s.tag}>
              <button
                type="button"
                onClick={() => add(s.tag)}
                className="rounded bg-slate-100 px-2 py-0.5 text-xs hover:bg-slate-200 dark:bg-slate-800 dark:hover:bg-slate-700"
              >
                {t('clients.filters.tagOption', { tag: s.tag, count: s.count })}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {tags.length > 0 ? (
        <ul aria-label={t('clients.chips.chosenTags')} className="flex flex-wrap gap-1">
          {tags.map((tag) => (
            <li
              key={tag}
              className="inline-flex items-center rounded bg-indigo-50 text-xs text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100"
            >
              <span className="px-1.5 py-0.5">{tag}</span>
              <button
                type="button"
                aria-label={t('clients.chips.removeTag', { tag })}
                onClick={() => setTags(tags.filter((x) => x !== tag))}
                className="px-1 hover:bg-indigo-100 dark:hover:bg-indigo-900"
              >
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <fieldset className="flex gap-4 text-sm">
        <legend className="sr-only">{t('clients.chips.match')}</legend>
        {(['all', 'any'] as const).map((value) => (
          <label key={value} className="flex items-center gap-1.5">
            <input
              type="radio"
              name="tag-match"
              checked={match === value}
              onChange={() => setMatch(value)}
              className="accent-indigo-700 dark:accent-indigo-300"
            />
            {t(`clients.chips.match_${value}`)}
          </label>
        ))}
      </fieldset>
      <Button
        onClick={() => {
          const all = text.trim() ? [...tags, text.trim().toLowerCase()] : tags
          onApply({
            tag: all.join(',') || undefined,
            tagMatch: match === 'any' && all.length > 1 ? 'any' : undefined,
          })
        }}
      >
        {t('clients.chips.apply')}
      </Button>
    </div>
  )
}

function RangeFilter({ field, search, onApply }: EditorProps) {
  const { t } = useTranslation()
  const dates = field.kind === 'dates'
  const [fromKey, toKey] = (
    field.key === 'created'
      ? ['createdFrom', 'createdTo']
      : field.key === 'updated'
        ? ['updatedFrom', 'updatedTo']
        : [`${field.key}.min`, `${field.key}.max`]
  ) as [keyof ClientSearch, keyof ClientSearch]
  const money = field.field?.type === 'money'
  const shown = (v: string | undefined) =>
    money && v ? fromMinorUnits(Number(v), field.field?.currency) : (v ?? '')
  const stored = (v: string) => {
    if (!v.trim()) return undefined
    if (dates) return v
    if (money) return toMinorUnits(v, field.field?.currency)?.toString()
    return Number.isFinite(Number(v)) ? v.trim() : undefined
  }
  const [from, setFrom] = useState(shown(search[fromKey]))
  const [to, setTo] = useState(shown(search[toKey]))
  return (
    <Form className="space-y-3" onSubmit={() => onApply({ [fromKey]: stored(from), [toKey]: stored(to) })}>
      <Input
        label={
          dates
            ? t('clients.filters.from', { field: field.label })
            : t('clients.filters.min', { field: field.label })
        }
        type={dates ? 'date' : 'text'}
        inputMode={dates ? undefined : 'decimal'}
        autoFocus
        value={from}
        onChange={(e) => setFrom(e.target.value)}
      />
      <Input
        label={
          dates
            ? t('clients.filters.to', { field: field.label })
            : t('clients.filters.max', { field: field.label })
        }
        type={dates ? 'date' : 'text'}
        inputMode={dates ? undefined : 'decimal'}
        value={to}
        onChange={(e) => setTo(e.target.value)}
      />
      <Button type="submit">{t('clients.chips.apply')}</Button>
    </Form>
  )
}
