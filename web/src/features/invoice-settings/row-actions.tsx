import { useTranslation } from 'react-i18next'
import { Button } from '../../components/ui/index.ts'

/** Edit and Archive/Restore for a row of the catalog or of the tax rates, named for screen readers. */
export function EditArchiveActions({
  strings,
  name,
  archived,
  pending,
  onEdit,
  onArchive,
}: {
  strings: 'invoiceSettings.products' | 'invoiceSettings.taxRates'
  name: string
  archived: boolean
  pending: boolean
  onEdit: () => void
  onArchive: () => void
}) {
  const { t } = useTranslation()
  return (
    <div className="flex justify-end gap-2">
      <Button variant="secondary" aria-label={t(`${strings}.editNamed`, { name })} onClick={onEdit}>
        {t(`${strings}.edit`)}
      </Button>
      <Button
        variant="ghost"
        loading={pending}
        aria-label={t(archived ? `${strings}.restoreNamed` : `${strings}.archiveNamed`, { name })}
        onClick={onArchive}
      >
        {archived ? t(`${strings}.restore`) : t(`${strings}.archive`)}
      </Button>
    </div>
  )
}
