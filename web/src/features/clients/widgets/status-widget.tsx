import { useQueries } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { Chart } from '../../../components/chart/chart.tsx'
import { EmptyState, Spinner } from '../../../components/ui/index.ts'
import { clientCountQuery, clientStatuses } from '../api.ts'

/** The dashboard's "clients by status": the clients the viewer may see, counted per status. */
export default function ClientsByStatusWidget() {
  const { t } = useTranslation()
  const counts = useQueries({ queries: clientStatuses.map((status) => clientCountQuery({ status })) })
  if (counts.some((c) => c.isPending)) return <Spinner />
  const data = clientStatuses.map((status, i) => ({
    label: t(`clients.status.${status}`),
    value: counts[i]?.data?.count ?? 0,
  }))
  if (data.every((d) => d.value === 0)) return <EmptyState title={t('dashboard.widgets.noClients')} />
  return (
    <Chart
      kind="pie"
      caption={t('dashboard.widgets.byStatusCaption')}
      labelHeading={t('clients.fields.status')}
      valueHeading={t('dashboard.widgets.clients')}
      data={data}
    />
  )
}
