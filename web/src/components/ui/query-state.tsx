import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { errorMessage } from '../../lib/errors.ts'
import { Alert } from './alert.tsx'
import { PageSpinner } from './spinner.tsx'

export type QueryLike<T> = {
  isPending: boolean
  isError: boolean
  error: unknown
  data: T | undefined
}

export function QueryState<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: QueryLike<T>
  isEmpty?: (data: T) => boolean
  empty?: ReactNode
  children: (data: T) => ReactNode
}) {
  const { t } = useTranslation()
  if (query.isPending) return <PageSpinner />
  if (query.isError) return <Alert tone="error">{errorMessage(query.error, t)}</Alert>
  const data = query.data as T
  if (isEmpty?.(data)) return <>{empty}</>
  return <>{children(data)}</>
}
