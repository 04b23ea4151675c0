import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { Fragment, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Combobox } from '../../components/ui/combobox.tsx'
import {
  Button,
  buttonClasses,
  Card,
  EmptyState,
  Form,
  HeaderRow,
  Input,
  QueryState,
  Select,
  Table,
  TBody,
  TD,
  TR,
} from '../../components/ui/index.ts'
import { useFormatDateTime } from '../../lib/format.ts'
import { membersQuery } from '../members/api.ts'
import { actionOptions, describeUserAgent } from './actions.ts'
import { type AuditEntry, type AuditFilters, auditExportUrl, auditLogQuery, diffChanges } from './api.ts'
import { ChangesTable } from './changes-table.tsx'

export function AuditLog({
  filters,
  onFiltersChange,
}: {
  filters: AuditFilters
  onFiltersChange: (filters: AuditFilters) => void
}) {
  const { t } = useTranslation()
  const log = useInfiniteQuery(auditLogQuery(filters))
  const entries = log.data?.pages.flatMap((page) => page.data) ?? []

  return (
    <>
      <Card className="min-w-0">
        <FiltersForm key={JSON.stringify(filters)} filters={filters} onSubmit={onFiltersChange} />
      </Card>
      <Card
        className="min-w-0"
        title={t('audit.entries')}
        actions={
          <a href={auditExportUrl(filters)} download className={buttonClasses('secondary')}>
            {t('audit.export')}
          </a>
        }
      >
        <QueryState
          query={log}
          isEmpty={() => entries.length === 0}
          empty={<EmptyState title={t('audit.empty')} description={t('audit.emptyHint')} />}
        >
          {() => (
            <div className="space-y-4">
              <Table caption={t('audit.entries')}>
                <HeaderRow
                  columns={[
                    t('audit.fields.time'),
                    t('audit.fields.actor'),
                    t('audit.fields.action'),
                    t('audit.fields.target'),
                    t('audit.fields.ipAddress'),
                    t('audit.fields.userAgent'),
                  ]}
                  actions={t('audit.fields.changes')}
                />
                <TBody>
                  {entries.map((entry) => (
                    <AuditRow key={entry.id} entry={entry} />
                  ))}
                </TBody>
              </Table>
              {log.hasNextPage ? (
                <Button
                  variant="secondary"
                  loading={log.isFetchingNextPage}
                  onClick={() => log.fetchNextPage()}
                >
                  {t('audit.loadMore')}
                </Button>
              ) : null}
            </div>
          )}
        </QueryState>
      </Card>
    </>
  )
}

function FiltersForm({
  filters,
  onSubmit,
}: {
  filters: AuditFilters
  onSubmit: (filters: AuditFilters) => void
}) {
  const { t } = useTranslation()
  const members = useQuery(membersQuery)
  const [actorId, setActorId] = useState(filters.actorId ?? '')
  const [action, setAction] = useState(filters.action ?? '')
  const [from, setFrom] = useState(filters.from ?? '')
  const [to, setTo] = useState(filters.to ?? '')

  const submit = () =>
    onSubmit({
      actorId: actorId || undefined,
      action: action.trim() || undefined,
      from: from || undefined,
      to: to || undefined,
    })

  return (
    <Form
      onSubmit={submit}
      aria-label={t('audit.filters.title')}
      className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5"
    >
      <Select
        label={t('audit.filters.actor')}
        name="actorId"
        value={actorId}
        onChange={(e) => setActorId(e.target.value)}
      >
        <option value="">{t('audit.filters.anyone')}</option>
        {(members.data ?? []).map((member) => (
          <option key={member.id} value={member.userId}>
            {member.name} ({member.email})
          </option>
        ))}
      </Select>
      <Combobox
        label={t('audit.filters.action')}
        options={actionOptions((area) => t('audit.filters.area', { area }))}
        value={action || null}
        noneLabel={t('audit.filters.anyAction')}
        placeholder={t('audit.filters.actionPlaceholder')}
        onChange={(v) => setAction(v ?? '')}
      />
      <Input
        label={t('audit.filters.from')}
        name="from"
        type="date"
        value={from}
        onChange={(e) => setFrom(e.target.value)}
      />
      <Input
        label={t('audit.filters.to')}
        name="to"
        type="date"
        value={to}
        onChange={(e) => setTo(e.target.value)}
      />
      <div className="flex items-end gap-2">
        <Button type="submit">{t('audit.filters.apply')}</Button>
        <Button variant="ghost" onClick={() => onSubmit({})}>
          {t('audit.filters.clear')}
        </Button>
      </div>
    </Form>
  )
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation()
  const formatDateTime = useFormatDateTime()
  const [open, setOpen] = useState(false)
  const detailsId = useId()
  const rows = diffChanges(entry.changes)
  const target = entry.targetLabel ?? entry.targetId
  return (
    <Fragment>
      <TR>
        <TD className="whitespace-nowrap">
          <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
        </TD>
        <TD>{entry.actor ? entry.actor.name : t('audit.system')}</TD>
        <TD>
          <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800">{entry.action}</code>
        </TD>
        <TD>
          {target ? (
            <>
              {entry.targetType ? (
                <span className="block text-xs text-slate-600 dark:text-slate-300">{entry.targetType}</span>
              ) : null}
              {target}
            </>
          ) : (
            '—'
          )}
        </TD>
        <TD className="whitespace-nowrap">{entry.ipAddress ?? '—'}</TD>
        <TD>
          <span className="block max-w-40 truncate" title={entry.userAgent ?? undefined}>
            {describeUserAgent(entry.userAgent) ?? '—'}
          </span>
        </TD>
        <TD>
          {rows.length > 0 ? (
            <Button
              variant="ghost"
              aria-expanded={open}
              aria-controls={detailsId}
              onClick={() => setOpen(!open)}
            >
              {open ? t('audit.hideChanges') : t('audit.showChanges')}
            </Button>
          ) : null}
        </TD>
      </TR>
      {open ? (
        <TR id={detailsId}>
          <TD colSpan={7} className="bg-slate-50 dark:bg-slate-950">
            <ChangesTable rows={rows} />
          </TD>
        </TR>
      ) : null}
    </Fragment>
  )
}
