import { useInfiniteQuery } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, Card, EmptyState, QueryState } from '../../components/ui/index.ts'
import { useFormatDateTime } from '../../lib/format.ts'
import { diffChanges } from '../audit/api.ts'
import { ChangesTable } from '../audit/changes-table.tsx'
import { activityQuery, type ClientActivity } from './api.ts'
import type { ClientTabProps } from './tabs.ts'

export function ActivityTab({ client }: ClientTabProps) {
  const { t } = useTranslation()
  const activity = useInfiniteQuery(activityQuery(client.id))
  const entries = activity.data?.pages.flatMap((page) => page.data) ?? []
  return (
    <Card title={t('clients.activity.title')}>
      <QueryState
        query={activity}
        isEmpty={() => entries.length === 0}
        empty={<EmptyState title={t('clients.activity.empty')} />}
      >
        {() => (
          <div className="space-y-4">
            <ol className="space-y-4 border-l border-slate-300 pl-5 dark:border-slate-600">
              {entries.map((entry) => (
                <ActivityItem key={entry.id} entry={entry} />
              ))}
            </ol>
            {activity.hasNextPage ? (
              <Button
                variant="secondary"
                loading={activity.isFetchingNextPage}
                onClick={() => activity.fetchNextPage()}
              >
                {t('clients.activity.loadMore')}
              </Button>
            ) : null}
          </div>
        )}
      </QueryState>
    </Card>
  )
}

function ActivityItem({ entry }: { entry: ClientActivity }) {
  const { t } = useTranslation()
  const formatDateTime = useFormatDateTime()
  const [open, setOpen] = useState(false)
  const detailsId = useId()
  const rows = diffChanges(entry.changes)
  return (
    <li className="relative">
      <span
        aria-hidden="true"
        className="absolute top-1 -left-[1.625rem] size-3 rounded-full border-2 border-white bg-indigo-700 dark:border-slate-900 dark:bg-indigo-300"
      />
      <p className="text-sm">
        <span className="font-medium">{entry.actor.label ?? t('audit.system')}</span>{' '}
        {t(`clients.activity.actions.${entry.action}`, { defaultValue: entry.action })}
        {entry.label ? <span className="text-slate-700 dark:text-slate-300"> · {entry.label}</span> : null}
      </p>
      <p className="text-xs text-slate-600 dark:text-slate-300">
        <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
      </p>
      {rows.length > 0 ? (
        <div className="mt-1">
          <Button
            variant="ghost"
            aria-expanded={open}
            aria-controls={detailsId}
            onClick={() => setOpen(!open)}
          >
            {open ? t('audit.hideChanges') : t('audit.showChanges')}
          </Button>
          {open ? <ChangesTable id={detailsId} rows={rows} className="mt-2" /> : null}
        </div>
      ) : null}
    </li>
  )
}
