import { useTranslation } from 'react-i18next'
import { type diffChanges, displayValue } from './api.ts'

/** The field-by-field before/after table of an audit entry. */
export function ChangesTable({
  rows,
  id,
  className = '',
}: {
  rows: ReturnType<typeof diffChanges>
  id?: string
  className?: string
}) {
  const { t } = useTranslation()
  return (
    <table id={id} className={`text-xs ${className}`}>
      <caption className="sr-only">{t('audit.fields.changes')}</caption>
      <thead>
        <tr>
          <th scope="col" className="pr-6 text-left">
            {t('audit.diff.field')}
          </th>
          <th scope="col" className="pr-6 text-left">
            {t('audit.diff.before')}
          </th>
          <th scope="col" className="text-left">
            {t('audit.diff.after')}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row" className="pr-6 text-left font-mono font-medium">
              {row.key}
            </th>
            <td className="max-w-80 pr-6 font-mono break-all text-red-800 dark:text-red-300">
              {displayValue(row.before)}
            </td>
            <td className="max-w-80 font-mono break-all text-emerald-800 dark:text-emerald-300">
              {displayValue(row.after)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
