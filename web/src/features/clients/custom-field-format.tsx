import { type ReactNode, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { linkClasses } from '../../components/ui/link.ts'
import { dateTimeFormat, numberFormat } from '../../lib/format.ts'
import { type CustomField, fromMinorUnits } from './api.ts'

// Reading custom values (grid cells, record page), apart from their inputs so a list loads no form code.

export function fieldLabel(field: Pick<CustomField, 'label' | 'type' | 'currency'>): string {
  return field.type === 'money' && field.currency ? `${field.label} (${field.currency})` : field.label
}

/** Formats a stored custom value for reading. */
export function useFormatCustomValue(): (field: CustomField, value: unknown) => ReactNode {
  const { t, i18n } = useTranslation()
  return useMemo(() => {
    return (field: CustomField, value: unknown) => {
      if (value === null || value === undefined || value === '') return '—'
      switch (field.type) {
        case 'checkbox':
          return value === true ? t('clients.yes') : t('clients.no')
        case 'multi_select':
          return Array.isArray(value) && value.length ? value.join(', ') : '—'
        case 'money': {
          if (typeof value !== 'number') return String(value)
          const amount = fromMinorUnits(value, field.currency)
          if (!field.currency) return amount
          try {
            return numberFormat(i18n.language, { style: 'currency', currency: field.currency }).format(
              Number(amount),
            )
          } catch {
            return `${amount} ${field.currency}`
          }
        }
        case 'date': {
          const date = new Date(`${String(value)}T00:00:00Z`)
          return Number.isNaN(date.getTime())
            ? String(value)
            : dateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' }).format(date)
        }
        case 'url':
          return (
            <a href={String(value)} className={linkClasses} rel="noopener noreferrer" target="_blank">
              {String(value)}
            </a>
          )
        case 'number':
          return typeof value === 'number' ? numberFormat(i18n.language).format(value) : String(value)
        default:
          return String(value)
      }
    }
  }, [t, i18n.language])
}
