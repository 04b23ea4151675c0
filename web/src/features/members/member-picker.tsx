import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Combobox, type ComboOption } from '../../components/ui/combobox.tsx'
import { useServerSearch } from '../../lib/use-server-search.ts'
import { memberSearch } from './api.ts'

/** A member chosen (`email` is empty for the special choices). */
export type PickedMember = { id: string; name: string; email: string }

/**
 * Picks one member by name or email, asking the server as the user types (20 at a time), so the whole
 * member list is never loaded. `specials` are choices listed above the members ("Me"); `noneLabel` is a
 * first choice that clears the value. Enter picks the highlighted option; Escape closes the list, a
 * second Escape reaches `onEscape`; `onLeave` is told when focus leaves it.
 */
export function MemberPicker({
  label,
  hideLabel,
  value = null,
  onChange,
  noneLabel,
  specials = [],
  autoFocus,
  inline,
  error,
  onEscape,
  onLeave,
}: {
  label: string
  hideLabel?: boolean
  value?: { id: string; name: string } | null
  onChange: (member: PickedMember | null) => void
  noneLabel?: string
  specials?: { id: string; name: string }[]
  autoFocus?: boolean
  inline?: boolean
  error?: string
  onEscape?: () => void
  onLeave?: () => void
}) {
  const { t } = useTranslation()
  const [text, setText] = useState('')
  const hits = useServerSearch(text, memberSearch)
  const term = hits.term.toLowerCase()
  const options: ComboOption[] = [
    ...specials
      .filter((s) => !term || s.name.toLowerCase().includes(term))
      .map((s) => ({ value: s.id, label: s.name })),
    ...(hits.data?.data ?? []).map((m) => ({ value: m.userId, label: m.name, hint: m.email })),
  ]
  if (value && !options.some((o) => o.value === value.id))
    options.unshift({ value: value.id, label: value.name })
  return (
    <div className="w-full min-w-56">
      <Combobox
        label={label}
        hideLabel={hideLabel}
        options={options}
        value={value?.id ?? null}
        noneLabel={noneLabel}
        placeholder={t('members.picker.search')}
        emptyLabel={hits.isFetching ? undefined : t('members.picker.none')}
        autoFocus={autoFocus}
        inline={inline}
        error={error}
        onSearch={setText}
        onEscape={onEscape}
        onBlur={onLeave}
        onChange={(id) => {
          const option = options.find((o) => o.value === id)
          onChange(id && option ? { id, name: option.label, email: option.hint ?? '' } : null)
        }}
      />
    </div>
  )
}
