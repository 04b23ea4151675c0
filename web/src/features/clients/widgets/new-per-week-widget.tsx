import { useTranslation } from 'react-i18next'
import { Chart } from '../../../components/chart/chart.tsx'
import { Spinner } from '../../../components/ui/index.ts'
import { useClientCounts } from './client-counts.ts'

const WEEKS = 8

const day = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`

/** The last weeks, Monday to Sunday in the viewer's time zone, oldest first. */
export function lastWeeks(today: Date, weeks = WEEKS): { from: string; to: string; start: Date }[] {
  const monday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - ((today.getDay() + 6) % 7))
  return Array.from({ length: weeks }, (_, i) => {
    const start = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() - 7 * (weeks - 1 - i))
    const end = new Date(start.getFullYear(), start.getMonth(), start.getDate() + 6)
    return { from: day(start), to: day(end), start }
  })
}

/** The dashboard's "new clients per week": clients created in each of the last eight weeks. */
export default function NewClientsPerWeekWidget() {
  const { t, i18n } = useTranslation()
  const weeks = lastWeeks(new Date())
  const counts = useClientCounts(weeks.map((w) => ({ createdFrom: w.from, createdTo: w.to })))
  if (!counts) return <Spinner />
  const format = new Intl.DateTimeFormat(i18n.language, { month: 'short', day: 'numeric' })
  const data = weeks.map((w, i) => ({ label: format.format(w.start), value: counts[i] ?? 0 }))
  return (
    <Chart
      kind="bar"
      caption={t('dashboard.widgets.perWeekCaption')}
      labelHeading={t('dashboard.widgets.weekOf')}
      valueHeading={t('dashboard.widgets.newClients')}
      data={data}
    />
  )
}
