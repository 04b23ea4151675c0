import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, buttonClasses, PageSpinner } from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { maybeMeQuery, peekRememberedRedirect, rememberRedirect } from './api.ts'

export function VerifyEmailStatus({ error }: { error?: string }) {
  const { t } = useTranslation()
  const [redirect] = useState(peekRememberedRedirect)
  const me = useQuery(maybeMeQuery)

  if (error) {
    return (
      <div className="space-y-4">
        <Alert tone="error" title={t('auth.verifyEmail.failedTitle')}>
          {error.toUpperCase() === 'TOKEN_EXPIRED'
            ? t('auth.verifyEmail.expiredBody')
            : t('auth.verifyEmail.invalidBody')}
        </Alert>
        <Link to="/sign-in" search={{ redirect }} className={linkClasses}>
          {t('auth.verifyEmail.signInToResend')}
        </Link>
      </div>
    )
  }

  if (me.isPending) return <PageSpinner />

  return (
    <div className="space-y-4">
      <Alert tone="success" title={t('auth.verifyEmail.successTitle')}>
        {t('auth.verifyEmail.successBody')}
      </Alert>
      {me.data ? (
        <a
          href={redirect ?? '/'}
          onClick={() => rememberRedirect(undefined)}
          className={buttonClasses('primary', 'w-full')}
        >
          {t('common.continue')}
        </a>
      ) : (
        <Link to="/sign-in" search={{ redirect }} className={buttonClasses('primary', 'w-full')}>
          {t('auth.signIn.title')}
        </Link>
      )}
    </div>
  )
}
