import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Combobox } from '../../components/ui/combobox.tsx'
import { api, queryString } from '../../lib/api.ts'

type MemberHit = { userId: string; name: string; email: string }

/** Members matching what the user types, asked of the server (a workspace may have thousands). */
export function useMemberSearch(text: string) {
  return useQuery({
    queryKey: ['members', 'search', text],
    queryFn: ({ signal }) =>
      api.get<{ data: MemberHit[] }>(`/api/v1/members${queryString({ q: text.trim(), limit: 20 })}`, signal),
    select: (r) => r.data,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  })
}

/** Picks one member by name or email, searching the server as the user types. */
export function MemberPicker({
  label,
  value,
  onChange,
  noneLabel,
  hideLabel,
  onEscape,
  error,
}: {
  label: string
  value: { id: string; name: string } | null
  onChange: (member: { id: string; name: string } | null) => void
  noneLabel?: string
  hideLabel?: boolean
  onEscape?: () => void
  error?: string
}) {
  const [text, setText] = useState('')
  const hits = useMemberSearch(text)
  const options = (hits.data ?? []).map((m) => ({ value: m.userId, label: m.name, hint: m.email }))
  if (value && !options.some((o) => o.value === value.id))
    options.unshift({ value: value.id, label: value.name, hint: '' })
  return (
    <Combobox
      label={label}
      hideLabel={hideLabel}
      options={options}
      value={value?.id ?? null}
      noneLabel={noneLabel}
      onSearch={setText}
      onEscape={onEscape}
      error={error}
      onChange={(id) => {
        const o = options.find((x) => x.value === id)
        onChange(id && o ? { id, name: o.label } : null)
      }}
    />
  )
}
