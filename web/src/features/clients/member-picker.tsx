// biome-ignore-all lint/a11y/noNoninteractiveElementToInteractiveRole: the ARIA combobox pattern: a listbox of options driven by aria-activedescendant
// biome-ignore-all lint/a11y/useFocusableInteractive: options are never focused; the input keeps focus (aria-activedescendant)
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type KeyboardEvent, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { cn } from '../../components/ui/index.ts'
import { api, queryString } from '../../lib/api.ts'
import type { Member } from '../members/api.ts'

export type PickedMember = { id: string; name: string; email: string }
/** Extra choices above the members: "Me", "No owner". */
export type SpecialOption = { id: string; name: string }

const memberSearch = (q: string) => ({
  queryKey: ['members', 'search', q],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    api.get<{ data: Member[] }>(`/api/v1/members${queryString({ q: q || undefined, limit: 20 })}`, signal),
  staleTime: 30_000,
})

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return debounced
}

/**
 * A combobox that searches the workspace's members on the server as the user types (20 at a time), so
 * it never loads the whole member list. Enter picks the highlighted option, Escape cancels.
 */
export function MemberPicker({
  label,
  hideLabel,
  specials = [],
  autoFocus,
  inline,
  onPick,
  onCancel,
}: {
  /** The options show in the flow of the page (in a dialog) rather than floating over it. */
  inline?: boolean
  label: string
  hideLabel?: boolean
  specials?: SpecialOption[]
  autoFocus?: boolean
  onPick: (member: PickedMember | SpecialOption) => void
  onCancel?: () => void
}) {
  const { t } = useTranslation()
  const id = useId()
  const [text, setText] = useState('')
  const [active, setActive] = useState(0)
  const q = useDebounced(text.trim(), 150)
  const members = useQuery({ ...memberSearch(q), placeholderData: keepPreviousData })
  const shownSpecials = specials.filter((s) => !q || s.name.toLowerCase().includes(q.toLowerCase()))
  const options: (PickedMember | SpecialOption)[] = [
    ...shownSpecials,
    ...(members.data?.data ?? []).map((m) => ({ id: m.userId, name: m.name, email: m.email })),
  ]
  const index = Math.min(active, options.length - 1)
  const optionId = (i: number) => `${id}-option-${i}`
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') setActive(Math.min(index + 1, options.length - 1))
    else if (event.key === 'ArrowUp') setActive(Math.max(index - 1, 0))
    else if (event.key === 'Enter') {
      const option = options[index]
      if (option) onPick(option)
    } else if (event.key === 'Escape') onCancel?.()
    else return
    event.preventDefault()
    event.stopPropagation()
  }
  return (
    <div className="relative w-full min-w-56">
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'mb-1 block text-sm font-medium'}>
        {label}
      </label>
      <input
        id={id}
        role="combobox"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={options[index] ? optionId(index) : undefined}
        // biome-ignore lint/a11y/noAutofocus: the picker opens because the user asked to edit this value
        autoFocus={autoFocus}
        autoComplete="off"
        placeholder={t('clients.picker.search')}
        value={text}
        onChange={(e) => {
          setText(e.target.value)
          setActive(0)
        }}
        onKeyDown={onKeyDown}
        onBlur={(event) => {
          if (!event.currentTarget.parentElement?.contains(event.relatedTarget)) onCancel?.()
        }}
        className="w-full rounded-md border border-slate-400 bg-white px-2 py-1 text-sm dark:border-slate-500 dark:bg-slate-950"
      />
      <ul
        id={`${id}-list`}
        role="listbox"
        aria-label={label}
        className={cn(
          inline ? 'max-h-48' : 'absolute z-40 max-h-64 shadow-lg',
          'mt-1 w-full overflow-auto rounded-md border border-slate-200 bg-white py-1 text-sm dark:border-slate-700 dark:bg-slate-900',
        )}
      >
        {options.map((option, i) => (
          <li
            key={option.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === index}
            tabIndex={-1}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => onPick(option)}
            onKeyDown={() => undefined}
            className={cn(
              'cursor-pointer px-3 py-1.5',
              i === index && 'bg-indigo-100 text-indigo-950 dark:bg-indigo-900 dark:text-white',
            )}
          >
            {option.name}
            {'email' in option ? (
              <span className="ml-2 text-xs text-slate-600 dark:text-slate-300">{option.email}</span>
            ) : null}
          </li>
        ))}
        {options.length === 0 && !members.isFetching ? (
          <li
            role="option"
            aria-selected="false"
            aria-disabled="true"
            className="px-3 py-1.5 text-slate-600 dark:text-slate-300"
          >
            {t('clients.picker.none')}
          </li>
        ) : null}
      </ul>
    </div>
  )
}
