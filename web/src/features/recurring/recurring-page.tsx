import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { type ReactNode, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, ConfirmDialog, PageSpinner } from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { errorMessage } from '../../lib/errors.ts'
import { can, type Me, useMe } from '../auth/api.ts'
import { InvoiceStatusBadge, Money, useFormatDay } from '../invoices/badges.tsx'
import { PageHeader } from '../shell/app-shell.tsx'
import { type Recurring, recurringApi, recurringKey, recurringQuery } from './api.ts'
import { RecurringForm } from './recurring-form.tsx'
import './strings.ts'

const linkClasses = 'text-indigo-800 hover:underline dark:text-indigo-300'

/** "Every month", "Every 2 weeks". */
export function useEvery() {
  const { t } = useTranslation()
  return (profile: Pick<Recurring, 'frequency' | 'interval'>) =>
    t(`recurring.every.${profile.frequency}`, { count: profile.interval })
}

/** A recurring invoice: its schedule and where it stands, pause/resume, edit, delete, what it wrote. */
export function RecurringPage({ recurringId }: { recurringId: string }) {
  const { t } = useTranslation()
  const { data: me } = useMe()
  const query = useQuery(recurringQuery(recurringId))
  const [editing, setEditing] = useState(false)
  if (!me) return null
  if (query.isPending) return <PageSpinner />
  if (query.isError) return <Alert tone="error">{errorMessage(query.error, t)}</Alert>
  const profile = query.data
  return (
    <>
      <div className="space-y-1">
        <p className="text-sm">
          <Link to="/recurring" className={linkClasses}>
            {t('recurring.title')}
          </Link>
        </p>
        <PageHeader
          title={editing ? t('recurring.editor.editTitle') : (profile.name ?? t('recurring.unnamed'))}
          description={
            <Link to="/clients/$clientId" params={{ clientId: profile.client.id }} className={linkClasses}>
              {profile.client.name}
            </Link>
          }
        />
        <InvoiceStatusBadge status={profile.status} />
      </div>
      {editing ? (
        <RecurringForm key={profile.updatedAt} profile={profile} onDone={() => setEditing(false)} />
      ) : (
        <RecurringDetail me={me} profile={profile} onEdit={() => setEditing(true)} />
      )}
    </>
  )
}

function RecurringDetail({ me, profile, onEdit }: { me: Me; profile: Recurring; onEdit: () => void }) {
  const { t } = useTranslation()
  const day = useFormatDay()
  const every = useEvery()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [confirmDelete, setConfirmDelete] = useState(false)
  const refresh = (next?: Recurring) => {
    if (next) queryClient.setQueryData(recurringQuery(profile.id).queryKey, next)
    return queryClient.invalidateQueries({ queryKey: [...recurringKey, 'list'] })
  }
  const toggle = useMutation({
    mutationFn: () =>
      profile.status === 'paused' ? recurringApi.resume(profile.id) : recurringApi.pause(profile.id),
    onSuccess: (next) => {
      showToast({
        message: next.status === 'paused' ? t('recurring.detail.paused') : t('recurring.detail.resumed'),
      })
      void refresh(next)
    },
  })
  const remove = useMutation({
    mutationFn: () => recurringApi.remove(profile.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: recurringKey })
      void navigate({ to: '/recurring' })
    },
  })
  const write = can(me, 'invoices:write')
  const ends = profile.endDate
    ? t('recurring.detail.endsOn', { date: day(profile.endDate) })
    : profile.count
      ? t('recurring.detail.endsAfter', { count: profile.count })
      : t('recurring.detail.endsNever')
  const facts: [string, ReactNode][] = [
    [t('recurring.fields.schedule'), every(profile)],
    [t('recurring.fields.next'), profile.nextDate ? day(profile.nextDate) : '—'],
    [t('recurring.fields.total'), <Money key="total" value={profile.total} currency={profile.currency} />],
    [t('recurring.fields.generated'), String(profile.generated)],
    [t('recurring.detail.ends'), ends],
    [
      t('recurring.fields.autoSend'),
      profile.autoSend ? t('recurring.fields.autoSendOn') : t('recurring.fields.autoSendOff'),
    ],
  ]
  return (
    <div className="space-y-6">
      {profile.lastError ? (
        <Alert tone="error">{t('recurring.detail.lastError', { error: profile.lastError })}</Alert>
      ) : null}
      <dl className="grid gap-4 sm:grid-cols-3">
        {facts.map(([label, value]) => (
          <div
            key={label}
            className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-900"
          >
            <dt className="text-xs text-slate-700 dark:text-slate-300">{label}</dt>
            <dd className="text-lg font-semibold">{value}</dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="recurring-actions" className="space-y-2">
        <h2 id="recurring-actions" className="text-lg font-semibold">
          {t('invoices.detail.actions')}
        </h2>
        <div className="flex flex-wrap gap-2">
          {write && profile.status !== 'completed' ? (
            <Button onClick={onEdit}>{t('recurring.detail.edit')}</Button>
          ) : null}
          {write && profile.status !== 'completed' ? (
            <Button variant="secondary" loading={toggle.isPending} onClick={() => toggle.mutate()}>
              {profile.status === 'paused' ? t('recurring.detail.resume') : t('recurring.detail.pause')}
            </Button>
          ) : null}
          {can(me, 'invoices:delete') ? (
            <Button variant="danger" onClick={() => setConfirmDelete(true)}>
              {t('recurring.detail.delete')}
            </Button>
          ) : null}
        </div>
        {profile.status === 'paused' ? (
          <p className="text-sm text-slate-700 dark:text-slate-300">{t('recurring.detail.resumeHint')}</p>
        ) : null}
        {toggle.error ? <Alert tone="error">{errorMessage(toggle.error, t)}</Alert> : null}
      </section>

      <section aria-labelledby="recurring-generated" className="space-y-2">
        <h2 id="recurring-generated" className="text-lg font-semibold">
          {t('recurring.detail.generatedInvoices')}
        </h2>
        {profile.lastInvoiceId ? (
          <p className="text-sm">
            <Link
              to="/invoices/$invoiceId"
              params={{ invoiceId: profile.lastInvoiceId }}
              className={linkClasses}
            >
              {t('recurring.detail.lastInvoice')}
            </Link>
          </p>
        ) : profile.nextDate ? (
          <p className="text-sm">{t('recurring.detail.noneYet', { date: day(profile.nextDate) })}</p>
        ) : null}
        <p className="text-sm">
          <Link to="/invoices" search={{ client: profile.client.id }} className={linkClasses}>
            {t('recurring.detail.clientInvoices', { name: profile.client.name })}
          </Link>
        </p>
      </section>

      <section aria-labelledby="recurring-lines" className="space-y-2">
        <h2 id="recurring-lines" className="text-lg font-semibold">
          {t('recurring.detail.lines')}
        </h2>
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 text-sm dark:divide-slate-700 dark:border-slate-700">
          {profile.lines.map((line, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a stored profile's lines have no ids and this list never reorders
            <li key={`${index}-${line.description}`} className="flex justify-between gap-4 px-3 py-2">
              <span>
                {line.quantity} × {line.description}
              </span>
              <Money value={line.unitPrice} currency={profile.currency} />
            </li>
          ))}
        </ul>
      </section>

      <ConfirmDialog
        open={confirmDelete}
        title={t('recurring.detail.deleteTitle')}
        description={t('recurring.detail.deleteBody')}
        confirmLabel={t('recurring.detail.delete')}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error, t) : null}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirmDelete(false)}
      />
    </div>
  )
}
