import { type ReactNode, useEffect } from 'react'
import { useTranslation } from 'react-i18next'

export function useDocumentTitle(title: ReactNode): void {
  const { t } = useTranslation()
  useEffect(() => {
    const app = t('app.name')
    document.title = typeof title === 'string' && title ? `${title} · ${app}` : app
  }, [title, t])
}
