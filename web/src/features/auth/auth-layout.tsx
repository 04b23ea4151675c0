import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { useDocumentTitle } from '../../lib/document-title.ts'

export function AuthLayout({ title, children }: { title: ReactNode; children: ReactNode }) {
  const { t } = useTranslation()
  useDocumentTitle(title)
  return (
    <div className="flex min-h-screen flex-col items-center justify-center px-4 py-10">
      <header className="mb-6">
        <p className="text-xl font-bold tracking-tight text-indigo-800 dark:text-indigo-300">
          {t('app.name')}
        </p>
      </header>
      <main className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-700 dark:bg-slate-900">
        <h1 className="mb-4 text-2xl font-semibold">{title}</h1>
        {children}
      </main>
    </div>
  )
}
