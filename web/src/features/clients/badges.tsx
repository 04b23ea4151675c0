import { Link } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { cn } from '../../components/ui/index.ts'
import type { ClientStatus } from './api.ts'

/** A client's name, linking to its page (grid rows, board cards, phone list). */
export function ClientLink({
  client,
  className,
  tabIndex,
}: {
  client: { id: string; name: string }
  className?: string
  tabIndex?: number
}) {
  return (
    <Link
      to="/clients/$clientId"
      params={{ clientId: client.id }}
      tabIndex={tabIndex}
      className={cn('font-medium text-indigo-800 hover:underline dark:text-indigo-300', className)}
    >
      {client.name}
    </Link>
  )
}

const statusTones: Record<ClientStatus, string> = {
  lead: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  active: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100',
  archived: 'bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-100',
}

export function StatusBadge({ status }: { status: ClientStatus }) {
  const { t } = useTranslation()
  return (
    <span className={cn('inline-block rounded-full px-2 py-0.5 text-xs font-medium', statusTones[status])}>
      {t(`clients.status.${status}`)}
    </span>
  )
}

export function TagList({ tags }: { tags: string[] }) {
  if (tags.length === 0) return null
  return (
    <ul className="flex flex-wrap gap-1">
      {tags.map((tag) => (
        <li
          key={tag}
          className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100"
        >
          {tag}
        </li>
      ))}
    </ul>
  )
}
