import { useTranslation } from 'react-i18next'
import { cn } from './cn.ts'

export function Spinner({ label, className }: { label?: string; className?: string }) {
  const { t } = useTranslation()
  return (
    <span role="status" className={cn('inline-flex items-center gap-2', className)}>
      <span
        aria-hidden="true"
        className="size-4 animate-spin rounded-full border-2 border-current border-r-transparent"
      />
      <span className="sr-only">{label ?? t('common.loading')}</span>
    </span>
  )
}

export function PageSpinner() {
  return (
    <div className="flex min-h-40 items-center justify-center p-8 text-slate-600 dark:text-slate-300">
      <Spinner />
    </div>
  )
}
