import { useTranslation } from 'react-i18next'
import { Chart } from '../../../components/chart/chart.tsx'
import { EmptyState, Spinner } from '../../../components/ui/index.ts'
import { clientStatuses } from '../api.ts'
import { useClientCounts } from './client-counts.ts'

/** The dashboard's "clients by status": the clients the viewer may see, counted per status. */
export default function ClientsByStatusWidget() {
  const { t } = useTranslation()
  const counts = useClientCounts(clientStatuses.map((status) => ({ status })))
  if (!counts) return <Spinner />
  const data = clientStatuses.map((status, i) => ({
    label: t(`clients.status.${status}`),
    value: counts[i] ?? 0,
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
