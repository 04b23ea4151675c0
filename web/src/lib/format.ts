import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'

// Creating an Intl formatter is slow (the first of a page loads the locale's data; each later one still
// builds its patterns), so each locale and set of options gets one, kept for the life of the page.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>()

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d${locale}${JSON.stringify(options)}`
  const formatter =
    (formatters.get(key) as Intl.DateTimeFormat | undefined) ?? new Intl.DateTimeFormat(locale, options)
  formatters.set(key, formatter)
  return formatter
}

export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `n${locale}${JSON.stringify(options)}`
  const formatter =
    (formatters.get(key) as Intl.NumberFormat | undefined) ?? new Intl.NumberFormat(locale, options)
  formatters.set(key, formatter)
  return formatter
}

function useFormat(options: Intl.DateTimeFormatOptions): (value: string | null | undefined) => string {
  const { i18n } = useTranslation()
  return useMemo(() => {
    let formatter: Intl.DateTimeFormat | undefined
    return (value) => {
      if (!value) return ''
      const date = new Date(value)
      if (Number.isNaN(date.getTime())) return value
      formatter ??= dateTimeFormat(i18n.language, options)
      return formatter.format(date)
    }
  }, [i18n.language, options])
}

const dateTime: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }
const dateOnly: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }

export function useFormatDateTime(): (value: string | null | undefined) => string {
  return useFormat(dateTime)
}

export function useFormatDate(): (value: string | null | undefined) => string {
  return useFormat(dateOnly)
}
