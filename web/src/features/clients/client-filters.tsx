import { type ComponentProps, lazy, Suspense, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Popover } from '../../components/grid/index.ts'
import { Button } from '../../components/ui/index.ts'
import {
  activeFilterCount,
  type ClientSearch,
  type CustomField,
  clientStatuses,
  filterableTypes,
  fromMinorUnits,
  sortableTypes,
  splitList,
  viewShapeKeys,
} from './api.ts'
import { fieldLabel } from './custom-field-format.tsx'
import { type FilterField, type Patch, rememberName, useNameOf } from './filter-types.ts'

// The value editors (and the member picker they use) load when a filter is first opened.
const LazyFilterEditor = lazy(() => import('./filter-editor.tsx').then((m) => ({ default: m.FilterEditor })))

function FilterEditor(props: ComponentProps<typeof LazyFilterEditor>) {
  return (
    <Suspense
      fallback={<div className="h-24 w-56 animate-pulse rounded-md bg-slate-100 dark:bg-slate-800" />}
    >
      <LazyFilterEditor {...props} />
    </Suspense>
  )
}

/** The fields a list can be filtered on: built-in ones, then the filterable custom fields. */
function useFilterFields(fields: CustomField[]): FilterField[] {
  const { t } = useTranslation()
  const list: FilterField[] = [
    { key: 'status', label: t('clients.fields.status'), kind: 'status' },
    { key: 'tag', label: t('clients.fields.tags'), kind: 'tag' },
    { key: 'owner', label: t('clients.fields.owner'), kind: 'member' },
    { key: 'assignee', label: t('clients.fields.assignee'), kind: 'member' },
    { key: 'created', label: t('clients.fields.created'), kind: 'dates' },
    { key: 'updated', label: t('clients.fields.updated'), kind: 'dates' },
  ]
  for (const field of fields) {
    const kind = filterableTypes[field.type as keyof typeof filterableTypes]
    if (!kind) continue
    list.push({
      key: `cf.${field.key}`,
      label: fieldLabel(field),
      kind:
        kind === 'option'
          ? 'option'
          : kind === 'boolean'
            ? 'boolean'
            : field.type === 'date'
              ? 'dates'
              : 'range',
      field,
    })
  }
  return list
}

/** The URL parameters a filter field sets. */
function paramsOf(field: FilterField): (keyof ClientSearch)[] {
  if (field.key === 'created') return ['createdFrom', 'createdTo']
  if (field.key === 'updated') return ['updatedFrom', 'updatedTo']
  if (field.key === 'tag') return ['tag', 'tagMatch']
  if (field.kind === 'dates' || field.kind === 'range')
    return [`${field.key}.min` as keyof ClientSearch, `${field.key}.max` as keyof ClientSearch]
  return [field.key as keyof ClientSearch]
}

/**
 * Filters as chips: each active filter is a chip that opens its editor, with a button to remove it;
 * "+ Filter" picks a field, then its value. Every change lands in the URL.
 */
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
  const all = useFilterFields(fields)
  const active = all.filter((field) => paramsOf(field).some((param) => param !== 'tagMatch' && search[param]))
  const nameOf = useNameOf()
  const summary = useSummary(nameOf)
  const clear = (field: FilterField) =>
    onChange(Object.fromEntries(paramsOf(field).map((p) => [p, undefined])))
  const clearAll = () => {
    const patch: Patch = {}
    for (const key of Object.keys(search) as (keyof ClientSearch)[])
      if (!viewShapeKeys.has(key)) patch[key] = undefined
    patch.tagMatch = undefined
    onChange(patch)
  }
  const apply = (patch: Patch) => {
    for (const [id, name] of Object.entries(patch.names ?? {})) rememberName(id, name)
    const { names: _, ...rest } = patch
    onChange(rest)
  }

  return (
    <ul aria-label={t('clients.filters.title')} className="flex flex-wrap items-center gap-2">
      {active.map((field) => (
        <li key={field.key} className="inline-flex items-stretch">
          <Popover
            label={
              <span>
                <span className="font-semibold">{field.label}:</span> {summary(field, search)}
              </span>
            }
          >
            {(close) => (
              <FilterEditor
                field={field}
                search={search}
                onApply={(patch) => {
                  apply(patch)
                  close()
                }}
              />
            )}
          </Popover>
          <button
            type="button"
            onClick={() => clear(field)}
            aria-label={t('clients.chips.remove', { field: field.label })}
            className="-ml-px rounded-r-md border border-slate-300 px-2 text-slate-700 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-200 dark:hover:bg-slate-800"
          >
            <span aria-hidden="true">×</span>
          </button>
        </li>
      ))}
      <li>
        <AddFilter fields={all.filter((f) => !active.includes(f))} search={search} onApply={apply} />
      </li>
      {activeFilterCount(search) > 0 ? (
        <li>
          <Button variant="ghost" onClick={clearAll}>
            {t('clients.filters.clear')}
          </Button>
        </li>
      ) : null}
    </ul>
  )
}

function AddFilter({
  fields,
  search,
  onApply,
}: {
  fields: FilterField[]
  search: ClientSearch
  onApply: (patch: Patch) => void
}) {
  const { t } = useTranslation()
  const [chosen, setChosen] = useState<FilterField | null>(null)
  return (
    <Popover label={<span aria-hidden="false">{t('clients.chips.add')}</span>}>
      {(close) =>
        chosen ? (
          <FilterEditor
            field={chosen}
            search={search}
            onApply={(patch) => {
              onApply(patch)
              setChosen(null)
              close()
            }}
          />
        ) : (
          <fieldset>
            <legend className="mb-2 text-sm font-semibold">{t('clients.chips.pickField')}</legend>
            <ul className="space-y-0.5">
              {fields.map((field) => (
                <li key={field.key}>
                  <button
                    type="button"
                    // biome-ignore lint/a11y/noAutofocus: focus moves into the menu the user just opened
                    autoFocus={field === fields[0]}
                    onClick={() => setChosen(field)}
                    className="w-full rounded px-2 py-1.5 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
                  >
                    {field.label}
                  </button>
                </li>
              ))}
            </ul>
          </fieldset>
        )
      }
    </Popover>
  )
}

/** A chip's value in words: "Lead, Active", "retail or vip", "from 1 Mar". */
function useSummary(nameOf: (id: string) => string) {
  const { t } = useTranslation()
  return (field: FilterField, search: ClientSearch): string => {
    const [first, second] = paramsOf(field)
    const a = first ? search[first] : undefined
    const b = second ? search[second] : undefined
    switch (field.kind) {
      case 'status':
        return splitList(a)
          .map((s) =>
            (clientStatuses as readonly string[]).includes(s) ? t(`clients.status.${s as 'lead'}`) : s,
          )
          .join(', ')
      case 'tag':
        return splitList(a).join(search.tagMatch === 'any' ? t('clients.chips.or') : t('clients.chips.and'))
      case 'member':
        return splitList(a)
          .map((id) =>
            id === 'me' ? t('clients.filters.me') : id === 'none' ? t('clients.noOwner') : nameOf(id),
          )
          .join(', ')
      case 'boolean':
        return a === 'true' ? t('clients.yes') : t('clients.no')
      case 'option':
        return splitList(a).join(', ')
      default: {
        const show = (v: string | undefined) =>
          v && field.field?.type === 'money' ? fromMinorUnits(Number(v), field.field.currency) : v
        if (a && b) return t('clients.chips.between', { from: show(a), to: show(b) })
        if (a) return t('clients.chips.from', { value: show(a) })
        return t('clients.chips.until', { value: show(b) })
      }
    }
  }
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
