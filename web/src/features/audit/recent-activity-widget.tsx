import { useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { EmptyState, QueryState } from '../../components/ui/index.ts'
import { api, queryString } from '../../lib/api.ts'
import { useFormatDateTime } from '../../lib/format.ts'
import type { AuditEntry } from './api.ts'

const recentActivityQuery = {
  queryKey: ['audit-logs', 'recent'],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    api.get<{ data: AuditEntry[] }>(`/api/v1/audit-logs${queryString({ limit: 8 })}`, signal),
}

/** The dashboard's "recent activity": the workspace's latest audit entries. */
export default function RecentActivityWidget() {
  const { t } = useTranslation()
  const formatDateTime = useFormatDateTime()
  const entries = useQuery(recentActivityQuery)
  return (
    <QueryState
      query={entries}
      isEmpty={(page) => page.data.length === 0}
      empty={<EmptyState title={t('dashboard.widgets.noActivity')} />}
    >
      {(page) => (
        <ul className="divide-y divide-slate-200 dark:divide-slate-700">
          {page.data.map((entry) => (
            <li key={entry.id} className="py-2 text-sm">
              <p className="break-words">
                <span className="font-medium">{entry.actor?.name ?? t('audit.system')}</span>{' '}
                <code className="text-xs">{entry.action}</code>
                {entry.targetLabel ? <> · {entry.targetLabel}</> : null}
              </p>
              <p className="text-xs text-slate-600 dark:text-slate-300">
                <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
              </p>
            </li>
          ))}
        </ul>
      )}
    </QueryState>
  )
}
