import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { EmptyState, QueryState } from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { myTasksQuery } from './api.ts'
import { DueText } from './tasks.tsx'

// Record types whose pages the web app has; a task on another type is listed without a link.
const paths: Record<string, (id: string) => string> = { client: (id) => `/clients/${id}` }

/** The dashboard's "my tasks due": the viewer's open tasks, soonest due first. */
export default function MyTasksWidget() {
  const { t } = useTranslation()
  const tasks = useQuery(myTasksQuery({ limit: 8 }))
  return (
    <QueryState
      query={tasks}
      isEmpty={(data) => data.length === 0}
      empty={<EmptyState title={t('timeline.widget.empty')} />}
    >
      {(data) => (
        <ul className="divide-y divide-slate-200 dark:divide-slate-700">
          {data.map((task) => {
            const path = paths[task.recordType]?.(task.recordId)
            return (
              <li key={task.id} className="py-2">
                <p className="text-sm font-medium break-words">{task.title}</p>
                <p className="text-xs text-slate-600 dark:text-slate-300">
                  {task.dueAt ? <DueText dueAt={task.dueAt} /> : null}
                  {task.dueAt && task.recordLabel ? ' · ' : null}
                  {task.recordLabel && path ? (
                    <Link to={path} className={linkClasses}>
                      {task.recordLabel}
                    </Link>
                  ) : (
                    task.recordLabel
                  )}
                </p>
              </li>
            )
          })}
        </ul>
      )}
    </QueryState>
  )
}
