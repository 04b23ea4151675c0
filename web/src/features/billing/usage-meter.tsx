import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { cn } from '../../components/ui/index.ts'
import { numberFormat } from '../../lib/format.ts'
import { type LimitKey, meterTone, ratio } from './api.ts'

const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const

/** Bytes as people read them ("1.5 GB"), in the viewer's locale. */
export function formatBytes(bytes: number, locale: string): string {
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit += 1
  }
  return numberFormat(locale, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: unit === 0 ? 'narrow' : 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value)
}

/** A meter's value as text: bytes for storage, a plain count for the others. */
export function useFormatMeter(): (key: LimitKey, value: number) => string {
  const { i18n } = useTranslation()
  return (key, value) =>
    key === 'storageBytes' ? formatBytes(value, i18n.language) : numberFormat(i18n.language).format(value)
}

const bar: Record<'ok' | 'warning' | 'full', string> = {
  ok: 'bg-indigo-600 dark:bg-indigo-400',
  warning: 'bg-amber-500 dark:bg-amber-400',
  full: 'bg-red-700 dark:bg-red-400',
}

/**
 * One metered limit: its name, "12 of 50" in words, and a bar (a `progressbar` with the same words as
 * its value text). The bar turns amber from 80 % and red at 100 %, and the words say so too.
 */
export function UsageMeter({
  meter,
  used,
  allowed,
}: {
  meter: LimitKey
  used: number
  allowed: number | null
}) {
  const { t } = useTranslation()
  const format = useFormatMeter()
  const labelId = useId()
  const tone = meterTone(used, allowed)
  const r = ratio(used, allowed)
  const percent = r === null ? 0 : Math.min(100, Math.round(r * 100))
  const text =
    allowed === null
      ? t('billing.usage.unlimited', { used: format(meter, used) })
      : t('billing.usage.of', { used: format(meter, used), allowed: format(meter, allowed) })
  const state =
    tone === 'full' ? t('billing.usage.full') : tone === 'warning' ? t('billing.usage.near') : null
  return (
    <li className="space-y-1.5">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 text-sm">
        <span id={labelId} className="font-medium">
          {t(`billing.usage.labels.${meter}`)}
        </span>
        <span
          className={cn(
            'tabular-nums',
            tone === 'full'
              ? 'font-semibold text-red-800 dark:text-red-300'
              : tone === 'warning'
                ? 'font-medium text-amber-900 dark:text-amber-200'
                : 'text-slate-700 dark:text-slate-300',
          )}
        >
          {text}
          {state ? ` · ${state}` : null}
        </span>
      </div>
      <div
        role="progressbar"
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={allowed === null ? undefined : 100}
        aria-valuenow={allowed === null ? undefined : percent}
        aria-valuetext={state ? `${text}, ${state}` : text}
        className="h-2 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
      >
        <div
          className={cn('h-full rounded-full', bar[tone])}
          style={{ width: `${allowed === null ? 0 : Math.max(percent, used > 0 ? 2 : 0)}%` }}
        />
      </div>
    </li>
  )
}
