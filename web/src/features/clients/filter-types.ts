import { useTranslation } from 'react-i18next'
import type { ClientSearch, CustomField } from './api.ts'

// What the filter chips and the (lazily loaded) filter editor share.

export type FilterField = {
  key: string
  label: string
  kind: 'status' | 'tag' | 'member' | 'dates' | 'range' | 'option' | 'boolean'
  field?: CustomField
}
export type Patch = Partial<Record<keyof ClientSearch, string | undefined>> & {
  names?: Record<string, string>
}

const names = new Map<string, string>()
/** Remembers the name of a member picked in a filter, so its chip can say who it is. */
export function rememberName(id: string, name: string) {
  names.set(id, name)
}
export function useNameOf() {
  const { t } = useTranslation()
  return (id: string) => names.get(id) ?? t('clients.chips.aMember')
}
