import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { useIntlOptions } from '../../lib/intl-options.ts'
import { can } from '../auth/api.ts'
import type { FieldDescriber } from '../timeline/activity-text.ts'
import { Timeline } from '../timeline/timeline.tsx'
import { customFieldsQuery } from './api.ts'
import { MarkdownView } from './markdown.tsx'
import type { ClientTabProps } from './tabs.ts'

/** The client's timeline, with its earlier free-text notes pinned above the entries. */
export function TimelineTab({ client, me }: ClientTabProps) {
  const { t, i18n } = useTranslation()
  const customFields = useQuery(customFieldsQuery)
  const intl = useIntlOptions()
  const fields = useMemo<FieldDescriber>(() => {
    const labels = new Map((customFields.data ?? []).map((f) => [f.key, f.label]))
    const named = (options: () => { value: string; label: string }[], v: unknown) =>
      typeof v === 'string' ? options().find((o) => o.value === v)?.label : undefined
    return {
      nestedKey: 'custom',
      format: (key, value) => {
        if (key === 'currency') return named(intl.currencies, value)
        if (key === 'language') return named(intl.languages, value)
        if (key === 'kind' || key === 'status')
          return typeof value === 'string'
            ? String(t(`clients.${key}.${value}` as 'clients.kind.company'))
            : undefined
        return undefined
      },
      longText: (key) => key === 'notes',
      label: (key) => {
        if (key.startsWith('custom.')) {
          const k = key.slice('custom.'.length)
          return t('record.activityFields.custom', { label: labels.get(k) ?? k })
        }
        const name = `record.activityFields.${key}` as 'record.activityFields.name'
        return i18n.exists(name) ? String(t(name)) : key
      },
    }
  }, [customFields.data, t, i18n, intl])
  return (
    <Timeline
      record={{ recordType: 'client', recordId: client.id }}
      me={{ id: me.user.id, name: me.user.name }}
      canWrite={can(me, 'timeline:write')}
      fields={fields}
      pinned={
        client.notes.trim() ? (
          <section
            aria-labelledby="pinned-notes-heading"
            className="rounded-md border border-slate-200 bg-slate-50 p-3 dark:border-slate-700 dark:bg-slate-800/50"
          >
            <h3 id="pinned-notes-heading" className="text-sm font-semibold">
              {t('timeline.pinned')}
            </h3>
            <p className="mb-2 text-xs text-slate-600 dark:text-slate-300">{t('timeline.pinnedHint')}</p>
            <MarkdownView source={client.notes} />
          </section>
        ) : null
      }
    />
  )
}
