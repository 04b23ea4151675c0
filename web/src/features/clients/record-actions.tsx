import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { type ReactNode, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ActionFeedback, Button, Card, ConfirmDialog } from '../../components/ui/index.ts'
import { errorMessage } from '../../lib/errors.ts'
import { useFormatDateTime } from '../../lib/format.ts'
import { can } from '../auth/api.ts'
import { linkClasses } from '../auth/auth-layout.tsx'
import { type Address, type Client, clientQuery, clientsApi, clientsKey, customFieldsQuery } from './api.ts'
import { ClientForm } from './client-form.tsx'
import { useFormatCustomValue } from './custom-field-input.tsx'
import type { ClientTabProps } from './tabs.ts'

function useSetClient() {
  const queryClient = useQueryClient()
  return (client: Client) => {
    queryClient.setQueryData(clientQuery(client.id).queryKey, client)
    void queryClient.invalidateQueries({ queryKey: clientsKey })
  }
}

export function OverviewTab({ client, me }: ClientTabProps) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const setClient = useSetClient()
  const [editing, setEditing] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const update = useMutation({
    mutationFn: clientsApi.update,
    onSuccess: (updated) => {
      setClient(updated)
      setEditing(false)
      setNotice(t('clients.page.saved'))
    },
  })
  const archive = useMutation({
    mutationFn: (archived: boolean) =>
      archived ? clientsApi.restore(client.id) : clientsApi.archive(client.id),
    onSuccess: (updated) => {
      setClient(updated)
      setNotice(updated.archivedAt ? t('clients.page.archived') : t('clients.page.restored'))
    },
  })
  const remove = useMutation({
    mutationFn: () => clientsApi.remove(client.id),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: clientQuery(client.id).queryKey })
      await queryClient.invalidateQueries({ queryKey: clientsKey })
      await navigate({ to: '/clients' })
    },
  })
  const canWrite = can(me, 'clients:write')
  const archived = client.status === 'archived' || client.archivedAt !== null

  if (editing) {
    return (
      <Card title={t('clients.form.editTitle')}>
        <ClientForm
          client={client}
          submitLabel={t('common.save')}
          pending={update.isPending}
          error={update.error}
          onSubmit={(input) => update.mutate({ clientId: client.id, input })}
          onCancel={() => {
            update.reset()
            setEditing(false)
          }}
        />
      </Card>
    )
  }

  return (
    <>
      <ActionFeedback error={archive.error ? errorMessage(archive.error, t) : null} notice={notice} />
      <Card
        title={t('clients.page.details')}
        actions={
          <div className="flex flex-wrap gap-2">
            {canWrite ? (
              <Button
                onClick={() => {
                  setNotice(null)
                  setEditing(true)
                }}
              >
                {t('clients.page.edit')}
              </Button>
            ) : null}
            {canWrite ? (
              <Button
                variant="secondary"
                loading={archive.isPending}
                onClick={() => archive.mutate(archived)}
              >
                {archived ? t('clients.page.restore') : t('clients.page.archive')}
              </Button>
            ) : null}
            {can(me, 'clients:delete') ? (
              <Button
                variant="danger"
                onClick={() => {
                  remove.reset()
                  setConfirmDelete(true)
                }}
              >
                {t('clients.page.delete')}
              </Button>
            ) : null}
          </div>
        }
      >
        <ClientFacts client={client} />
      </Card>
      <CustomFieldFacts client={client} />
      <ConfirmDialog
        open={confirmDelete}
        title={t('clients.page.deleteTitle')}
        description={t('clients.page.deleteBody', { name: client.name })}
        confirmLabel={t('clients.page.delete')}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error, t) : null}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirmDelete(false)}
      />
    </>
  )
}

function Facts({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="grid gap-x-6 gap-y-4 sm:grid-cols-2 lg:grid-cols-3">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">
            {label}
          </dt>
          <dd className="mt-1 text-sm break-words whitespace-pre-line">{value ?? '—'}</dd>
        </div>
      ))}
    </dl>
  )
}

function useFormatAddress() {
  const { i18n } = useTranslation()
  return useMemo(() => {
    let regions: Intl.DisplayNames | null = null
    try {
      regions = new Intl.DisplayNames([i18n.language], { type: 'region' })
    } catch {}
    return (address: Address | null) => {
      if (!address) return null
      const country = address.country ? (regions?.of(address.country) ?? address.country) : null
      const cityLine = [address.postalCode, address.city].filter(Boolean).join(' ')
      const lines = [address.line1, address.line2, cityLine, address.region, country].filter(Boolean)
      return lines.length ? lines.join('\n') : null
    }
  }, [i18n.language])
}

function ClientFacts({ client }: { client: Client }) {
  const { t } = useTranslation()
  const formatDateTime = useFormatDateTime()
  const formatAddress = useFormatAddress()
  const items: [string, ReactNode][] = [
    [t('clients.fields.kind'), t(`clients.kind.${client.kind}`)],
    [t('clients.fields.legalName'), client.legalName],
    [
      t('clients.fields.email'),
      client.email ? (
        <a key="email" className={linkClasses} href={`mailto:${client.email}`}>
          {client.email}
        </a>
      ) : null,
    ],
    [
      t('clients.fields.phone'),
      client.phone ? (
        <a key="phone" className={linkClasses} href={`tel:${client.phone.replace(/\s+/g, '')}`}>
          {client.phone}
        </a>
      ) : null,
    ],
    [
      t('clients.fields.website'),
      client.website ? (
        <a
          key="website"
          className={linkClasses}
          href={client.website}
          rel="noopener noreferrer"
          target="_blank"
        >
          {client.website}
        </a>
      ) : null,
    ],
    [t('clients.fields.taxId'), client.taxId],
    [t('clients.fields.currency'), client.currency],
    [t('clients.fields.language'), client.language],
    [
      t('clients.fields.paymentTermsDays'),
      client.paymentTermsDays === null ? null : t('clients.page.days', { count: client.paymentTermsDays }),
    ],
    [t('clients.fields.owner'), client.owner?.name ?? t('clients.noOwner')],
    [t('clients.fields.assignees'), client.assignees.map((a) => a.name).join(', ') || null],
    [
      t('clients.fields.primaryContact'),
      client.primaryContact
        ? [client.primaryContact.name, client.primaryContact.email].filter(Boolean).join(' · ')
        : null,
    ],
    [t('clients.fields.billingAddress'), formatAddress(client.billingAddress)],
    [t('clients.fields.shippingAddress'), formatAddress(client.shippingAddress)],
    [t('clients.fields.created'), formatDateTime(client.createdAt)],
    [t('clients.fields.updated'), formatDateTime(client.updatedAt)],
  ]
  if (client.archivedAt) items.push([t('clients.fields.archivedAt'), formatDateTime(client.archivedAt)])
  return <Facts items={items} />
}

function CustomFieldFacts({ client }: { client: Client }) {
  const { t } = useTranslation()
  const fields = useQuery(customFieldsQuery)
  const format = useFormatCustomValue()
  if (!fields.data || fields.data.length === 0) return null
  return (
    <Card title={t('clients.form.customFields')}>
      <Facts items={fields.data.map((field) => [field.label, format(field, client.custom[field.key])])} />
    </Card>
  )
}
