import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { type KeyboardEvent, useId, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Card, cn, PageSpinner } from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { ApiError } from '../../lib/api.ts'
import { errorMessage } from '../../lib/errors.ts'
import { type Me, useMe } from '../auth/api.ts'
import { PageHeader } from '../shell/app-shell.tsx'
import { type Client, clientQuery } from './api.ts'
import { StatusBadge } from './badges.tsx'
import './load-tabs.ts'
import { RecordActions } from './record-actions.tsx'
import { RecordFields } from './record-fields.tsx'
import { useClientTabs } from './tabs.ts'

export function ClientPage({
  clientId,
  tab,
  onTabChange,
}: {
  clientId: string
  tab: string | undefined
  onTabChange: (tab: string) => void
}) {
  const { t } = useTranslation()
  const { data: me } = useMe()
  const client = useQuery(clientQuery(clientId))
  if (client.isPending || !me) return <PageSpinner />
  if (client.isError) {
    const notFound = client.error instanceof ApiError && client.error.status === 404
    return (
      <>
        <PageHeader title={notFound ? t('clients.page.notFound') : t('errors.pageTitle')} />
        <Alert tone={notFound ? 'info' : 'error'}>
          {notFound ? t('clients.page.notFoundBody') : errorMessage(client.error, t)}
        </Alert>
        <BackLink />
      </>
    )
  }
  return <ClientDetails client={client.data} me={me} tab={tab} onTabChange={onTabChange} />
}

function BackLink() {
  const { t } = useTranslation()
  return (
    <Link to="/clients" className={cn(linkClasses, 'text-sm')}>
      {t('clients.page.back')}
    </Link>
  )
}

/**
 * A record page: the fields on the left, edited in place, and on the right the timeline beside the
 * tabs other features register. On narrow screens the panes stack.
 */
function ClientDetails({
  client,
  me,
  tab,
  onTabChange,
}: {
  client: Client
  me: Me
  tab: string | undefined
  onTabChange: (tab: string) => void
}) {
  const { t } = useTranslation()
  const tabs = useClientTabs(me)
  const baseId = useId()
  const tabRefs = useRef(new Map<string, HTMLButtonElement>())
  const active = tabs.find((item) => item.id === tab) ?? tabs[0]

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const last = tabs.length - 1
    const keys: Record<string, number> = {
      ArrowRight: index === last ? 0 : index + 1,
      ArrowLeft: index === 0 ? last : index - 1,
      Home: 0,
      End: last,
    }
    const next = keys[event.key]
    if (next === undefined) return
    event.preventDefault()
    const target = tabs[next]
    if (!target) return
    onTabChange(target.id)
    tabRefs.current.get(target.id)?.focus()
  }

  const Panel = active?.component
  return (
    <>
      <div className="space-y-2">
        <BackLink />
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div className="flex flex-wrap items-center gap-3">
            <PageHeader title={client.name} />
            <StatusBadge status={client.status} />
          </div>
          <RecordActions client={client} me={me} />
        </div>
      </div>
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
        <Card title={t('record.fields')} className="min-w-0">
          <RecordFields client={client} me={me} />
        </Card>
        <section aria-label={t('record.timelinePane')} className="min-w-0 space-y-4">
          <div
            role="tablist"
            aria-label={t('clients.page.tabs')}
            className="flex gap-1 overflow-x-auto border-b border-slate-200 dark:border-slate-700"
          >
            {tabs.map((item, index) => {
              const selected = item.id === active?.id
              return (
                <button
                  key={item.id}
                  ref={(element) => {
                    if (element) tabRefs.current.set(item.id, element)
                    else tabRefs.current.delete(item.id)
                  }}
                  type="button"
                  role="tab"
                  id={`${baseId}-tab-${item.id}`}
                  aria-selected={selected}
                  aria-controls={selected ? `${baseId}-panel` : undefined}
                  tabIndex={selected ? 0 : -1}
                  onClick={() => onTabChange(item.id)}
                  onKeyDown={(event) => onKeyDown(event, index)}
                  className={cn(
                    '-mb-px whitespace-nowrap border-b-2 px-4 py-2 text-sm font-medium',
                    selected
                      ? 'border-indigo-700 text-indigo-900 dark:border-indigo-300 dark:text-indigo-100'
                      : 'border-transparent text-slate-700 hover:border-slate-400 dark:text-slate-300',
                  )}
                >
                  {t(item.labelKey)}
                </button>
              )
            })}
          </div>
          {Panel && active ? (
            <div
              role="tabpanel"
              id={`${baseId}-panel`}
              aria-labelledby={`${baseId}-tab-${active.id}`}
              className="space-y-6"
            >
              <Panel key={`${client.id}:${active.id}`} client={client} me={me} />
            </div>
          ) : null}
        </section>
      </div>
    </>
  )
}
