import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { ComboOption } from '../components/ui/combobox.tsx'

const letters = 'abcdefghijklmnopqrstuvwxyz'
const pairs = [...letters].flatMap((a) => [...letters].map((b) => a + b))
// Region codes that name no country: user-assigned ranges, the EU, the eurozone, the UN, unknown.
const notCountries = /^(AA|Q[M-Z]|X[A-Z]|ZZ|EU|EZ|UN)$/

function displayNames(locale: string, type: Intl.DisplayNamesType) {
  try {
    return new Intl.DisplayNames([locale], { type, fallback: 'none' })
  } catch {
    return null
  }
}

const byLabel = (a: ComboOption, b: ComboOption) => a.label.localeCompare(b.label)

/** ISO 4217 currencies the browser knows, named in the viewer's language. */
export function currencyOptions(locale: string): ComboOption[] {
  const names = displayNames(locale, 'currency')
  return Intl.supportedValuesOf('currency')
    .map((code) => ({ value: code, label: names?.of(code) ?? code, hint: code }))
    .sort(byLabel)
}

/** ISO 3166 countries (two-letter codes the browser can name). */
export function countryOptions(locale: string): ComboOption[] {
  const names = displayNames(locale, 'region')
  return pairs
    .map((p) => p.toUpperCase())
    .filter((code) => !notCountries.test(code))
    .flatMap((code) => {
      const label = names?.of(code)
      return label ? [{ value: code, label, hint: code }] : []
    })
    .sort(byLabel)
}

/** Languages with a two-letter ISO 639-1 code the browser can name. */
export function languageOptions(locale: string): ComboOption[] {
  const names = displayNames(locale, 'language')
  return pairs
    .flatMap((code) => {
      const label = names?.of(code)
      return label && label !== code ? [{ value: code, label, hint: code }] : []
    })
    .sort(byLabel)
}

/** IANA time zones, with their current offset. */
export function timeZoneOptions(): ComboOption[] {
  return Intl.supportedValuesOf('timeZone').map((zone) => ({
    value: zone,
    label: zone.replaceAll('_', ' '),
    hint: offsetOf(zone),
  }))
}

function offsetOf(zone: string): string {
  try {
    const part = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'shortOffset' })
      .formatToParts(new Date())
      .find((p) => p.type === 'timeZoneName')
    return part?.value ?? ''
  } catch {
    return ''
  }
}

/** The option lists in the viewer's language, built once per language. */
export function useIntlOptions() {
  const { i18n } = useTranslation()
  return useMemo(() => {
    const locale = i18n.language
    let cache: Partial<Record<'currency' | 'country' | 'language' | 'timeZone', ComboOption[]>> = {}
    return {
      currencies: () => (cache.currency ??= currencyOptions(locale)),
      countries: () => (cache.country ??= countryOptions(locale)),
      languages: () => (cache.language ??= languageOptions(locale)),
      timeZones: () => (cache.timeZone ??= timeZoneOptions()),
      reset: () => {
        cache = {}
      },
    }
  }, [i18n.language])
}
