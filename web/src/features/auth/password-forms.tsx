import { useMutation } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Form, FormError } from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { ApiError } from '../../lib/api.ts'
import { errorMessage } from '../../lib/errors.ts'
import { useValidatedForm } from '../../lib/use-validated-form.ts'
import { authApi } from './api.ts'
import { AuthInput, emailPattern } from './fields.tsx'

export function ForgotPasswordForm() {
  const { t } = useTranslation()
  const [email, setEmail] = useState('')
  const mutation = useMutation({ mutationFn: authApi.requestPasswordReset })
  const form = useValidatedForm(
    mutation.error,
    () => ({ email: !emailPattern.test(email) && t('validation.email') }),
    () => mutation.mutate(email.trim()),
  )

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

  return (
    <Form onSubmit={form.onSubmit} className="space-y-4">
      <p className="text-sm text-slate-700 dark:text-slate-300">{t('auth.forgotPassword.intro')}</p>
      <FormError message={mutation.error ? errorMessage(mutation.error, t) : null} />
      <AuthInput
        preset="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={form.errorFor('email')}
      />
      <Button type="submit" className="w-full" loading={mutation.isPending}>
        {t('auth.forgotPassword.submit')}
      </Button>
      <Link to="/sign-in" className={`${linkClasses} block text-sm`}>
        {t('auth.backToSignIn')}
      </Link>
    </Form>
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
  const mutation = useMutation({ mutationFn: authApi.resetPassword })
  const form = useValidatedForm(
    mutation.error,
    () => ({
      password: password.length < 10 && t('validation.passwordLength', { count: 10 }),
      confirm: confirm !== password && t('validation.passwordMismatch'),
    }),
    () => {
      if (token) mutation.mutate({ newPassword: password, token })
    },
  )

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

  return (
    <Form onSubmit={form.onSubmit} className="space-y-4">
      <FormError message={mutation.error ? errorMessage(mutation.error, t) : null} />
      <AuthInput
        preset="newPassword"
        label={t('auth.resetPassword.newPassword')}
        name="newPassword"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={form.errorFor('password', 'newPassword')}
      />
      <AuthInput
        preset="newPassword"
        label={t('auth.resetPassword.confirmPassword')}
        name="confirmPassword"
        hint={null}
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
        error={form.errors.confirm}
      />
      <Button type="submit" className="w-full" loading={mutation.isPending}>
        {t('auth.resetPassword.submit')}
      </Button>
    </Form>
  )
}
