import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'

export function useFormatDateTime(): (value: string | null | undefined) => string {
  const { i18n } = useTranslation()
  return useMemo(() => {
    const formatter = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
    return (value) => {
      if (!value) return ''
      const date = new Date(value)
      return Number.isNaN(date.getTime()) ? value : formatter.format(date)
    }
  }, [i18n.language])
}

export function useFormatDate(): (value: string | null | undefined) => string {
  const { i18n } = useTranslation()
  return useMemo(() => {
    const formatter = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' })
    return (value) => {
      if (!value) return ''
      const date = new Date(value)
      return Number.isNaN(date.getTime()) ? value : formatter.format(date)
    }
  }, [i18n.language])
}
