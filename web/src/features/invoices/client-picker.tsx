import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Combobox, type ComboOption } from '../../components/ui/combobox.tsx'
import { useServerSearch } from '../../lib/use-server-search.ts'
import { type ClientHit, clientSearch } from './api.ts'

/**
 * Picks one client by name, asking the server as the user types (20 at a time), so the client list is
 * never loaded whole. `onChange` receives the client with its currency (the document's default).
 */
export function ClientPicker({
  label,
  value,
  onChange,
  error,
  autoFocus,
  inline,
}: {
  label: string
  value: { id: string; name: string } | null
  onChange: (client: ClientHit | null) => void
  error?: string
  autoFocus?: boolean
  inline?: boolean
}) {
  const { t } = useTranslation()
  const [text, setText] = useState('')
  const hits = useServerSearch(text, clientSearch)
  const found = hits.data?.data ?? []
  const options: ComboOption[] = found.map((c) => ({
    value: c.id,
    label: c.name,
    hint: c.email ?? undefined,
  }))
  if (value && !options.some((o) => o.value === value.id))
    options.unshift({ value: value.id, label: value.name })
  return (
    <Combobox
      label={label}
      options={options}
      value={value?.id ?? null}
      placeholder={t('invoices.picker.searchClients')}
      emptyLabel={hits.isFetching ? undefined : t('invoices.picker.noClients')}
      autoFocus={autoFocus}
      inline={inline}
      error={error}
      onSearch={setText}
      onChange={(id) => {
        if (!id) return onChange(null)
        const hit = found.find((c) => c.id === id)
        onChange(hit ?? (value ? { id: value.id, name: value.name, email: null, currency: null } : null))
      }}
    />
  )
}
