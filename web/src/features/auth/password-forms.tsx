import { useMutation } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, FormError, Input } from '../../components/ui/index.ts'
import { ApiError } from '../../lib/api.ts'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { authApi } from './api.ts'
import { linkClasses } from './auth-layout.tsx'

export function ForgotPasswordForm() {
  const { t } = useTranslation()
  const [email, setEmail] = useState('')
  const [error, setError] = useState<string>()
  const mutation = useMutation({ mutationFn: authApi.requestPasswordReset })

  if (mutation.isSuccess) {
    return (
      <div className="space-y-4">
        <Alert tone="success" title={t('auth.forgotPassword.sentTitle')}>
          {t('auth.forgotPassword.sentBody', { email })}
        </Alert>
        <Link to="/sign-in" className={linkClasses}>
          {t('auth.backToSignIn')}
        </Link>
      </div>
    )
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    if (!/^\S+@\S+\.\S+$/.test(email)) {
      setError(t('validation.email'))
      return
    }
    setError(undefined)
    mutation.mutate(email.trim())
  }

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <p className="text-sm text-slate-700 dark:text-slate-300">{t('auth.forgotPassword.intro')}</p>
      <FormError message={mutation.error ? errorMessage(mutation.error, t) : null} />
      <Input
        label={t('auth.fields.email')}
        name="email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={error ?? fieldErrorsOf(mutation.error).email}
        required
      />
      <Button type="submit" className="w-full" loading={mutation.isPending}>
        {t('auth.forgotPassword.submit')}
      </Button>
      <Link to="/sign-in" className={`${linkClasses} block text-sm`}>
        {t('auth.backToSignIn')}
      </Link>
    </form>
  )
}

function InvalidResetToken() {
  const { t } = useTranslation()
  return (
    <div className="space-y-4">
      <Alert tone="error" title={t('auth.resetPassword.invalidTitle')}>
        {t('auth.resetPassword.invalidBody')}
      </Alert>
      <Link to="/forgot-password" className={linkClasses}>
        {t('auth.resetPassword.requestNew')}
      </Link>
    </div>
  )
}

export function ResetPasswordForm({ token, error }: { token?: string; error?: string }) {
  const { t } = useTranslation()
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const mutation = useMutation({ mutationFn: authApi.resetPassword })

  if (error || !token) return <InvalidResetToken />
  if (
    mutation.error instanceof ApiError &&
    (mutation.error.code === 'INVALID_TOKEN' || mutation.error.fieldErrors.token)
  ) {
    return <InvalidResetToken />
  }

  if (mutation.isSuccess) {
    return (
      <div className="space-y-4">
        <Alert tone="success" title={t('auth.resetPassword.successTitle')}>
          {t('auth.resetPassword.successBody')}
        </Alert>
        <Link to="/sign-in" className={linkClasses}>
          {t('auth.backToSignIn')}
        </Link>
      </div>
    )
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    const next: Record<string, string> = {}
    if (password.length < 10) next.password = t('validation.passwordLength', { count: 10 })
    if (confirm !== password) next.confirm = t('validation.passwordMismatch')
    setErrors(next)
    if (Object.keys(next).length === 0) mutation.mutate({ newPassword: password, token })
  }

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <FormError message={mutation.error ? errorMessage(mutation.error, t) : null} />
      <Input
        label={t('auth.resetPassword.newPassword')}
        name="newPassword"
        type="password"
        autoComplete="new-password"
        hint={t('auth.fields.passwordHint', { count: 10 })}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password ?? fieldErrorsOf(mutation.error).newPassword}
        required
      />
      <Input
        label={t('auth.resetPassword.confirmPassword')}
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
        error={errors.confirm}
        required
      />
      <Button type="submit" className="w-full" loading={mutation.isPending}>
        {t('auth.resetPassword.submit')}
      </Button>
    </form>
  )
}
